"""Where objects live in the media bucket, and what a key says about its owner.

Every object sits under its dealership's prefix, so an object's tenant is read from its key
and nothing outside ``dealerships/<id>/`` is ever trusted by the media pipeline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dealerlink.errors import ValidationError

_ID = r"[0-9A-HJKMNP-TV-Z]{26}"
_KEY = re.compile(rf"^dealerships/(?P<dealership>{_ID})/(?P<rest>[A-Za-z0-9._/-]{{1,512}})$")


@dataclass(frozen=True)
class ObjectKey:
    """A media-bucket key split into its tenant and the path below the tenant's prefix."""

    dealership_id: str
    path: str

    @property
    def key(self) -> str:
        return f"dealerships/{self.dealership_id}/{self.path}"


def dealership_prefix(dealership_id: str) -> str:
    return f"dealerships/{dealership_id}/"


def parse_object_key(key: str) -> ObjectKey:
    """Split ``key``; refuse anything outside a dealership prefix or with ``..`` segments."""
    match = _KEY.match(key)
    if not match or ".." in match["rest"].split("/"):
        raise ValidationError(f"object key {key!r} is not under a dealership", field="key")
    return ObjectKey(dealership_id=match["dealership"], path=match["rest"])
