"""Transactions on DynamoDB Local: conditions named per item, conflicts sent again."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse

from dealerlink.adapters.aws import client
from dealerlink.errors import ConflictError
from dealerlink.store.outbox import OutboxItem
from dealerlink.store.table import BaseItem
from dealerlink.store.transactions import TransactionFailedError, transaction
from devstack.template import LocalStack


def _item(sk: str) -> OutboxItem:
    return OutboxItem("DLR#tx", sk, message_id=sk, dealership_id="tx", kind="email", message="{}", created_at="now")


@pytest.fixture
def conflicts(stack: LocalStack) -> Iterator[list[int]]:
    """Cancel the next ``conflicts[0]`` transactions as DynamoDB does when another transaction
    holds one of their items."""
    remaining = [0]
    events = client("dynamodb").meta.events

    def cancel(params: dict[str, Any], **_: Any) -> tuple[AWSResponse, dict[str, Any]] | None:
        if remaining[0] <= 0:
            return None
        remaining[0] -= 1
        count = len(json.loads(params["body"])["TransactItems"])
        reasons = [{"Code": "TransactionConflict"}] + [{"Code": "None"}] * (count - 1)
        error = {"Error": {"Code": "TransactionCanceledException", "Message": "conflict"}}
        return AWSResponse("", 400, {}, None), {**error, "CancellationReasons": reasons}

    events.register_first("before-call.dynamodb.TransactWriteItems", cancel)
    yield remaining
    events.unregister("before-call.dynamodb.TransactWriteItems", cancel)


def test_a_transaction_cancelled_by_a_conflict_is_sent_again(conflicts: list[int]) -> None:
    conflicts[0] = 2
    with transaction() as tx:
        tx.save(_item("A"))
        tx.save(_item("B"))
    assert conflicts[0] == 0
    assert {i.SK for i in OutboxItem.query("DLR#tx")} == {"A", "B"}


def test_a_conflict_that_lasts_is_a_failure_and_writes_nothing(conflicts: list[int]) -> None:
    conflicts[0] = 100
    with pytest.raises(TransactionFailedError) as failed, transaction() as tx:
        tx.save(_item("C"))
    assert failed.value.reasons == ["TransactionConflict"]
    assert list(OutboxItem.query("DLR#tx")) == []


def _write_then_d(failures: dict[tuple[str, str], ConflictError], first: str) -> None:
    with transaction(failures) as tx:
        tx.save(_item(first))
        tx.save(_item("D"), condition=BaseItem.PK.does_not_exist())


@pytest.mark.usefixtures("stack")
def test_a_failed_condition_raises_the_error_named_for_its_item() -> None:
    _item("D").save()
    exists = ConflictError("D exists", code="exists")
    with pytest.raises(ConflictError) as named:
        _write_then_d({("DLR#tx", "D"): exists}, "E")
    assert named.value is exists
    with pytest.raises(TransactionFailedError) as unnamed:
        _write_then_d({}, "F")
    assert unnamed.value.reasons == ["None", "ConditionalCheckFailed"]
    assert {i.SK for i in OutboxItem.query("DLR#tx")} == {"D"}  # neither E nor F was written
