"""Client ids: the ULIDs phones make offline, checked alike for interventions and media."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from ulid import ULID

from dealerlink.errors import ValidationError
from dealerlink.ids import check_client_id

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


def test_a_ulid_made_on_a_device_is_kept_as_given() -> None:
    made = str(ULID.from_datetime(NOW - timedelta(days=3)))
    assert check_client_id(made, NOW) == made
    assert check_client_id(made.lower(), NOW) == made.lower()  # Crockford base32 reads either case
    assert check_client_id(None, NOW) is None


def test_a_clock_a_little_ahead_is_forgiven() -> None:
    assert check_client_id(str(ULID.from_datetime(NOW + timedelta(minutes=59))), NOW)


@pytest.mark.parametrize(
    "value",
    [
        "00000000000000000000000000",  # the zero ULID
        "7ZZZZZZZZZZZZZZZZZZZZZZZZZ",  # the largest ULID: past what a date can hold
        "01M8VGW5R00000000000000000",  # made two hours after NOW (fixed: xdist workers collect alike)
        "01JD000000000000000000000",  # 25 characters
        "01JD00000000000000000000000",  # 27 characters
        "01JDU00000000000000000000I",  # not Crockford base32
        "8ZZZZZZZZZZZZZZZZZZZZZZZZZ",  # more than 128 bits
        "01JD0000000000000000000-00",
        42,
        "",
    ],
)
def test_anything_else_is_refused_naming_client_id(value: object) -> None:
    with pytest.raises(ValidationError) as refused:
        check_client_id(value, NOW)
    assert refused.value.field == "client_id"
