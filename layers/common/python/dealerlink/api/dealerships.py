"""A dealership's profile and settings (F-9.1 to F-9.3): read by its staff, edited by managers."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from dealerlink.api import rights
from dealerlink.api.contract.accounts import DealershipEdit, DealershipOut
from dealerlink.api.edge import Access, Blueprint, route
from dealerlink.services import dealerships
from dealerlink.store.dealerships import get_dealership

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
    settings_patch: BaseModel = body.settings  # a model made from DealershipSettings (merge_patch_of)
    return dealerships.edit_settings(
        dealership_id, settings_patch.model_dump(exclude_unset=True), body.version
    ).to_json()
