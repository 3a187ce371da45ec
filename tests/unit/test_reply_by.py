"""F-3.1 time to reply: a future moment, at most a year ahead, that every time zone can show."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dealerlink.domain.interventions import (
    REPLY_BY_AHEAD,
    InterventionFields,
    check_reply_by,
    stored_reply_by,
)
from dealerlink.domain.validation import parse
from dealerlink.errors import ValidationError

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
LARGEST_OFFSET = timedelta(hours=23, minutes=59)  # what datetime.timezone allows either way
OFFSETS = st.integers(-(24 * 60 - 1), 24 * 60 - 1).map(lambda minutes: timezone(timedelta(minutes=minutes)))
ANY_MOMENT = st.one_of(  # year 1 to 9999 with any offset, the calendar's two ends often
    st.datetimes(timezones=OFFSETS),
    st.datetimes(min_value=datetime(9999, 12, 29), timezones=OFFSETS),
    st.datetimes(max_value=datetime(1, 1, 3), timezones=OFFSETS),
)
NEAR_NOW = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC))


def _fields(reply_by: str) -> InterventionFields:
    return parse(
        InterventionFields, {"mode": "after_sales", "module": "mechanics", "reference": "R", "reply_by": reply_by}
    )


def _shown_in_every_zone(moment: datetime) -> bool:
    try:
        for offset in (-LARGEST_OFFSET, timedelta(0), LARGEST_OFFSET):
            moment.astimezone(timezone(offset))
    except OverflowError:
        return False
    return True


def _refusal(check: Callable[[], object]) -> ValidationError | None:
    try:
        check()
    except ValidationError as refused:
        return refused
    return None


@given(ANY_MOMENT)
def test_a_kept_reply_by_can_be_shown_in_every_time_zone(moment: datetime) -> None:
    refused = _refusal(lambda: _fields(moment.isoformat()))
    if refused is not None:
        assert refused.field == "reply_by"
    else:
        assert _shown_in_every_zone(moment)


@given(ANY_MOMENT, NEAR_NOW)
def test_reply_by_is_ahead_of_now_by_at_most_a_year(moment: datetime, now: datetime) -> None:
    refused = _refusal(lambda: check_reply_by(moment, now))
    ahead = _shown_in_every_zone(moment) and now < moment <= now + REPLY_BY_AHEAD
    assert (refused is None) == ahead
    assert refused is None or refused.field == "reply_by"


@pytest.mark.parametrize(
    "value",
    [
        "9999-12-31T23:59:59+00:00",
        "9999-12-31T23:59:59-12:00",  # past year 9999 in UTC already
        "0001-01-01T00:00:00+00:00",
        "0001-01-01T00:00:00+01:00",  # before year 1 in UTC
    ],
)
def test_the_ends_of_the_calendar_are_refused_naming_reply_by(value: str) -> None:
    with pytest.raises(ValidationError) as refused:
        check_reply_by(_fields(value).reply_by, NOW)
    assert refused.value.field == "reply_by"


def test_a_reply_by_without_a_time_zone_is_refused_naming_reply_by() -> None:
    with pytest.raises(ValidationError) as refused:
        _fields("2026-12-05T18:00:00")
    assert refused.value.field == "reply_by"


def test_a_past_or_far_reply_by_is_refused_and_tomorrow_is_kept() -> None:
    for moment, code in (
        (NOW - timedelta(minutes=1), "reply_by_past"),
        (NOW + timedelta(days=400), "reply_by_too_far"),
    ):
        with pytest.raises(ValidationError) as refused:
            check_reply_by(moment, NOW)
        assert (refused.value.field, refused.value.code) == ("reply_by", code)
    check_reply_by(NOW + timedelta(days=1), NOW)
    check_reply_by(None, NOW)


def test_a_stored_reply_by_no_zone_can_show_is_left_out_of_pages() -> None:
    assert stored_reply_by("2026-12-05T18:00:00+01:00") == datetime(2026, 12, 5, 17, 0, tzinfo=UTC)
    assert stored_reply_by("9999-12-31T23:30:00+00:00") is None  # saved before the rule
    assert stored_reply_by("2026-12-05T18:00:00") is None
    assert stored_reply_by(None) is None
