"""retry_on_conflict: each attempt decides afresh; the last failure (or the caller's own) is the answer."""

from __future__ import annotations

import pytest

from dealerlink.errors import ConflictError, NotFoundError
from dealerlink.retry import NotYet, retry_on_conflict


def test_a_lost_race_is_tried_again_until_it_wins() -> None:
    seen: list[int] = []

    def attempt(number: int) -> str:
        seen.append(number)
        if number < 2:
            raise ConflictError("changed meanwhile")
        return "done"

    assert retry_on_conflict(attempt, attempts=3) == "done"
    assert seen == [0, 1, 2]


def test_after_the_last_attempt_its_failure_is_raised() -> None:
    def attempt(number: int) -> str:
        raise ConflictError(f"attempt {number}", code="stale")

    with pytest.raises(ConflictError, match="attempt 2"):
        retry_on_conflict(attempt, attempts=3)


def test_the_caller_may_name_the_error_to_give_up_with() -> None:
    def attempt(_: int) -> str:
        raise NotYet()

    with pytest.raises(ConflictError, match="in progress") as raised:
        retry_on_conflict(
            attempt, attempts=2, retry=NotYet, gave_up=lambda: ConflictError("in progress", field="client_id")
        )
    assert raised.value.field == "client_id"


def test_other_failures_are_not_retried() -> None:
    calls = 0

    def attempt(_: int) -> str:
        nonlocal calls
        calls += 1
        raise NotFoundError("gone")

    with pytest.raises(NotFoundError):
        retry_on_conflict(attempt, attempts=5)
    assert calls == 1
