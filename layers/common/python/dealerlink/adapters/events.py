"""AWS events as the functions receive them, read through Powertools' event classes.

The shapes are AWS's (S3 notifications, EventBridge envelopes); what they mean to us is the
domain's (:class:`ObjectCreated`, :func:`dealerlink.domain.video.job_outcome`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote_plus

from aws_lambda_powertools.utilities.data_classes import EventBridgeEvent, S3Event

from dealerlink.domain.notifications import ObjectCreated
from dealerlink.domain.video import JobOutcome, job_outcome


def objects_created(notification: dict[str, Any]) -> list[ObjectCreated]:
    """The objects an S3 notification announces; ``s3:TestEvent`` (no records) announces none.

    S3 sends keys ``quote_plus``-encoded; they are decoded here, once."""
    if "Records" not in notification:
        return []
    return [
        ObjectCreated(
            bucket=record.s3.bucket.name,
            key=unquote_plus(record.s3.get_object.key),
            size=int(record.s3.get_object.get("size") or 0),
            etag=record.s3.get_object.etag,
        )
        for record in S3Event(notification).records
        if record.event_name.startswith("ObjectCreated")
    ]


def parse_job_event(event: Mapping[str, Any]) -> JobOutcome | None:
    """The outcome in a "MediaConvert Job State Change" event; None unless it is a final state of ours."""
    envelope = EventBridgeEvent(dict(event))
    return job_outcome(envelope.get("source"), envelope.get("detail-type"), envelope.get("detail"))
