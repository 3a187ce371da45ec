"""Input every feature shares: a text field may be left out but is never ``null``, and the works
of one list never share an id (the customer's answers name them). Both are 400 naming the field.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from chalice.test import Client

from tests.integration.flows import intervention
from tests.integration.tenants import Tenant, call

SOON = (date.today() + timedelta(days=60)).isoformat()
CONTACT = {"title": "mrs", "last_name": "Martin", "first_name": "Claire", "email": "c.martin@example.com"}
NOT_NULL = ("language", "first_name", "last_name")  # email and phone: null is "none", as ever


def _base(tenant: Tenant) -> str:
    return f"/v1/dealerships/{tenant.dealership_id}"


def _work(work_id: str, **more: Any) -> dict[str, Any]:
    return {"id": work_id, "label": f"Work {work_id}", "urgency": "recommended", "price": "10.00", **more}


def _reminder(**overrides: Any) -> dict[str, Any]:
    return {
        "reference": "MAN-1",
        "contact": CONTACT,
        "send_date": SOON,
        "works": [_work("p1", deadline=SOON)],
        **overrides,
    }


def _enable_work_reports(api: Client, tenant: Tenant) -> None:
    manager = tenant.bearer("dealer_manager")
    version = call(api, "GET", _base(tenant), manager)[1]["version"]
    body = {"version": version, "settings": {"after_sales": {"work_reports_enabled": True}}}
    assert call(api, "PATCH", _base(tenant), manager, body)[0] == 200


@pytest.mark.parametrize("name", NOT_NULL)
def test_a_null_contact_field_is_refused_naming_it_everywhere_a_contact_is_typed(
    api: Client, tenant_a: Tenant, name: str
) -> None:
    office = tenant_a.bearer("back_office")
    contact = {**CONTACT, name: None}
    file = {"mode": "after_sales", "module": "mechanics", "reference": "N-1", "contact": contact}
    existing = intervention(api, tenant_a, contact=CONTACT)
    attempts = [
        ("POST", f"{_base(tenant_a)}/interventions", office, file),
        ("POST", "/v1/device/interventions", tenant_a.device_headers(), file),
        ("PATCH", f"{_base(tenant_a)}/interventions/{existing}", office, {"version": 1, "contact": contact}),
        ("POST", f"{_base(tenant_a)}/reminders", office, _reminder(contact=contact)),
    ]
    for method, path, headers, body in attempts:
        status, answer = call(api, method, path, headers, body)
        assert (status, answer["error"]["field"]) == (400, f"contact.{name}"), (method, path, answer)


def test_a_file_whose_contact_left_fields_out_is_still_edited(api: Client, tenant_a: Tenant) -> None:
    """Left-out fields are stored empty: an edit of another field does not trip over them."""
    file_id = intervention(api, tenant_a, contact={"title": "mr", "last_name": "Short", "phone": "+33611111111"})
    path = f"{_base(tenant_a)}/interventions/{file_id}"
    status, edited = call(api, "PATCH", path, tenant_a.bearer("back_office"), {"version": 1, "message": "Bonjour"})
    assert (status, edited["contact"]["last_name"], edited["message"]) == (200, "Short", "Bonjour"), edited
    status, copy = call(api, "POST", path + "/duplicate", tenant_a.bearer("back_office"), {"reference": "COPY-1"})
    assert status == 201, copy


@pytest.mark.parametrize("name", ["first_name", "last_name", "language"])
def test_a_null_user_name_or_language_is_refused_naming_it(api: Client, tenant_a: Tenant, name: str) -> None:
    user_id = tenant_a.users["salesperson"].user_id
    path = f"{_base(tenant_a)}/users/{user_id}"
    status, answer = call(api, "PATCH", path, tenant_a.bearer("dealer_manager"), {name: None})
    assert (status, answer["error"]["field"]) == (400, name), answer
    new = {"email": "new@alpha.example", "first_name": "Nina", "last_name": "New", "roles": ["technician"]}
    status, answer = call(
        api, "POST", f"{_base(tenant_a)}/users", tenant_a.bearer("dealer_manager"), {**new, name: None}
    )
    assert (status, answer["error"]["field"]) == (400, name), answer
    assert call(api, "GET", path, tenant_a.bearer("dealer_manager"))[1][name] is not None


def test_a_null_language_of_ones_own_profile_is_refused(api: Client, tenant_a: Tenant) -> None:
    status, answer = call(api, "PATCH", "/v1/me", tenant_a.bearer("back_office"), {"language": None})
    assert (status, answer["error"]["field"]) == (400, "language"), answer
    status, me = call(api, "PATCH", "/v1/me", tenant_a.bearer("back_office"), {"phone": None})
    assert (status, me["phone"]) == (200, None)  # a phone can be taken off the profile


def test_works_of_an_intervention_never_share_an_id(api: Client, tenant_a: Tenant) -> None:
    office = tenant_a.bearer("back_office")
    works = [_work("a"), _work("b"), _work("a")]
    file = {"mode": "after_sales", "module": "mechanics", "reference": "D-1", "works": works}
    status, answer = call(api, "POST", f"{_base(tenant_a)}/interventions", office, file)
    assert (status, answer["error"]["field"], answer["error"]["code"]) == (400, "works.2.id", "duplicate_id")
    status, answer = call(api, "POST", "/v1/device/interventions", tenant_a.device_headers(), file)
    assert (status, answer["error"]["field"]) == (400, "works.2.id")
    existing = intervention(api, tenant_a)
    path = f"{_base(tenant_a)}/interventions/{existing}"
    status, answer = call(api, "PATCH", path, office, {"version": 1, "works": works})
    assert (status, answer["error"]["field"]) == (400, "works.2.id")


def test_works_without_an_id_get_one_no_other_work_holds(api: Client, tenant_a: Tenant) -> None:
    works = [{k: v for k, v in _work("x").items() if k != "id"}, _work("w1"), _work("w3")]
    file_id = intervention(api, tenant_a, works=works)
    status, read = call(api, "GET", f"{_base(tenant_a)}/interventions/{file_id}", tenant_a.bearer("back_office"))
    ids = [w["id"] for w in read["works"]]
    assert status == 200 and len(set(ids)) == 3 and ids[1:] == ["w1", "w3"], ids


@pytest.mark.parametrize("name", ["performed_works", "works_to_plan"])
def test_works_of_a_work_report_never_share_an_id(api: Client, tenant_a: Tenant, name: str) -> None:
    _enable_work_reports(api, tenant_a)
    works = [_work("a", deadline=SOON), _work("a", deadline=SOON)]
    if name == "performed_works":
        works = [{k: v for k, v in w.items() if k != "deadline"} for w in works]
    report = {"mode": "after_sales", "module": "work_report", "reference": "WR-D", name: works}
    status, answer = call(api, "POST", f"{_base(tenant_a)}/interventions", tenant_a.bearer("back_office"), report)
    assert (status, answer["error"]["field"]) == (400, f"{name}.1.id"), answer


def test_works_of_a_reminder_never_share_an_id(api: Client, tenant_a: Tenant) -> None:
    office = tenant_a.bearer("back_office")
    works = [_work("p1", deadline=SOON), _work("p2", deadline=SOON), _work("p2", deadline=SOON)]
    status, answer = call(api, "POST", f"{_base(tenant_a)}/reminders", office, _reminder(works=works))
    assert (status, answer["error"]["field"]) == (400, "works.2.id"), answer
    status, created = call(api, "POST", f"{_base(tenant_a)}/reminders", office, _reminder())
    assert status == 201, created
    path = f"{_base(tenant_a)}/reminders/{created['id']}"
    status, answer = call(api, "PATCH", path, office, {"version": created["version"], "works": works})
    assert (status, answer["error"]["field"]) == (400, "works.2.id"), answer
