"""Checklists (F-9.6): list, read, duplicate a manufacturer list into a custom one, edit it."""

from __future__ import annotations

from typing import Any

from dealerlink.api import rights
from dealerlink.api.contract.checklists import ChecklistEdit, ChecklistOut, DuplicateChecklist
from dealerlink.api.contract.common import Page, WholeListQuery
from dealerlink.api.edge import Access, Blueprint, route
from dealerlink.domain.checklists import Checklist, manufacturer_checklists
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


@route(
    bp, BASE, "GET", access=Access.STAFF, roles=rights.READ, tags=("checklists",),
    query=WholeListQuery, response=Page[ChecklistOut],
)  # fmt: skip
def checklists(dealership_id: str, query: WholeListQuery) -> dict[str, Any]:
    """The manufacturer checklists of the dealership's brands, then its custom lists."""
    brands = {b.code for b in get_dealership(dealership_id).settings.brands}
    found = [_json(c, None) for c in manufacturer_checklists().values() if c.brand in brands]
    found += [_json(i.checklist, int(i.version)) for i in store.custom(dealership_id)]
    return {"items": found, "next_cursor": None}


@route(bp, ONE, "GET", access=Access.STAFF, roles=rights.READ, tags=("checklists",), response=ChecklistOut)
def read_checklist(dealership_id: str, checklist_id: str) -> dict[str, Any]:
    """One checklist with its categories, items and translations."""
    return _json(*store.find(dealership_id, checklist_id))


@route(
    bp, ONE + "/duplicate", "POST", access=Access.STAFF, roles=rights.CONFIGURATION, status=201, tags=("checklists",),
    body=DuplicateChecklist, response=ChecklistOut, examples={"a workshop's list": {"name": "Atelier Lyon"}},
)  # fmt: skip
def duplicate_checklist(dealership_id: str, checklist_id: str, body: DuplicateChecklist) -> dict[str, Any]:
    """Copy a checklist (manufacturer or custom) into a new editable custom list."""
    source, _ = store.find(dealership_id, checklist_id)
    name = body.name if body.name is not None else f"{source.name} (copy)"
    copy = parse(Checklist, {**source.model_dump(), "id": new_id().lower(), "name": name, "source": "custom"})
    return _json(copy, store.save(dealership_id, copy))


@route(
    bp, ONE, "PUT", access=Access.STAFF, roles=rights.CONFIGURATION, tags=("checklists",),
    body=ChecklistEdit, response=ChecklistOut,
    examples={"a renamed list": {"version": 1, "name": "Atelier Lyon - hiver"}},
)  # fmt: skip
def edit_checklist(dealership_id: str, checklist_id: str, body: ChecklistEdit) -> dict[str, Any]:
    """Replace a custom checklist's name, brand or categories (``version`` required)."""
    current, version = store.find(dealership_id, checklist_id)
    if version is None:
        raise ConflictError("manufacturer checklists are read-only; duplicate one", code="read_only")
    if body.version != version:
        raise ConflictError("the checklist changed meanwhile; reload and retry", field="version", code="stale_version")
    fields = body.model_dump(exclude={"version"}, exclude_unset=True)
    if fields.get("brand", current.brand) not in {b.code for b in get_dealership(dealership_id).settings.brands}:
        raise ValidationError("brand is not one of the dealership's brands", field="brand")
    edited = parse(Checklist, {**current.model_dump(), **fields, "id": current.id, "source": "custom"})
    return _json(edited, store.save(dealership_id, edited, expected_version=version))
