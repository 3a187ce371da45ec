"""Transactions on the single table, with conditional failures turned into domain errors."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from dealerlink.errors import DealerLinkError
from dealerlink.store.table import _region

Key = tuple[str, str]


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


@contextmanager
def transaction(failures: Mapping[Key, DealerLinkError] | None = None) -> Iterator[TransactWrite]:
    """Write several items at once, all or nothing.

    ``failures[(pk, sk)]`` is raised when the condition on that item fails, so a caller says
    once what each condition protects; other failures propagate as TransactWriteError.
    """
    tx = TransactWrite(connection=Connection(region=_region()))
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
