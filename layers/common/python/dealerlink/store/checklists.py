"""A dealership's custom checklists (manufacturer ones are data, not items)."""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import PutError

from dealerlink.domain.checklists import Checklist, manufacturer_checklists
from dealerlink.errors import ConflictError, NotFoundError
from dealerlink.store.table import BaseItem, dealership_pk


class CustomChecklist(BaseItem, discriminator="checklist"):
    checklist_id = UnicodeAttribute()
    doc = UnicodeAttribute()
    version = NumberAttribute(default=1)

    @property
    def checklist(self) -> Checklist:
        return Checklist.model_validate_json(self.doc)


def save(dealership_id: str, checklist: Checklist, expected_version: int | None = None) -> int:
    """Create (``expected_version`` None) or replace a custom checklist; returns the new version."""
    item = CustomChecklist(
        dealership_pk(dealership_id), f"CHK#{checklist.id}", checklist_id=checklist.id, doc=checklist.model_dump_json()
    )
    if expected_version is None:
        item.save(condition=CustomChecklist.PK.does_not_exist())
        return 1
    item.version = expected_version + 1
    try:
        item.save(condition=CustomChecklist.version == expected_version)
    except PutError as exc:
        raise ConflictError(
            "the checklist changed meanwhile; reload and retry", field="version", code="stale_version"
        ) from exc
    return expected_version + 1


def custom(dealership_id: str) -> list[CustomChecklist]:
    return list(CustomChecklist.query(dealership_pk(dealership_id), CustomChecklist.SK.startswith("CHK#")))


def find(dealership_id: str, checklist_id: str) -> tuple[Checklist, int | None]:
    """A checklist the dealership can see, with its version (None: read-only manufacturer list)."""
    if checklist_id in manufacturer_checklists():
        return manufacturer_checklists()[checklist_id], None
    try:
        item = CustomChecklist.get(dealership_pk(dealership_id), f"CHK#{checklist_id}")
    except CustomChecklist.DoesNotExist:
        raise NotFoundError("no such checklist", field="checklist_id") from None
    return item.checklist, int(item.version)
