"""Checklists (F-9.6): list, read, duplicate a manufacturer list into a custom one, edit it."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from dealerlink.api.edge import Access, read_json, route
from dealerlink.api.paging import whole_list
from dealerlink.domain.checklists import Checklist, manufacturer_checklists
from dealerlink.domain.identity import CONFIGURATION, READERS
from dealerlink.domain.validation import parse
from dealerlink.errors import ConflictError, ValidationError
from dealerlink.ids import new_id
from dealerlink.store import checklists as store
from dealerlink.store.dealerships import get_dealership

bp = Blueprint(__name__)
BASE = "/v1/dealerships/{dealership_id}/checklists"
ONE = BASE + "/{checklist_id}"


def _json(checklist: Checklist, version: int | None) -> dict[str, Any]:
    return {**checklist.model_dump(mode="json"), "version": version, "read_only": version is None}


@route(bp, BASE, "GET", access=Access.STAFF, roles=READERS, tags=("checklists",))
def checklists(dealership_id: str) -> dict[str, Any]:
    """The manufacturer checklists of the dealership's brands, then its custom lists."""
    whole_list(bp.current_request)
    brands = {b.code for b in get_dealership(dealership_id).settings.brands}
    found = [_json(c, None) for c in manufacturer_checklists().values() if c.brand in brands]
    found += [_json(i.checklist, int(i.version)) for i in store.custom(dealership_id)]
    return {"items": found, "next_cursor": None}


@route(bp, ONE, "GET", access=Access.STAFF, roles=READERS, tags=("checklists",))
def read_checklist(dealership_id: str, checklist_id: str) -> dict[str, Any]:
    """One checklist with its categories, items and translations."""
    return _json(*store.find(dealership_id, checklist_id))


@route(bp, ONE + "/duplicate", "POST", access=Access.STAFF, roles=CONFIGURATION, status=201, tags=("checklists",))
def duplicate_checklist(dealership_id: str, checklist_id: str) -> dict[str, Any]:
    """Copy a checklist (manufacturer or custom) into a new editable custom list."""
    body = read_json(bp.current_request)
    source, _ = store.find(dealership_id, checklist_id)
    name = body.get("name", f"{source.name} (copy)")
    copy = parse(Checklist, {**source.model_dump(), "id": new_id().lower(), "name": name, "source": "custom"})
    return _json(copy, store.save(dealership_id, copy))


@route(bp, ONE, "PUT", access=Access.STAFF, roles=CONFIGURATION, tags=("checklists",))
def edit_checklist(dealership_id: str, checklist_id: str) -> dict[str, Any]:
    """Replace a custom checklist's name, categories and items (``version`` required)."""
    body = read_json(bp.current_request)
    current, version = store.find(dealership_id, checklist_id)
    if version is None:
        raise ConflictError("manufacturer checklists are read-only; duplicate one", code="read_only")
    if body.get("version") != version:
        raise ConflictError("the checklist changed meanwhile; reload and retry", field="version", code="stale_version")
    fields = {k: v for k, v in body.items() if k != "version"}
    if fields.get("brand", current.brand) not in {b.code for b in get_dealership(dealership_id).settings.brands}:
        raise ValidationError("brand is not one of the dealership's brands", field="brand")
    edited = parse(Checklist, {**current.model_dump(), **fields, "id": current.id, "source": "custom"})
    return _json(edited, store.save(dealership_id, edited, expected_version=version))
