"""Notify function: delivers the outbox (SES email, SNS SMS), each message exactly once.

A message that fails is reported as a batch item failure: SQS redelivers it, and after five
receives the redrive policy moves it to the DLQ. It is never lost and never sent twice.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from dealerlink.adapters.idempotency import once, register_context
from dealerlink.adapters.messaging import parse_outbox, send_email, send_sms
from dealerlink.domain.outbox import EmailMessage
from dealerlink.observability import observability

logger, metrics = observability("notify")
processor = BatchProcessor(event_type=EventType.SQS)


@once("message")
def deliver(*, message: dict[str, Any]) -> dict[str, str]:
    parsed = parse_outbox(message)
    provider_id = send_email(parsed) if isinstance(parsed, EmailMessage) else send_sms(parsed)
    metrics.add_metric(name=f"{parsed.kind.capitalize()}Sent", unit="Count", value=1)
    logger.info("message sent", extra={"message_id": parsed.message_id, "kind": parsed.kind})
    return {"provider_id": provider_id}


def record_handler(record: SQSRecord) -> None:
    message = parse_outbox(record.body)
    deliver(message=message.model_dump())


@logger.inject_lambda_context
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    register_context(context)
    return process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)
