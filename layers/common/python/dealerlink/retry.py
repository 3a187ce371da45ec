"""One way to retry work that lost a race: a conditional write another writer beat, a
transaction cancelled by a concurrent one, a replay waiting for its first attempt to commit.

Each attempt reads afresh and decides again (the condition is judged anew); pauses grow and
are jittered so two losers do not collide again; the last attempt's failure is the answer.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TypeVar

from dealerlink.errors import ConflictError

T = TypeVar("T")


def retry_on_conflict(
    attempt: Callable[[int], T],
    *,
    attempts: int = 3,
    retry: type[Exception] | tuple[type[Exception], ...] = ConflictError,
    pause: float = 0.0,
    gave_up: Callable[[], Exception] | None = None,
) -> T:
    """``attempt(n)`` for n = 0, 1, … until it raises none of ``retry``; after ``attempts``
    the last failure is raised, or ``gave_up()`` when given (the error the caller should see).

    ``pause`` seconds (times the attempt number, jittered) pass between attempts."""
    for number in range(attempts):
        try:
            return attempt(number)
        except retry:
            if number == attempts - 1:
                if gave_up is not None:
                    raise gave_up() from None
                raise
        if pause:
            time.sleep(pause * (number + 1) * random.uniform(0.5, 1.5))  # jitter, not a secret
    raise AssertionError("attempts must be at least 1")


class NotYet(Exception):
    """What an attempt raises to be tried again: the thing it waits for is not there yet."""
