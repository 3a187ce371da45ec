"""Payments function: applies Stripe events the API verified and queued, idempotently.

The API checks the webhook signature and enqueues the event; this function applies each
event id once. Event types it does not know are acknowledged (Stripe sends many), logged
and counted. Payment rules arrive with online payment (F-10).
"""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from dealerlink.observability import observability

logger, metrics = observability("payments")
processor = BatchProcessor(event_type=EventType.SQS)


def record_handler(record: SQSRecord) -> None:
    stripe_event = json.loads(record.body)
    logger.info("stripe event", extra={"stripe_event_id": stripe_event.get("id"), "type": stripe_event.get("type")})
    metrics.add_metric(name="StripeEventsIgnored", unit="Count", value=1)


@logger.inject_lambda_context
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)
