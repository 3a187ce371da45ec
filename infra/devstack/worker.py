"""The event worker loop: what Lambda's event source mappings and EventBridge do on AWS.

For every function of template.yaml it delivers, to the same handler AWS would call and in
AWS's event shapes:
- SQS event sources (S3 notifications arrive this way): batches of up to ``BatchSize``;
  messages reported in ``batchItemFailures`` (or all, if the handler raises) stay in the
  queue and come back after the visibility timeout, then to the DLQ by the redrive policy;
- EventBridge rules: moto cannot invoke Lambda targets, so each rule targets a "tap" queue
  (made by devstack.template) whose messages are the events, delivered one by one;
- DynamoDB streams: one iterator per function (like one event source mapping each), records
  retried up to ``MaximumRetryAttempts`` and then reported to the on-failure destination;
- schedules: fired once at start and then every ``DEVSTACK_SCHEDULE_SECONDS`` (Scheduler
  never fires in moto; a daily cron cannot be waited for on a laptop).
"""

from __future__ import annotations

import base64
import importlib
import json
import logging
import os
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import boto3

from devstack.template import ACCOUNT_ID, REGION, FunctionSpec, LocalStack

log = logging.getLogger("devstack.worker")

Handler = Callable[[Any, Any], Any]


@dataclass
class LocalContext:
    """The attributes of a Lambda context that Powertools reads."""

    function_name: str
    memory_limit_in_mb: int = 512
    timeout_seconds: int = 30
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    _started: float = field(default_factory=time.monotonic)

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:{self.function_name}"

    @property
    def function_version(self) -> str:
        return "$LATEST"

    @property
    def log_group_name(self) -> str:
        return f"/aws/lambda/{self.function_name}"

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self.timeout_seconds - (time.monotonic() - self._started)) * 1000))


def load_handler(spec: FunctionSpec) -> Handler:
    handler: Handler = getattr(importlib.import_module(spec.module), spec.attribute)
    return handler


@dataclass
class _Shard:
    shard_id: str
    parent_id: str | None
    iterator: str = ""  # "" once the shard is closed and read to its end
    last_sequence: str | None = None


@dataclass
class _Stream:
    function: str
    handler: Handler
    arn: str
    batch_size: int
    max_retries: int
    failure_queue_arn: str | None
    patterns: list[dict[str, Any]] = field(default_factory=list)  # FilterCriteria: deliver only matches
    shards: dict[str, _Shard] = field(default_factory=dict)
    attempts: int = 0


def matches(pattern: Any, value: Any) -> bool:
    """Lambda's event filtering, for the exact-value patterns the template uses: a list lists
    the accepted values, an object matches key by key."""
    if isinstance(pattern, dict):
        return isinstance(value, dict) and all(matches(p, value.get(k)) for k, p in pattern.items())
    if isinstance(pattern, list):
        return value in pattern
    return bool(pattern == value)


