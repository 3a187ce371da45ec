"""Interventions (F-3.1-F-3.5, F-3.13, F-2.5) through the API, as the back office and the app use it."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from chalice.test import Client
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from dealerlink.ids import new_id
from dealerlink.store import outbox
from dealerlink.store.users import save_user
from devstack.template import LocalStack
from devstack.worker import Worker
from tests.integration.flows import until
from tests.integration.tenants import Tenant, call

REPLY_BY = (datetime.now(UTC) + timedelta(days=7)).replace(microsecond=0).isoformat()


def _path(tenant: Tenant, suffix: str = "") -> str:
    return f"/v1/dealerships/{tenant.dealership_id}/interventions{suffix}"


def full_intervention(**overrides: Any) -> dict[str, Any]:
    return {
        "mode": "after_sales",
        "module": "mechanics",
        "reference": "RO-2026-0042",
        "vehicle": {
            "plate": "AB-123-CD",
            "vin": "vf3abcdefgh123456",
            "make": "Peugeot",
            "model": "308",
            "mileage": 84500,
            "first_registration": "2019-03-14",
        },
        "contact": {
            "title": "mrs",
            "last_name": "Martin",
            "first_name": "Claire",
            "email": "Claire.Martin@example.com",
            "phone": "06 12 34 56 78".replace("06", "+336", 1),
            "language": "fr",
        },
        "message": "Bonjour, voici la vidéo de votre véhicule.",
        "works": [
            {"label": "Plaquettes de frein avant", "urgency": "urgent", "price": "180.00"},
            {"label": "Balais d'essuie-glace", "urgency": "recommended", "price": "25.00", "price_includes_vat": False},
            {"label": "Contrôle des niveaux", "urgency": "offered", "price": "15.00"},
            {"label": "Pneus arrière", "urgency": "ok", "price": "0"},
        ],
        "internal_message": {"text": "Client pressé", "contact_me": True},
        "reply_by": REPLY_BY,
        "customer_waiting": True,
        **overrides,
    }


def test_back_office_creates_an_intervention_with_every_field(api: Client, tenant_a: Tenant, tenant_b: Tenant) -> None:
    assignee = tenant_a.users["salesperson"].user_id
    status, created = call(
        api, "POST", _path(tenant_a), tenant_a.bearer("back_office"), full_intervention(assignee_id=assignee)
    )
    assert status == 201, created
    assert (created["status"], created["version"], created["brand"]) == ("waiting_to_send", 1, "peugeot")
    assert created["vehicle"]["vin"] == "VF3ABCDEFGH123456"
    assert created["contact"]["email"] == "claire.martin@example.com"
    assert created["author"] == {"id": tenant_a.users["back_office"].user_id, "kind": "user"}
    # 180.00 urgent (gross) + 25.00 net at 20 % = 30.00 gross -> proposed 210.00; offered and ok are free.
    assert created["totals"]["proposed_gross"] == {"amount": "210.00", "currency": "EUR"}
    assert created["readiness"] == {"can_send": True, "missing": []}
    assert created["assignee_id"] == assignee
    status, read = call(api, "GET", _path(tenant_a, f"/{created['id']}"), tenant_a.bearer("back_office"))
    assert (status, read.pop("media")) == (200, [])
    assert read == created
    # Another dealership's user cannot be the assignee.
    foreign = full_intervention(assignee_id=tenant_b.users["back_office"].user_id)
    status, answer = call(api, "POST", _path(tenant_a), tenant_a.bearer("back_office"), foreign)
    assert (status, answer["error"]["field"]) == (400, "assignee_id")


def test_phone_creates_offline_and_retries_never_duplicate(api: Client, tenant_a: Tenant) -> None:
    body = full_intervention(client_id=new_id())
    status, first = call(api, "POST", "/v1/device/interventions", tenant_a.device_headers(), body)
    assert status == 201
    assert first["author"]["kind"] == "device"
    status, again = call(api, "POST", "/v1/device/interventions", tenant_a.device_headers(), body)
    assert (status, again["id"]) == (200, first["id"])

    concurrent = full_intervention(client_id=new_id())
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(
            pool.map(
                lambda _: call(api, "POST", "/v1/device/interventions", tenant_a.device_headers(), concurrent), range(4)
            )
        )
    assert sorted(s for s, _ in results) == [200, 200, 200, 201]
    assert {body["id"] for _, body in results} == {concurrent["client_id"]}
    status, listed = call(api, "GET", _path(tenant_a), tenant_a.bearer("back_office"))
    assert len(listed["items"]) == 2


def test_saving_needs_title_and_last_name_sending_needs_email_or_phone(api: Client, tenant_a: Tenant) -> None:
    headers = tenant_a.bearer("back_office")
    status, answer = call(api, "POST", _path(tenant_a), headers, full_intervention(contact={"last_name": "Martin"}))
    assert (status, answer["error"]["field"]) == (400, "contact.title")
    status, created = call(
        api, "POST", _path(tenant_a), headers, full_intervention(contact={"title": "mr", "last_name": "Roux"})
    )
    assert status == 201
    assert created["readiness"] == {"can_send": False, "missing": ["contact.email_or_phone"]}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"reference": ""}, "reference"),
        ({"reference": "R" * 65}, "reference"),
        ({"module": "used_car_stock"}, "module"),
        ({"mode": "rental"}, "mode"),
        ({"brand": "ferrari"}, "brand"),
        ({"works": [{"label": "x", "urgency": "urgent", "price": "-1"}]}, "works.0.price"),
        (
            {
                "works": [
                    {"label": "x", "urgency": "urgent", "price": "10", "discount": {"kind": "percent", "value": "101"}}
                ]
            },
            "works.0.discount.value",
        ),
        ({"works": [{"label": "x", "urgency": "soon", "price": "10"}]}, "works.0.urgency"),
        ({"vehicle": {"vin": "TOO-SHORT"}}, "vehicle.vin"),
        ({"vehicle": {"mileage": -5}}, "vehicle.mileage"),
        ({"reply_by": "2026-12-01T18:00:00"}, "reply_by"),
        ({"client_id": 42}, "client_id"),
        ({"client_id": "phone-offline-1"}, "client_id"),
        ({"client_id": "7ZZZZZZZZZZZZZZZZZZZZZZZZZ"}, "client_id"),
        ({"client_id": "00000000000000000000000000"}, "client_id"),
        ({"client_id": "01JD000000000000000000000I"}, "client_id"),
        ({"colour": "blue"}, "colour"),
        ({"assignee_id": "01HZZZDEMQDEA1ERSH1P000000"}, "assignee_id"),
    ],
)
def test_bad_interventions_are_refused_naming_the_field(
    api: Client, tenant_a: Tenant, overrides: dict[str, Any], field: str | None
) -> None:
    status, answer = call(api, "POST", _path(tenant_a), tenant_a.bearer("back_office"), full_intervention(**overrides))
    assert status == 400, answer
    assert answer["error"].get("field") == field
    assert call(api, "GET", _path(tenant_a), tenant_a.bearer("back_office"))[1]["items"] == []


def test_salespeople_work_in_sales_mode_only(api: Client, tenant_a: Tenant) -> None:
    headers = tenant_a.bearer("salesperson")
    status, answer = call(api, "POST", _path(tenant_a), headers, full_intervention())
    assert (status, answer["error"]["code"]) == (403, "mode_not_allowed")
    sales = full_intervention(mode="sales", module="used_car_stock", contact=None, works=[])
    status, created = call(api, "POST", _path(tenant_a), headers, sales)
    assert status == 201
    assert created["readiness"]["can_send"] is False


def test_edits_need_the_current_version_and_waiting_to_send(api: Client, tenant_a: Tenant) -> None:
    headers = tenant_a.bearer("back_office")
    _, created = call(api, "POST", _path(tenant_a), headers, full_intervention())
    one = _path(tenant_a, f"/{created['id']}")
    status, edited = call(api, "PATCH", one, headers, {"version": 1, "reference": "RO-2026-0043"})
    assert (status, edited["reference"], edited["version"]) == (200, "RO-2026-0043", 2)
    assert edited["vehicle"] == created["vehicle"]
    stale = call(api, "PATCH", one, headers, {"version": 1, "reference": "RO-X"})
    assert (stale[0], stale[1]["error"]["code"]) == (409, "stale_version")
    assert call(api, "PATCH", one, headers, {"reference": "RO-X"})[1]["error"]["field"] == "version"
    call(api, "POST", f"{one}/close", headers)
    closed = call(api, "PATCH", one, headers, {"version": 3, "reference": "RO-X"})
    assert (closed[0], closed[1]["error"]["code"]) == (409, "not_editable")
    assert "closed" in closed[1]["error"]["message"]


def test_closed_files_leave_the_list_and_only_they_can_be_deleted(api: Client, tenant_a: Tenant) -> None:
    headers = tenant_a.bearer("back_office")
    ids = [
        call(api, "POST", _path(tenant_a), headers, full_intervention(reference=f"RO-{i}"))[1]["id"] for i in range(3)
    ]
    one = _path(tenant_a, f"/{ids[0]}")
    assert call(api, "DELETE", one, headers)[1]["error"]["code"] == "not_closed"
    assert call(api, "POST", f"{one}/close", headers)[1]["status"] == "closed"
    assert call(api, "POST", f"{one}/close", headers)[0] == 409
    listed = call(api, "GET", _path(tenant_a), headers)[1]
    assert [i["id"] for i in listed["items"]] == [ids[2], ids[1]]  # newest first, closed hidden
    everything = call(api, "GET", _path(tenant_a, "?show_closed=true"), headers)[1]
    assert [i["id"] for i in everything["items"]] == [ids[2], ids[1], ids[0]]
    assert call(api, "DELETE", one, headers) == (200, {"id": ids[0], "deleted": True})
    assert call(api, "GET", one, headers)[0] == 404
    assert call(api, "GET", f"{one}/history", headers)[0] == 404


def test_history_lists_every_change_newest_first(api: Client, tenant_a: Tenant) -> None:
    headers = tenant_a.bearer("back_office")
    _, created = call(api, "POST", _path(tenant_a), headers, full_intervention())
    one = _path(tenant_a, f"/{created['id']}")
    call(api, "PATCH", one, headers, {"version": 1, "message": "Nouveau message"})
    call(api, "POST", f"{one}/close", headers)
    status, history = call(api, "GET", f"{one}/history", headers)
    assert status == 200
    assert [e["action"] for e in history["items"]] == ["closed", "edited", "created"]
    assert {e["actor"] for e in history["items"]} == {tenant_a.users["back_office"].user_id}
    assert history["items"][1]["details"] == {"fields": ["assignee_id", "brand", "doc", "mode", "module", "reference"]}


def test_lists_filter_with_several_values_and_page_with_a_cursor(api: Client, tenant_a: Tenant) -> None:
    headers = tenant_a.bearer("back_office")
    for module in ("mechanics", "bodywork", "warranty", "mechanics"):
        call(api, "POST", _path(tenant_a), headers, full_intervention(module=module))
    mechanics = call(api, "GET", _path(tenant_a, "?module=mechanics"), headers)[1]["items"]
    assert [i["module"] for i in mechanics] == ["mechanics", "mechanics"]
    two_modules = call(api, "GET", _path(tenant_a, "?module=bodywork,warranty"), headers)[1]["items"]
    assert sorted(i["module"] for i in two_modules) == ["bodywork", "warranty"]
    first = call(api, "GET", _path(tenant_a, "?limit=3"), headers)[1]
    second = call(api, "GET", _path(tenant_a, f"?limit=3&cursor={first['next_cursor']}"), headers)[1]
    assert len(first["items"]) == 3
    assert len({i["id"] for i in first["items"] + second["items"]}) == 4
    assert call(api, "GET", _path(tenant_a, "?status=lost"), headers)[1]["error"]["field"] == "status"
    assert call(api, "GET", _path(tenant_a, "?cursor=bm9wZQ"), headers)[1]["error"]["field"] == "cursor"


def test_duplicate_needs_a_new_reference_and_may_change_module(api: Client, tenant_a: Tenant) -> None:
    headers = tenant_a.bearer("back_office")
    _, source = call(api, "POST", _path(tenant_a), headers, full_intervention())
    dup = _path(tenant_a, f"/{source['id']}/duplicate")
    assert call(api, "POST", dup, headers, {})[1]["error"]["field"] == "reference"
    assert call(api, "POST", dup, headers, {"reference": source["reference"]})[1]["error"]["field"] == "reference"
    status, copy = call(api, "POST", dup, headers, {"reference": "BODY-1", "module": "bodywork"})
    assert status == 201
    assert (copy["module"], copy["reference"], copy["status"]) == ("bodywork", "BODY-1", "waiting_to_send")
    assert (copy["vehicle"], copy["contact"], copy["works"]) == (source["vehicle"], source["contact"], source["works"])
    assert copy["id"] != source["id"]
    history = call(api, "GET", _path(tenant_a, f"/{copy['id']}/history"), headers)[1]["items"]
    assert history[0]["action"] == "duplicated"
    assert history[0]["details"] == {"from": source["id"]}


def test_stock_files_become_direct_messages_to_be_sent(api: Client, tenant_a: Tenant) -> None:
    headers = tenant_a.bearer("salesperson")
    stock = full_intervention(mode="sales", module="used_car_stock", contact=None, works=[])
    _, source = call(api, "POST", _path(tenant_a), headers, stock)
    status, message = call(
        api,
        "POST",
        _path(tenant_a, f"/{source['id']}/duplicate"),
        headers,
        {"reference": "DM-1", "module": "direct_message"},
    )
    assert (status, message["module"]) == (201, "direct_message")
    assert message["readiness"]["can_send"] is False  # no contact yet: the salesperson adds one
    assert "module: used_car_stock" not in " ".join(message["readiness"]["missing"])


def test_manual_accept_records_the_approval_and_tells_the_customer(
    api: Client, tenant_a: Tenant, stack: LocalStack
) -> None:
    headers = tenant_a.bearer("back_office")
    _, created = call(api, "POST", _path(tenant_a), headers, full_intervention())
    accept = _path(tenant_a, f"/{created['id']}/manual-accept")
    bad = call(api, "POST", accept, headers, {"accepted_work_ids": ["w9"], "origin": "phone"})
    assert (bad[0], bad[1]["error"]["field"]) == (400, "accepted_work_ids.0")
    assert call(api, "POST", accept, headers, {"accepted_work_ids": ["w3"], "origin": "phone"})[0] == 400  # offered
    assert (
        call(api, "POST", accept, headers, {"accepted_work_ids": [], "origin": "fax"})[1]["error"]["field"] == "origin"
    )

    status, answered = call(
        api, "POST", accept, headers, {"accepted_work_ids": ["w1"], "origin": "phone", "notify": "both"}
    )
    assert status == 200
    assert (answered["status"], answered["answers"], answered["accepted_amount"]) == (
        "answered",
        {"w1": True, "w2": False},
        {"amount": "180.00", "currency": "EUR"},
    )
    again = call(api, "POST", accept, headers, {"accepted_work_ids": ["w2"], "origin": "phone"})
    assert (again[0], again[1]["error"]["code"]) == (409, "answers_locked")
    # The confirmation is in the outbox, written with the answers; the notify function delivers it.
    sent = until(
        Worker(stack, schedule_seconds=3600),
        lambda: sorted(i.kind for i in outbox.of_subject(tenant_a.dealership_id, created["id"]) if i.status == "sent"),
        lambda kinds: kinds == ["email", "sms"],
    )
    assert sent == ["email", "sms"]
    (email,) = [
        m
        for m in ses_backends[DEFAULT_ACCOUNT_ID]["eu-west-1"].sent_messages
        if "claire.martin@example.com" in m.destinations["ToAddresses"]
    ]
    assert "180,00" in email.body  # in the customer's language (fr)


@pytest.mark.parametrize(
    "text",
    [
        "ro-2026-0042",
        "RO2026",
        "ab-123-cd",
        "123CD",
        "123-cd",
        "h123456",
        "VF3ABCDEFGH123456",
        "martin",
        "Clàire",
        "claire.martin@example.com",
        "06 12 34 56 78",
        "+33612345678",
        "612345",
    ],
)
def test_keyword_search_finds_by_every_field_normalised(api: Client, tenant_a: Tenant, text: str) -> None:
    headers = tenant_a.bearer("back_office")
    _, wanted = call(api, "POST", _path(tenant_a), headers, full_intervention())
    other = full_intervention(
        reference="OTHER-1", vehicle={"plate": "ZZ-999-ZZ"}, contact={"title": "mr", "last_name": "Durand"}
    )
    call(api, "POST", _path(tenant_a), headers, other)
    status, found = call(api, "GET", _path(tenant_a, "?q=" + text.replace("+", "%2B").replace(" ", "%20")), headers)
    assert status == 200, found
    assert [i["id"] for i in found["items"]] == [wanted["id"]]


def test_search_follows_edits_filters_and_closing(api: Client, tenant_a: Tenant) -> None:
    headers = tenant_a.bearer("back_office")
    _, created = call(api, "POST", _path(tenant_a), headers, full_intervention())
    one = _path(tenant_a, f"/{created['id']}")
    call(api, "PATCH", one, headers, {"version": 1, "vehicle": {"plate": "NEW-42-XY"}})
    assert call(api, "GET", _path(tenant_a, "?q=AB123"), headers)[1]["items"] == []
    assert len(call(api, "GET", _path(tenant_a, "?q=42XY"), headers)[1]["items"]) == 1
    assert call(api, "GET", _path(tenant_a, "?q=42XY&module=bodywork"), headers)[1]["items"] == []
    call(api, "POST", f"{one}/close", headers)
    assert call(api, "GET", _path(tenant_a, "?q=42XY"), headers)[1]["items"] == []
    assert len(call(api, "GET", _path(tenant_a, "?q=42XY&show_closed=true"), headers)[1]["items"]) == 1
    assert call(api, "GET", _path(tenant_a, "?q=x"), headers)[1]["error"]["field"] == "q"


def test_contacts_match_the_dealerships_customer_by_email_or_phone(
    api: Client, tenant_a: Tenant, tenant_b: Tenant
) -> None:
    headers = tenant_a.bearer("back_office")
    _, first = call(api, "POST", _path(tenant_a), headers, full_intervention())
    assert first["customer_id"]
    same_email = full_intervention(
        contact={"title": "mrs", "last_name": "Martin", "email": "CLAIRE.MARTIN@example.com "}
    )
    assert call(api, "POST", _path(tenant_a), headers, same_email)[1]["customer_id"] == first["customer_id"]
    same_phone = full_intervention(contact={"title": "mrs", "last_name": "Martin", "phone": "+33 6 12 34 56 78"})
    assert call(api, "POST", _path(tenant_a), headers, same_phone)[1]["customer_id"] == first["customer_id"]
    stranger = full_intervention(contact={"title": "mr", "last_name": "Petit", "email": "petit@example.com"})
    other = call(api, "POST", _path(tenant_a), headers, stranger)[1]["customer_id"]
    assert other not in (None, first["customer_id"])
    no_channel = full_intervention(contact={"title": "mr", "last_name": "Petit"})
    assert call(api, "POST", _path(tenant_a), headers, no_channel)[1]["customer_id"] is None
    # Another dealership never shares a customer.
    in_b = call(api, "POST", _path(tenant_b), tenant_b.bearer("back_office"), full_intervention())[1]
    assert in_b["customer_id"] != first["customer_id"]


def test_group_managers_list_several_dealerships_newest_first(api: Client, tenant_a: Tenant, tenant_b: Tenant) -> None:
    manager = tenant_a.users["group_manager"]
    manager.dealership_ids = [tenant_a.dealership_id, tenant_b.dealership_id]
    save_user(manager, expected_version=int(manager.version))
    ids = []
    for i, tenant in enumerate([tenant_a, tenant_b, tenant_a, tenant_b, tenant_a]):
        ids.append(
            call(api, "POST", _path(tenant), tenant.bearer("back_office"), full_intervention(reference=f"G-{i}"))[1][
                "id"
            ]
        )
    headers = tenant_a.bearer("group_manager")
    first = call(api, "GET", "/v1/interventions?limit=3", headers)[1]
    second = call(api, "GET", f"/v1/interventions?limit=3&cursor={first['next_cursor']}", headers)[1]
    assert [i["id"] for i in first["items"] + second["items"]] == list(reversed(ids))
    assert second["next_cursor"] is None
    only_b = call(api, "GET", f"/v1/interventions?dealership_id={tenant_b.dealership_id}", headers)[1]
    assert {i["dealership_id"] for i in only_b["items"]} == {tenant_b.dealership_id}
    # A back-office user of A alone gets A's files, and B is not found for them.
    mine = call(api, "GET", "/v1/interventions", tenant_a.bearer("back_office"))[1]
    assert {i["dealership_id"] for i in mine["items"]} == {tenant_a.dealership_id}
    status, answer = call(
        api, "GET", f"/v1/interventions?dealership_id={tenant_b.dealership_id}", tenant_a.bearer("back_office")
    )
    assert (status, answer["error"]["field"]) == (404, "dealership_id.0")
    assert call(api, "GET", "/v1/interventions?cursor=nope", headers)[1]["error"]["field"] == "cursor"
