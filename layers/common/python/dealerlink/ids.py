"""Time-sortable identifiers (ULID): newest-first lists come from key order alone."""

from __future__ import annotations

from datetime import datetime

from ulid import ULID


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
