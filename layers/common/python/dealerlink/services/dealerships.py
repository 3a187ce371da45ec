"""A dealership's settings (F-9.1 to F-9.3): changed by merge patch, judged whole.

The patch is merged into the stored settings (RFC 7396) and the result validated as a whole,
so a patch can never leave settings no dealership could have; default checklists must be the
dealership's own and of their brand.
"""

from __future__ import annotations

import json
from typing import Any

from dealerlink.domain.dealerships import DealershipSettings
from dealerlink.domain.validation import merge, parse
from dealerlink.errors import NotFoundError, ValidationError
from dealerlink.store import checklists
from dealerlink.store.dealerships import Dealership, get_dealership, save_settings


def edit_settings(dealership_id: str, patch: dict[str, Any], expected_version: int) -> Dealership:
    """Apply ``patch`` if nobody changed the settings since ``expected_version`` (else 409)."""
    dealership = get_dealership(dealership_id)
    current = json.loads(dealership.settings_json)
    settings = parse(DealershipSettings, merge(current, patch), prefix="settings")
    for brand, checklist_id in settings.after_sales.default_checklists.items():
        field = f"settings.after_sales.default_checklists.{brand}"
        try:
            checklist, _ = checklists.find(dealership_id, checklist_id)
        except NotFoundError:
            raise ValidationError(f"no checklist {checklist_id!r}", field=field) from None
        if checklist.brand != brand:
            raise ValidationError(f"checklist {checklist_id!r} is for {checklist.brand}", field=field)
    return save_settings(dealership, settings, expected_version=expected_version)
