"""Dealerships (the tenants) and dealer groups. A dealership's settings are one validated
document on its profile item, at the top of its partition."""

from __future__ import annotations

import json
from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from dealerlink.domain.dealerships import DealershipSettings
from dealerlink.errors import ConflictError, NotFoundError
from dealerlink.store.table import BaseItem, condition_failure_as, dealership_pk

PROFILE_SK = "PROFILE"


class Dealership(BaseItem, discriminator="dealership"):
    dealership_id = UnicodeAttribute()
    group_id = UnicodeAttribute(null=True)
    settings_json = UnicodeAttribute()
    version = NumberAttribute(default=1)

    @property
    def settings(self) -> DealershipSettings:
        return DealershipSettings.model_validate_json(self.settings_json)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.dealership_id,
            "group_id": self.group_id,
            "version": self.version,
            "settings": json.loads(self.settings_json),
        }


class DealerGroup(BaseItem, discriminator="dealer_group"):
    group_id = UnicodeAttribute()
    name = UnicodeAttribute()


def create_dealership(dealership_id: str, settings: DealershipSettings, group_id: str | None = None) -> Dealership:
    """Create the profile once; a second create of the same id is refused by the condition."""
    item = Dealership(
        dealership_pk(dealership_id),
        PROFILE_SK,
        dealership_id=dealership_id,
        group_id=group_id,
        settings_json=settings.model_dump_json(),
    )
    item.save(condition=Dealership.PK.does_not_exist())
    return item


def create_group(group_id: str, name: str) -> DealerGroup:
    group = DealerGroup(f"GRP#{group_id}", PROFILE_SK, group_id=group_id, name=name)
    group.save(condition=DealerGroup.PK.does_not_exist())
    return group


def get_dealership(dealership_id: str) -> Dealership:
    try:
        return Dealership.get(dealership_pk(dealership_id), PROFILE_SK)
    except Dealership.DoesNotExist:
        raise NotFoundError("no such dealership", field="dealership_id") from None


def save_settings(dealership: Dealership, settings: DealershipSettings, expected_version: int) -> Dealership:
    """Replace the settings if nobody changed them since ``expected_version`` (else 409)."""
    stale = ConflictError("the settings changed meanwhile; reload and retry", field="version", code="stale_version")
    with condition_failure_as(stale):
        dealership.update(
            actions=[
                Dealership.settings_json.set(settings.model_dump_json()),
                Dealership.version.set(expected_version + 1),
            ],
            condition=Dealership.version == expected_version,
        )
    return dealership
