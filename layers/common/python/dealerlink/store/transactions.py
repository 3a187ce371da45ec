"""Transactions on the single table, with conditional failures turned into domain errors."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from dealerlink.errors import DealerLinkError
from dealerlink.store.table import _region


@contextmanager
def transaction(failures: Sequence[DealerLinkError | None]) -> Iterator[TransactWrite]:
    """Write several items at once, all or nothing.

    ``failures[i]`` is raised when the i-th operation's condition fails (``None``: let the
    generic error through), so a caller says once what each condition protects.
    """
    try:
        with TransactWrite(connection=Connection(region=_region())) as tx:
            yield tx
    except TransactWriteError as exc:
        reasons = exc.cancellation_reasons or []
        for index, reason in enumerate(reasons):
            if reason is not None and reason.code == "ConditionalCheckFailed" and index < len(failures):
                failure = failures[index]
                if failure is not None:
                    raise failure from exc
        raise
