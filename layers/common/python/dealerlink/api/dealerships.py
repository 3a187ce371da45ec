"""A dealership's profile and settings (F-9.1 to F-9.3): read by its staff, edited by managers."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

from dealerlink.api import rights
from dealerlink.api.contract.accounts import DealershipEdit, DealershipOut
from dealerlink.api.edge import Access, Blueprint, route
from dealerlink.domain.dealerships import DealershipSettings
from dealerlink.domain.validation import merge, parse
from dealerlink.errors import NotFoundError, ValidationError
from dealerlink.store import checklists
from dealerlink.store.dealerships import get_dealership, save_settings

bp = Blueprint(__name__)


@route(
    bp, "/v1/dealerships/{dealership_id}", "GET", access=Access.STAFF, roles=rights.READ, tags=("dealerships",),
    response=DealershipOut,
)  # fmt: skip
def read_dealership(dealership_id: str) -> dict[str, Any]:
    """The dealership's settings."""
    return get_dealership(dealership_id).to_json()


@route(
    bp, "/v1/dealerships/{dealership_id}", "PATCH", access=Access.STAFF, roles=rights.CONFIGURATION,
    tags=("dealerships",), body=DealershipEdit, response=DealershipOut,
    examples={"reminders at 8": {"version": 1, "settings": {"reminders": {"send_hour": 8}}}},
)  # fmt: skip
def edit_dealership(dealership_id: str, body: DealershipEdit) -> dict[str, Any]:
    """Change settings with a JSON merge patch (RFC 7396): ``{"version": n, "settings": {...}}``."""
    version = body.version
    settings_patch: BaseModel = body.settings
    patch = settings_patch.model_dump(exclude_unset=True)
    dealership = get_dealership(dealership_id)
    current = json.loads(dealership.settings_json)
    settings = parse(DealershipSettings, merge(current, patch), prefix="settings")
    for brand, checklist_id in settings.after_sales.default_checklists.items():
        try:
            checklist, _ = checklists.find(dealership_id, checklist_id)
        except NotFoundError:
            raise ValidationError(
                f"no checklist {checklist_id!r}", field=f"settings.after_sales.default_checklists.{brand}"
            ) from None
        if checklist.brand != brand:
            raise ValidationError(
                f"checklist {checklist_id!r} is for {checklist.brand}",
                field=f"settings.after_sales.default_checklists.{brand}",
            )
    return save_settings(dealership, settings, expected_version=version).to_json()
