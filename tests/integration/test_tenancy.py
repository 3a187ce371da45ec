"""F-1.6: a caller of dealership A never reads or changes anything of dealership B.

Generated from the app's route table, so a new route cannot escape it: for every route
that is not public, each staff role of A, a paired device of A and an anonymous caller
get 401 or 404 on B's objects, and never a 2xx (nor a 403, which would reveal them).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from chalice.test import Client

from dealerlink.api.edge import ROUTES, Access, RouteSpec
from tests.integration.conftest import api_client, aws_stack
from tests.integration.tenants import STAFF, Tenant, call, make_tenant

GUARDED = [spec for spec in ROUTES if spec.access in (Access.STAFF, Access.DEVICE)]


def _path_of_b(spec: RouteSpec, b: Tenant) -> str:
    assert b.device is not None
    ids = {
        "dealership_id": b.dealership_id,
        "user_id": b.users["back_office"].user_id,
        "device_id": b.device.device_id,
        "intervention_id": b.objects["intervention_id"],
        "checklist_id": b.objects["checklist_id"],
        "media_id": b.objects["media_id"],
        "customer_id": b.objects["customer_id"],
        "archive_id": b.objects["archive_id"],
        "template_key": "peugeot.mechanics.fr",
        "message_id": b.objects["message_id"],
        "reminder_id": b.objects["reminder_id"],
    }
    unknown = set(re.findall(r"{(\w+)}", spec.path)) - set(ids)
    assert not unknown, f"add an object of B for {unknown} to this test"
    return re.sub(r"{(\w+)}", lambda m: ids[m.group(1)], spec.path)


@pytest.fixture(scope="module")
def world() -> Iterator[tuple[Client, Tenant, Tenant]]:
    """One stack and two tenants for the whole matrix: refused calls change nothing."""
    with aws_stack(), api_client() as client:
        a, b = make_tenant("Alpha"), make_tenant("Bravo")
        status, created = call(
            client,
            "POST",
            f"/v1/dealerships/{b.dealership_id}/interventions",
            b.bearer("back_office"),
            {
                "mode": "after_sales",
                "module": "mechanics",
                "reference": "B-1",
                "contact": {"title": "mr", "last_name": "Bravo", "email": "customer@bravo.example"},
            },
        )
        assert status == 201, created
        b.objects["intervention_id"] = created["id"]
        b.objects["customer_id"] = created["customer_id"]
        status, checklist = call(
            client,
            "POST",
            f"/v1/dealerships/{b.dealership_id}/checklists/mfr-peugeot/duplicate",
            b.bearer("dealer_manager"),
            {},
        )
        assert status == 201, checklist
        b.objects["checklist_id"] = checklist["id"]
        interventions = f"/v1/dealerships/{b.dealership_id}/interventions/{created['id']}"
        status, signed = call(
            client,
            "POST",
            f"{interventions}/media",
            b.bearer("back_office"),
            {"kind": "photo", "content_type": "image/jpeg", "size": 1000},
        )
        assert status == 201, signed
        b.objects["media_id"] = signed["media"]["id"]
        status, archive = call(client, "POST", f"{interventions}/archives", b.bearer("back_office"), {})
        assert status == 202, archive
        b.objects["archive_id"] = archive["id"]
        manager = b.bearer("dealer_manager")
        templates = f"/v1/dealerships/{b.dealership_id}/templates/peugeot.mechanics.fr"
        assert call(client, "PUT", templates, manager, {"text": "Bravo"})[0] == 200
        status, message = call(
            client, "POST", f"/v1/dealerships/{b.dealership_id}/messages", manager, {"name": "B", "texts": {"fr": "B"}}
        )
        assert status == 201, message
        b.objects["message_id"] = message["id"]
        reminder = {
            "reference": "B-R",
            "contact": {"title": "mr", "last_name": "Bravo", "email": "customer@bravo.example"},
            "send_date": "2099-01-01",
            "works": [{"label": "Pneus", "urgency": "urgent", "price": "10.00", "deadline": "2099-02-01"}],
        }
        status, made = call(
            client, "POST", f"/v1/dealerships/{b.dealership_id}/reminders", b.bearer("back_office"), reminder
        )
        assert status == 201, made
        b.objects["reminder_id"] = made["id"]
        yield client, a, b


def test_every_guarded_route_is_covered() -> None:
    assert {s.access for s in GUARDED} == {Access.STAFF, Access.DEVICE}
    assert len(GUARDED) >= 13


@pytest.mark.parametrize("spec", GUARDED, ids=lambda s: f"{s.method} {s.path}")
def test_dealership_a_gets_nothing_of_dealership_b(world: tuple[Client, Tenant, Tenant], spec: RouteSpec) -> None:
    api, tenant_a, tenant_b = world
    path = _path_of_b(spec, tenant_b)
    body: dict[str, object] | None = {} if spec.method in ("POST", "PATCH", "PUT") else None
    callers = {role: tenant_a.bearer(role) for role in STAFF}
    callers["device"] = tenant_a.device_headers()
    callers["anonymous"] = {"Content-Type": "application/json"}
    for name, headers in callers.items():
        status, answer = call(api, spec.method, path, headers, body)
        if "{dealership_id}" not in spec.path:
            # Routes without a dealership act on the caller's own: B cannot be named at all.
            assert status in (200, 400, 401, 404), (name, status, answer)
            continue
        assert status in (401, 404), (name, status, answer)
        if name in STAFF:
            assert answer["error"]["code"] == "not_found", (name, answer)
    # And B is untouched.
    assert (
        call(api, "GET", f"/v1/dealerships/{tenant_b.dealership_id}", tenant_b.bearer("dealer_manager"))[1]["version"]
        == 1
    )
    assert call(api, "GET", "/v1/device/settings", tenant_b.device_headers())[0] == 200