class Worker:
    """Polls every event source of the stack and invokes handlers, until stopped."""

    def __init__(self, stack: LocalStack, *, interval: float = 0.2, schedule_seconds: float | None = None) -> None:
        self.stack = stack
        self.interval = interval
        self.schedule_seconds = schedule_seconds or float(os.environ.get("DEVSTACK_SCHEDULE_SECONDS", "3600"))
        self.session = boto3.session.Session()
        self.sqs = self.session.client("sqs", region_name=REGION)
        # Table streams are DynamoDB Local's (AWS_ENDPOINT_URL_DYNAMODB_STREAMS, set by the local
        # stack and the integration tier); boto3 reads the variable itself.
        if not os.environ.get("AWS_ENDPOINT_URL_DYNAMODB_STREAMS"):
            raise RuntimeError(
                "the worker reads table streams from DynamoDB Local: set AWS_ENDPOINT_URL_DYNAMODB_STREAMS"
            )
        self.streams_client = self.session.client("dynamodbstreams", region_name=REGION)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.queues: list[tuple[FunctionSpec, Handler, str, int]] = []
        self.taps: list[tuple[FunctionSpec, Handler, str]] = []
        self.streams: list[_Stream] = []
        self.schedules: list[tuple[FunctionSpec, Handler, Any, list[float]]] = []
        self.invocations: dict[str, int] = {}
        for spec in stack.functions:
            self._wire(spec)

    def _wire(self, spec: FunctionSpec) -> None:
        if not spec.events:
            return
        handler = load_handler(spec)
        for name, event in spec.events.items():
            props = event["Properties"]
            kind = event["Type"]
            if kind == "SQS":
                url = self.sqs.get_queue_url(QueueName=props["Queue"].rsplit(":", 1)[1])["QueueUrl"]
                self.queues.append((spec, handler, url, int(props.get("BatchSize", 10))))
            elif kind in ("EventBridgeRule", "CloudWatchEvent"):
                self.taps.append((spec, handler, self.stack.rule_taps[(spec.logical_id, name)]))
            elif kind == "DynamoDB":
                failure = props.get("DestinationConfig", {}).get("OnFailure", {}).get("Destination")
                filters = props.get("FilterCriteria", {}).get("Filters", [])
                self.streams.append(
                    _Stream(
                        spec.logical_id,
                        handler,
                        props["Stream"],
                        int(props.get("BatchSize", 100)),
                        int(props.get("MaximumRetryAttempts", 3)),
                        failure,
                        [json.loads(f["Pattern"]) for f in filters],
                    )
                )
            elif kind in ("ScheduleV2", "Schedule"):
                payload = json.loads(props.get("Input") or "{}")
                self.schedules.append((spec, handler, payload, [0.0]))

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="devstack-worker", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stop.is_set():
            busy = self.tick()
            if not busy:
                self._stop.wait(self.interval)

    def tick(self) -> bool:
        """One pass over every source; True when anything was delivered."""
        busy = False
        for step in (self._drain_queues, self._drain_taps, self._drain_streams, self._fire_schedules):
            try:
                busy = step() or busy
            except Exception:
                log.exception("worker step %s failed", step.__name__)
        return busy

    def _invoke(self, spec: FunctionSpec, handler: Handler, event: Any, source: str) -> Any:
        """Call the handler; count calls per ``Function/SourceType`` (what tests and ops read)."""
        key = f"{spec.logical_id}/{source}"
        self.invocations[key] = self.invocations.get(key, 0) + 1
        return handler(event, LocalContext(function_name=f"dealerlink-local-{spec.logical_id}"))

    # ------------------------------------------------------------------ SQS
    def _receive(self, url: str, limit: int) -> list[dict[str, Any]]:
        response = self.sqs.receive_message(
            QueueUrl=url, MaxNumberOfMessages=min(limit, 10), AttributeNames=["All"], MessageAttributeNames=["All"]
        )
        messages: list[dict[str, Any]] = response.get("Messages", [])
        return messages

    def _drain_queues(self) -> bool:
        busy = False
        for spec, handler, url, batch_size in self.queues:
            messages = self._receive(url, batch_size)
            if not messages:
                continue
            busy = True
            arn = f"arn:aws:sqs:{REGION}:{ACCOUNT_ID}:{url.rsplit('/', 1)[1]}"
            event = {"Records": [sqs_record(m, arn) for m in messages]}
            try:
                response = self._invoke(spec, handler, event, "SQS") or {}
                failed = {f["itemIdentifier"] for f in response.get("batchItemFailures", [])}
            except Exception:
                log.exception("%s failed on a batch from %s", spec.logical_id, url)
                failed = {m["MessageId"] for m in messages}
            done = [m for m in messages if m["MessageId"] not in failed]
            if done:
                self.sqs.delete_message_batch(
                    QueueUrl=url,
                    Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)],
                )
        return busy

    def _drain_taps(self) -> bool:
        busy = False
        for spec, handler, url in self.taps:
            for message in self._receive(url, 10):
                busy = True
                try:
                    self._invoke(spec, handler, json.loads(message["Body"]), "EventBridgeRule")
                except Exception:
                    log.exception("%s failed on an EventBridge event", spec.logical_id)
                    continue
                self.sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        return busy

    # ------------------------------------------------------------------ streams
    def _drain_streams(self) -> bool:
        busy = False
        for stream in self.streams:
            self._refresh_shards(stream)
            for shard in list(stream.shards.values()):
                if not shard.iterator or self._parent_open(stream, shard):
                    continue
                try:
                    response = self.streams_client.get_records(ShardIterator=shard.iterator, Limit=stream.batch_size)
                except self.streams_client.exceptions.ExpiredIteratorException:
                    shard.iterator = self._iterator(stream, shard)
                    continue
                read = [lambda_stream_record(r, stream.arn) for r in response.get("Records", [])]
                records = [r for r in read if any(matches(p, r) for p in stream.patterns)] if stream.patterns else read
                if records:
                    busy = True
                    if not self._deliver_stream(stream, shard, records):
                        continue  # re-read from the failed record next tick
                if read:
                    shard.last_sequence = read[-1]["dynamodb"]["SequenceNumber"]
                shard.iterator = response.get("NextShardIterator") or ""
        return busy

    def _refresh_shards(self, stream: _Stream) -> None:
        described = self.streams_client.describe_stream(StreamArn=stream.arn)["StreamDescription"]
        for shard in described["Shards"]:
            if shard["ShardId"] not in stream.shards:
                state = _Shard(shard["ShardId"], shard.get("ParentShardId"))
                state.iterator = self._iterator(stream, state)
                stream.shards[state.shard_id] = state

    @staticmethod
    def _parent_open(stream: _Stream, shard: _Shard) -> bool:
        """Records of a key are read in order: a child shard waits until its parent is done."""
        parent = stream.shards.get(shard.parent_id or "")
        return parent is not None and bool(parent.iterator)

    def _iterator(self, stream: _Stream, shard: _Shard, at: str | None = None) -> str:
        """An iterator at ``at``, else after the last record read, else at the shard's start."""
        position: dict[str, str] = {"ShardIteratorType": "TRIM_HORIZON"}
        if at:
            position = {"ShardIteratorType": "AT_SEQUENCE_NUMBER", "SequenceNumber": at}
        elif shard.last_sequence:
            position = {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": shard.last_sequence}
        answer = self.streams_client.get_shard_iterator(StreamArn=stream.arn, ShardId=shard.shard_id, **position)
        return str(answer["ShardIterator"])

    def _deliver_stream(self, stream: _Stream, shard: _Shard, records: list[dict[str, Any]]) -> bool:
        """Deliver a batch as Lambda's event source mapping does; True when the shard may move on.

        A reported failure re-reads the shard from the failed record (up to
        ``MaximumRetryAttempts``), then the on-failure destination gets what AWS sends it:
        the batch's place in the stream. The handlers themselves park records they cannot
        process, with their keys and images, so the DLQ always holds enough to replay them.
        """
        event = {"Records": records}
        spec = next(s for s in self.stack.functions if s.logical_id == stream.function)
        try:
            response = self._invoke(spec, stream.handler, event, "DynamoDB") or {}
            failed = [f["itemIdentifier"] for f in response.get("batchItemFailures", [])]
        except Exception:
            log.exception("%s failed on stream records", stream.function)
            failed = [records[0]["dynamodb"]["SequenceNumber"]]
        if not failed:
            stream.attempts = 0
            return True
        stream.attempts += 1
        if stream.attempts <= stream.max_retries:
            shard.iterator = self._iterator(stream, shard, at=min(failed, key=int))
            return False
        stream.attempts = 0
        if stream.failure_queue_arn:
            queue = self.sqs.get_queue_url(QueueName=stream.failure_queue_arn.rsplit(":", 1)[1])["QueueUrl"]
            self.sqs.send_message(QueueUrl=queue, MessageBody=json.dumps(_failure_notice(stream, shard, records)))
        return True

    # ------------------------------------------------------------------ schedules
    def _fire_schedules(self) -> bool:
        busy = False
        now = time.monotonic()
        for spec, handler, payload, last in self.schedules:
            if last[0] and now - last[0] < self.schedule_seconds:
                continue
            last[0] = now
            busy = True
            try:
                self._invoke(spec, handler, payload, "ScheduleV2")
            except Exception:
                log.exception("%s failed on its schedule", spec.logical_id)
        return busy


def lambda_stream_record(record: dict[str, Any], arn: str) -> dict[str, Any]:
    """A record of GetRecords as Lambda hands it to a handler: the creation time in epoch
    seconds, binary values base64-encoded (boto3 decoded both), the function's region."""
    change = dict(record["dynamodb"])
    created = change.get("ApproximateCreationDateTime")
    if isinstance(created, datetime):
        change["ApproximateCreationDateTime"] = created.timestamp()
    for image in ("Keys", "NewImage", "OldImage"):
        if image in change:
            change[image] = {name: _wire_value(value) for name, value in change[image].items()}
    return {**record, "dynamodb": change, "eventSourceARN": arn, "awsRegion": REGION}


def _wire_value(value: dict[str, Any]) -> dict[str, Any]:
    """One attribute value in DynamoDB's JSON wire form."""
    ((kind, inner),) = value.items()
    if kind == "B":
        return {"B": base64.b64encode(inner).decode()}
    if kind == "BS":
        return {"BS": [base64.b64encode(b).decode() for b in inner]}
    if kind == "M":
        return {"M": {k: _wire_value(v) for k, v in inner.items()}}
    if kind == "L":
        return {"L": [_wire_value(v) for v in inner]}
    return {kind: inner}


def _failure_notice(stream: _Stream, shard: _Shard, records: list[dict[str, Any]]) -> dict[str, Any]:
    """What Lambda sends an on-failure destination for a stream batch (DDBStreamBatchInfo)."""
    first, last = records[0]["dynamodb"], records[-1]["dynamodb"]
    return {
        "requestContext": {"functionArn": f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:{stream.function}"},
        "responseContext": {"statusCode": 200},
        "version": "1.0",
        "DDBStreamBatchInfo": {
            "shardId": shard.shard_id,
            "startSequenceNumber": first["SequenceNumber"],
            "endSequenceNumber": last["SequenceNumber"],
            "batchSize": len(records),
            "streamArn": stream.arn,
        },
    }


def sqs_record(message: dict[str, Any], arn: str) -> dict[str, Any]:
    """An SQS message as Lambda hands it to a handler (also what tests build events from)."""
    return {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": message.get("Attributes", {}),
        "messageAttributes": message.get("MessageAttributes", {}),
        "md5OfBody": message.get("MD5OfBody", ""),
        "eventSource": "aws:sqs",
        "eventSourceARN": arn,
        "awsRegion": REGION,
    }
