"""Media function: takes in every object created in the media bucket, exactly once.

Event sources: SQS (S3 notifications) with partial batch failures, and EventBridge
("MediaConvert Job State Change" of our jobs).
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from dealerlink.adapters.idempotency import once, register_context
from dealerlink.domain.notifications import objects_created
from dealerlink.domain.objects import parse_object_key
from dealerlink.errors import ValidationError
from dealerlink.observability import observability
from dealerlink.store.objects import record_received

logger, metrics = observability("media")
processor = BatchProcessor(event_type=EventType.SQS)


@once("upload")
def take_upload(*, upload: dict[str, Any]) -> dict[str, Any]:
    """Record one arrived object; duplicate notifications of it stop at the idempotency check."""
    try:
        obj = parse_object_key(upload["key"])
    except ValidationError:
        logger.warning("object outside any dealership ignored", extra={"key": upload["key"]})
        return {"ignored": True}
    record_received(obj, size=upload["size"], etag=upload["etag"])
    metrics.add_metric(name="ObjectsReceived", unit="Count", value=1)
    return {"dealership_id": obj.dealership_id, "path": obj.path}


def record_handler(record: SQSRecord) -> None:
    for created in objects_created(json.loads(record.body)):
        take_upload(upload=asdict(created))


@logger.inject_lambda_context
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse | dict[str, Any]:
    if "detail-type" in event:  # EventBridge: a MediaConvert job changed state
        return job_state_changed(event)
    register_context(context)
    return process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)


def job_state_changed(event: dict[str, Any]) -> dict[str, Any]:
    """Record the outcome of a transcoding job (the media issue marks media ready or failed)."""
    detail = event.get("detail", {})
    logger.info("transcode finished", extra={"job_id": detail.get("jobId"), "status": detail.get("status")})
    metrics.add_metric(name=f"Transcode{str(detail.get('status', 'unknown')).capitalize()}", unit="Count", value=1)
    return {"job_id": detail.get("jobId"), "status": detail.get("status")}
