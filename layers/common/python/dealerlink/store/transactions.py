"""Transactions on the single table, with conditional failures turned into domain errors."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import cache
from typing import TYPE_CHECKING, Any, TypeVar

from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from dealerlink.errors import DealerLinkError
from dealerlink.store.table import _region, check_item_size

if TYPE_CHECKING:
    from pynamodb.expressions.condition import Condition

Key = tuple[str, str]
M = TypeVar("M", bound=Model)


class _MeasuredWrite(TransactWrite):
    """Each put is measured as it is added: one item too big aborts the transaction before
    anything is sent (a 413 naming its field), so nothing is half-written."""

    def save(self, model: M, condition: Condition | None = None, return_values: str | None = None) -> None:
        check_item_size(model)
        super().save(model, condition, return_values)


def _keys_in_commit_order(tx: TransactWrite) -> list[Key]:
    """The (PK, SK) of each operation in the order PynamoDB sends them (and DynamoDB reports
    cancellation reasons): condition checks, deletes, puts, updates."""
    operations: list[dict[str, Any]] = [
        *tx._condition_check_items,
        *tx._delete_items,
        *tx._put_items,
        *tx._update_items,
    ]
    keys = []
    for operation in operations:
        attributes = operation.get("Key") or operation.get("Item") or {}
        keys.append((attributes.get("PK", {}).get("S", ""), attributes.get("SK", {}).get("S", "")))
    return keys


@cache
def _connection() -> Connection:
    """One connection per process: a new one builds a botocore client, which loads DynamoDB's
    service model again (~0.1-0.4 s); botocore clients are safe to share between threads."""
    return Connection(region=_region())


@contextmanager
def transaction(failures: Mapping[Key, DealerLinkError] | None = None) -> Iterator[TransactWrite]:
    """Write several items at once, all or nothing.

    ``failures[(pk, sk)]`` is raised when the condition on that item fails, so a caller says
    once what each condition protects; other failures propagate as TransactWriteError.
    """
    tx = _MeasuredWrite(connection=_connection())
    try:
        with tx:
            yield tx
    except TransactWriteError as exc:
        keys = _keys_in_commit_order(tx)
        for index, reason in enumerate(exc.cancellation_reasons or []):
            if reason is not None and reason.code == "ConditionalCheckFailed" and index < len(keys):
                failure = (failures or {}).get(keys[index])
                if failure is not None:
                    raise failure from exc
        raise
