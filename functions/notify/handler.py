"""Notify function: the outbox, from the table to the customer's inbox, each message once.

Two event sources (template.yaml):
- the table stream: each new outbox item (written in the same transaction as the change it
  tells of) is put on the outbox queue — the relay that makes the outbox transactional;
- the outbox queue: each message is delivered once (idempotent by its message id); the
  reminder state machine also puts ``reminder_due`` there, which sends the reminder (once); A refusal
  that retrying cannot fix (an address SES rejects, a number SNS refuses) is recorded on the
  message and in the file's history, and not retried; any other failure is reported as a batch
  item failure: SQS redelivers it, and after five receives it waits in the DLQ. Never lost,
  never sent twice.
"""

from __future__ import annotations

import functools
import json
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from dealerlink.adapters.idempotency import once, register_context
from dealerlink.adapters.messaging import DeliveryRefusedError, enqueue_raw, parse_outbox, send_email, send_sms
from dealerlink.adapters.streams import Retrier, park
from dealerlink.domain.outbox import EmailMessage
from dealerlink.observability import observability
from dealerlink.store import outbox
from dealerlink.store.interventions import add_history

logger, metrics = observability("notify")
queue_batch = BatchProcessor(event_type=EventType.SQS)
stream_batch = BatchProcessor(event_type=EventType.DynamoDBStreams)


@once("message")
def deliver(*, message: dict[str, Any]) -> dict[str, str | None]:
    parsed = parse_outbox(message)
    try:
        provider_id = send_email(parsed) if isinstance(parsed, EmailMessage) else send_sms(parsed)
    except DeliveryRefusedError as refused:
        logger.warning("message refused", extra={"message_id": parsed.message_id, "reason": refused.reason})
        metrics.add_metric(name=f"{parsed.kind.capitalize()}Refused", unit="Count", value=1)
        if parsed.dealership_id:
            outbox.record_outcome(parsed.dealership_id, parsed.message_id, provider_id=None, error=refused.reason)
            if parsed.subject_id:
                details = {"message_id": parsed.message_id, "kind": parsed.kind, "reason": refused.reason}
                add_history(parsed.dealership_id, parsed.subject_id, "notify", "delivery_failed", details)
        return {"provider_id": None, "refused": refused.reason}
    if parsed.dealership_id:
        outbox.record_outcome(parsed.dealership_id, parsed.message_id, provider_id=provider_id, error=None)
    metrics.add_metric(name=f"{parsed.kind.capitalize()}Sent", unit="Count", value=1)
    logger.info("message sent", extra={"message_id": parsed.message_id, "kind": parsed.kind})
    return {"provider_id": provider_id, "refused": None}


@once("reminder")
def reminder_due(*, reminder: dict[str, Any]) -> dict[str, str]:
    """The reminder state machine says a reminder fell due: send it if it still is (once)."""
    from dealerlink.services import reminders

    outcome = reminders.deliver_due(reminder["pk"], reminder["sk"], int(reminder["version"]))
    logger.info("reminder due", extra={"sk": reminder["sk"], "outcome": outcome})
    metrics.add_metric(name=f"Reminder{outcome.title().replace('_', '')}", unit="Count", value=1)
    return {"outcome": outcome}


def queued(record: SQSRecord) -> None:
    body = json.loads(record.body)
    if body.get("kind") == "reminder_due":
        reminder_due(reminder={k: body[k] for k in ("pk", "sk", "version")})
        return
    message = parse_outbox(body)
    deliver(message=message.model_dump())


def written(record: DynamoDBRecord, retry: Retrier) -> None:
    """Relay a new outbox item to the queue, with the ids its outcome is recorded under; one the
    queue keeps refusing is parked on the stream DLQ (raising only if that fails too)."""
    image = record.dynamodb.new_image if record.dynamodb else None
    if record.event_name is None or record.event_name.name != "INSERT" or not image:
        return
    if image.get("type") != "outbox_message":
        return
    message = json.loads(image["message"])
    body = {**message, "dealership_id": image["dealership_id"], "subject_id": image.get("subject_id")}
    try:
        retry(lambda: enqueue_raw(body))
    except Exception as error:
        logger.exception("outbox relay failed after retries", extra={"message_id": message.get("message_id")})
        park("notify", [record.raw_event], error)
        metrics.add_metric(name="StreamRecordsParked", unit="Count", value=1)
        return
    metrics.add_metric(name="OutboxRelayed", unit="Count", value=1)


@logger.inject_lambda_context
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    records = event.get("Records") or [{}]
    if records[0].get("eventSource") == "aws:dynamodb":
        relay = functools.partial(written, retry=Retrier())
        return process_partial_response(event=event, record_handler=relay, processor=stream_batch, context=context)
    register_context(context)
    return process_partial_response(event=event, record_handler=queued, processor=queue_batch, context=context)
