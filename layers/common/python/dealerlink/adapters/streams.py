"""Table-stream work that keeps failing: retried in place, then parked with what replays it.

Lambda's on-failure destination for a stream gets only a pointer to the batch (shard and
sequence numbers), which is useless once the stream has trimmed the records (24 hours). So a
stream consumer retries a failing unit of work a few times itself and then puts its records
(keys, new and old images, event name, sequence number) on the stream DLQ, where an operator
can read what was lost and replay it (:func:`replay_event`). Only when parking fails too does
the consumer report the record as failed, and Lambda retries the batch from there.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from dealerlink.adapters.aws import client
from dealerlink.config import settings

T = TypeVar("T")

PAUSES = (0.2, 1.0)  # seconds between the three attempts of one unit of work
BUDGET_SECONDS = 5.0  # at most this long asleep per invocation, however many units fail
MAX_MESSAGE_BYTES = 250_000  # SQS takes 256 KiB a message


class Retrier:
    """Attempts units of work with pauses, within one sleeping budget per invocation."""

    def __init__(self, sleep: Callable[[float], None] = time.sleep, budget: float = BUDGET_SECONDS) -> None:
        self.sleep = sleep
        self.budget = budget

    def __call__(self, work: Callable[[], T]) -> T:
        for pause in PAUSES:
            try:
                return work()
            except Exception:  # noqa: BLE001 - any failure earns another attempt; the last one raises
                if self.budget < pause:
                    break
                self.budget -= pause
                self.sleep(pause)
        return work()


def _record(raw: Mapping[str, Any]) -> dict[str, Any]:
    change = raw.get("dynamodb") or {}
    kept = ("Keys", "NewImage", "OldImage", "SequenceNumber", "ApproximateCreationDateTime", "StreamViewType")
    return {
        "eventID": raw.get("eventID"),
        "eventName": raw.get("eventName"),
        "eventSource": raw.get("eventSource", "aws:dynamodb"),
        "eventSourceARN": raw.get("eventSourceARN"),
        "awsRegion": raw.get("awsRegion"),
        "dynamodb": {k: change[k] for k in kept if k in change},
    }


def park(function: str, records: Iterable[Mapping[str, Any]], error: BaseException) -> None:
    """Put ``records`` (Lambda's stream record dicts) on the stream DLQ, one message each.

    A record too big for one message keeps its keys only (``images_dropped``): the item can
    still be re-read by its keys when it is replayed.
    """
    sqs = client("sqs")
    reason = f"{type(error).__name__}: {error}"[:1000]
    for raw in records:
        record = _record(raw)
        body: dict[str, Any] = {"kind": "stream_record", "function": function, "error": reason, "record": record}
        text = json.dumps(body, default=str, ensure_ascii=False)
        if len(text.encode()) > MAX_MESSAGE_BYTES:
            record["dynamodb"] = {k: v for k, v in record["dynamodb"].items() if k not in ("NewImage", "OldImage")}
            body["images_dropped"] = True
            text = json.dumps(body, default=str, ensure_ascii=False)
        sqs.send_message(QueueUrl=settings().stream_dlq_url, MessageBody=text)


def replay_event(messages: Iterable[str | Mapping[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """The stream event that hands parked records to their function again, oldest first."""
    bodies = [json.loads(m) if isinstance(m, str) else dict(m) for m in messages]
    records = [b["record"] for b in bodies if b.get("kind") == "stream_record"]
    records.sort(key=lambda r: int(r["dynamodb"].get("SequenceNumber", "0")))
    return {"Records": records}
