"""Media function: uploads that arrived, tasks the API queued, and transcoding outcomes.

Event sources (template.yaml): the uploads queue (S3 notifications of originals) and the
tasks queue (annotations, archives), both with partial batch failures, and EventBridge
("MediaConvert Job State Change" of our jobs). The work is in dealerlink.services.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from dealerlink.adapters.events import objects_created, parse_job_event
from dealerlink.adapters.idempotency import once, register_context
from dealerlink.observability import observability
from dealerlink.services import media_intake, media_tasks

logger, metrics = observability("media")
processor = BatchProcessor(event_type=EventType.SQS)


@once("upload")
def take_upload(*, upload: dict[str, Any]) -> dict[str, str]:
    """One arrived object (bucket, key, size, etag): duplicates stop at the idempotency check."""
    outcome = media_intake.take_in(upload["key"])
    logger.info("upload taken in", extra={"key": upload["key"], "outcome": outcome})
    metrics.add_metric(name=f"Uploads{outcome.capitalize()}", unit="Count", value=1)
    return {"outcome": outcome}


def record_handler(record: SQSRecord) -> None:
    body = json.loads(record.body)
    if "task" in body:  # the last delivery records a failure instead of leaving it to the DLQ
        outcome = media_tasks.run(body, attempt=int(record.attributes.get("ApproximateReceiveCount") or 1))
        logger.info("task done", extra={"task": body.get("task"), "outcome": outcome})
        metrics.add_metric(name=f"Tasks{outcome.capitalize()}", unit="Count", value=1)
        return
    for created in objects_created(body):
        take_upload(upload=asdict(created))


@logger.inject_lambda_context
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse | dict[str, Any]:
    if "detail-type" in event:  # EventBridge: one of our MediaConvert jobs changed state
        return job_state_changed(event)
    register_context(context)
    return process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)


def job_state_changed(event: dict[str, Any]) -> dict[str, Any]:
    outcome = parse_job_event(event)
    if outcome is None:
        return {"outcome": "ignored"}
    result = media_intake.transcode_finished(outcome)
    logger.info("transcode finished", extra={"job_id": outcome.job_id, "status": outcome.status, "outcome": result})
    metrics.add_metric(name=f"Transcodes{result.capitalize()}", unit="Count", value=1)
    return {"job_id": outcome.job_id, "outcome": result}
