"""Transactions on the single table: all or nothing, conditions turned into domain errors.

A :class:`Transaction` records its writes with PynamoDB's public ``get_*_kwargs`` methods and
sends them itself, in the order they were added, so a cancellation reason (which DynamoDB
gives by position) names the item whose condition failed. A transaction cancelled because
another one was writing the same item at that moment (``TransactionConflict``) is sent again:
it changed nothing, and its conditions are judged afresh.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from botocore.exceptions import ClientError

from dealerlink.adapters.aws import client
from dealerlink.errors import DealerLinkError
from dealerlink.retry import retry_on_conflict
from dealerlink.store.table import check_item_size

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

if TYPE_CHECKING:
    from pynamodb.expressions.condition import Condition
    from pynamodb.expressions.update import Action
    from pynamodb.models import Model

Key = tuple[str, str]
ATTEMPTS = 4  # a conflict is another transaction on the same item: it is over in milliseconds


class TransactionFailedError(Exception):
    """Cancelled for a reason no caller named (see :func:`transaction`): ``reasons`` by position."""

    def __init__(self, reasons: Sequence[str]) -> None:
        super().__init__(f"transaction cancelled: {', '.join(reasons) or 'unknown'}")
        self.reasons = list(reasons)


class _Conflicted(TransactionFailedError):
    """Cancelled only because another transaction wrote one of the items at that moment."""


@dataclass(frozen=True)
class _Write:
    kind: str  # Put | Update | Delete | ConditionCheck
    key: Key
    request: dict[str, Any]


def _key(model: Model) -> Key:
    return (str(getattr(model, "PK", "")), str(getattr(model, "SK", "")))


class Transaction:
    """The writes of one all-or-nothing change; :func:`transaction` commits them."""

    def __init__(self) -> None:
        self.writes: list[_Write] = []

    def save(self, model: Model, condition: Condition | None = None) -> None:
        """Put ``model`` whole (measured first: an item too big is a 413 before anything is sent)."""
        check_item_size(model)
        self.writes.append(_Write("Put", _key(model), model.get_save_kwargs_from_instance(condition=condition)))

    def update(self, model: Model, actions: list[Action], condition: Condition | None = None) -> None:
        request = model.get_update_kwargs_from_instance(actions=actions, condition=condition)
        self.writes.append(_Write("Update", _key(model), request))

    def delete(self, model: Model, condition: Condition | None = None) -> None:
        self.writes.append(_Write("Delete", _key(model), model.get_delete_kwargs_from_instance(condition=condition)))

    def condition_check(self, model: type[Model], pk: str, sk: str, condition: Condition) -> None:
        request = model.get_operation_kwargs_from_class(pk, range_key=sk, condition=condition)
        self.writes.append(_Write("ConditionCheck", (pk, sk), request))

    def commit(self, failures: Mapping[Key, DealerLinkError]) -> None:
        if not self.writes:
            return
        items = cast("list[TransactWriteItemTypeDef]", [{write.kind: _request(write)} for write in self.writes])

        def send(_: int) -> None:
            try:
                client("dynamodb").transact_write_items(TransactItems=items)
                return
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") != "TransactionCanceledException":
                    raise
                reasons = [str(r.get("Code", "None")) for r in error.response.get("CancellationReasons", [])]
            for write, reason in zip(self.writes, reasons, strict=False):
                if reason == "ConditionalCheckFailed" and write.key in failures:
                    raise failures[write.key]
            if "TransactionConflict" in reasons:
                raise _Conflicted(reasons)
            raise TransactionFailedError(reasons)

        retry_on_conflict(send, attempts=ATTEMPTS, retry=_Conflicted, pause=0.03)


def _request(write: _Write) -> dict[str, Any]:
    """PynamoDB's operation kwargs in TransactWriteItems' shape (it leaves out empty names)."""
    keep = ("TableName", "Item", "Key", "ConditionExpression", "UpdateExpression")
    request = {k: v for k, v in write.request.items() if k in keep}
    for name in ("ExpressionAttributeNames", "ExpressionAttributeValues"):
        if write.request.get(name):
            request[name] = write.request[name]
    return request


@contextmanager
def transaction(failures: Mapping[Key, DealerLinkError] | None = None) -> Iterator[Transaction]:
    """Write several items at once, all or nothing, when the block ends.

    ``failures[(pk, sk)]`` is raised when the condition on that item fails, so a caller says
    once what each condition protects; any other cancellation is a TransactionFailedError.

    Example::

        with transaction({(item.PK, item.SK): ConflictError("changed meanwhile")}) as tx:
            tx.save(item, condition=Intervention.version == expected)
            tx.save(history_event(item, actor, "edited"))
    """
    tx = Transaction()
    yield tx
    tx.commit(failures or {})
