"""Checklists (F-9.6) and works ticked from them (F-3.4)."""

from __future__ import annotations

from typing import Any

from chalice.test import Client

from tests.integration.tenants import Tenant, call


def _path(tenant: Tenant, suffix: str = "") -> str:
    return f"/v1/dealerships/{tenant.dealership_id}/checklists{suffix}"


def test_manufacturer_checklists_of_the_dealerships_brands_are_read_only(api: Client, tenant_a: Tenant) -> None:
    status, listed = call(api, "GET", _path(tenant_a), tenant_a.bearer("back_office"))
    assert status == 200
    assert sorted(c["id"] for c in listed["items"]) == ["mfr-citroen", "mfr-peugeot"]
    peugeot = call(api, "GET", _path(tenant_a, "/mfr-peugeot"), tenant_a.bearer("back_office"))[1]
    assert peugeot["read_only"] is True
    assert peugeot["categories"][0]["items"][0]["translations"]["fr"] == "Plaquettes de frein avant"
    status, answer = call(api, "PUT", _path(tenant_a, "/mfr-peugeot"), tenant_a.bearer("dealer_manager"), {"name": "x"})
    assert (status, answer["error"]["code"]) == (409, "read_only")


def test_duplicate_into_a_custom_list_and_edit_it(api: Client, tenant_a: Tenant) -> None:
    manager = tenant_a.bearer("dealer_manager")
    status, copy = call(api, "POST", _path(tenant_a, "/mfr-peugeot/duplicate"), manager, {"name": "Atelier Lyon"})
    assert (status, copy["name"], copy["read_only"], copy["version"]) == (201, "Atelier Lyon", False, 1)
    categories = copy["categories"] + [{"id": "extras", "name": "Extras", "items": [{"id": "wash", "label": "Lavage"}]}]
    status, edited = call(
        api, "PUT", _path(tenant_a, f"/{copy['id']}"), manager, {"version": 1, "categories": categories}
    )
    assert (status, edited["version"], edited["categories"][-1]["items"][0]["label"]) == (200, 2, "Lavage")
    stale = call(api, "PUT", _path(tenant_a, f"/{copy['id']}"), manager, {"version": 1, "name": "x"})
    assert stale[1]["error"]["code"] == "stale_version"
    duplicate_items = [{"id": "x", "name": "X", "items": [{"id": "a", "label": "A"}, {"id": "a", "label": "B"}]}]
    bad = call(api, "PUT", _path(tenant_a, f"/{copy['id']}"), manager, {"version": 2, "categories": duplicate_items})
    assert bad[0] == 400
    assert call(api, "POST", _path(tenant_a, "/mfr-peugeot/duplicate"), tenant_a.bearer("back_office"), {})[0] == 403
    assert call(api, "GET", _path(tenant_a, "/nope"), manager)[0] == 404


def test_works_ticked_from_a_checklist_must_exist(api: Client, tenant_a: Tenant) -> None:
    headers = tenant_a.bearer("back_office")
    path = f"/v1/dealerships/{tenant_a.dealership_id}/interventions"
    work = {"label": "Plaquettes", "urgency": "urgent", "price": "120.00", "checklist_item_id": "peugeot-front-pads"}
    body = {"mode": "after_sales", "module": "mechanics", "reference": "CHK-1", "works": [work]}
    assert call(api, "POST", path, headers, body)[0] == 201
    body["works"] = [{**work, "checklist_item_id": "peugeot-flux-capacitor"}]
    status, answer = call(api, "POST", path, headers, body)
    assert (status, answer["error"]["field"], answer["error"]["code"]) == (
        400,
        "works.0.checklist_item_id",
        "unknown_checklist_item",
    )


def test_default_checklist_per_brand_must_exist_and_match_the_brand(api: Client, tenant_a: Tenant) -> None:
    manager = tenant_a.bearer("dealer_manager")
    path = f"/v1/dealerships/{tenant_a.dealership_id}"

    def set_default(brand: str, checklist_id: str) -> tuple[int, Any]:
        version = call(api, "GET", path, manager)[1]["version"]
        patch = {"after_sales": {"default_checklists": {brand: checklist_id}}}
        return call(api, "PATCH", path, manager, {"version": version, "settings": patch})

    status, answer = set_default("peugeot", "nope")
    assert (status, answer["error"]["field"]) == (400, "settings.after_sales.default_checklists.peugeot")
    assert set_default("peugeot", "mfr-citroen")[0] == 400
    _, copy = call(api, "POST", _path(tenant_a, "/mfr-peugeot/duplicate"), manager, {"name": "Lyon"})
    status, saved = set_default("peugeot", copy["id"])
    assert (status, saved["settings"]["after_sales"]["default_checklists"]) == (200, {"peugeot": copy["id"]})
    # Works of peugeot files are now checked against that custom list.
    body = {"mode": "after_sales", "module": "mechanics", "reference": "C-2"}
    work = {"label": "Plaquettes", "urgency": "urgent", "price": "120.00", "checklist_item_id": "peugeot-front-pads"}
    created = call(api, "POST", f"{path}/interventions", tenant_a.bearer("back_office"), {**body, "works": [work]})
    assert created[0] == 201
