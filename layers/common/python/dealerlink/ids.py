"""Time-sortable identifiers (ULID): newest-first lists come from key order alone."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from ulid import ULID

from dealerlink.errors import ValidationError

CLOCK_SKEW = timedelta(hours=1)  # how far ahead a phone's clock may run
_CROCKFORD = re.compile(r"^[0-7][0-9A-HJKMNP-TV-Z]{25}$", re.IGNORECASE)  # 26 characters, at most 2**128 - 1
_ZERO = "0" * 26


def new_id() -> str:
    return str(ULID())


def is_id(value: str) -> bool:
    try:
        ULID.from_str(value)
    except ValueError:
        return False
    return True


def timestamp_of(value: str) -> datetime | None:
    """When a ULID was made (its first 48 bits); None when that is past what a date can hold."""
    try:
        return ULID.from_str(value).datetime
    except (ValueError, OverflowError):
        return None


def check_client_id(value: object, now: datetime | None = None) -> str | None:
    """``value`` if it is a ULID a device made, for offline-safe creates (interventions, media).

    26 Crockford base32 characters (either case; no I, L, O or U), not the zero ULID, and made
    no later than an hour from now: an id from the future would sort before every real one.

    >>> check_client_id("01JD0000000000000000000000")
    '01JD0000000000000000000000'
    """
    if value is None:
        return None
    made = timestamp_of(value) if isinstance(value, str) and _CROCKFORD.match(value) and value != _ZERO else None
    if not isinstance(value, str) or made is None or made > (now or datetime.now(UTC)) + CLOCK_SKEW:
        raise ValidationError("client_id must be a ULID made on the device, not in the future", field="client_id")
    return value
