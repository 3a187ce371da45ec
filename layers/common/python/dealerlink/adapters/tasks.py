"""The media tasks queue: work the API asks the media function to do (annotations, archives)."""

from __future__ import annotations

import json
from typing import Any

from dealerlink.adapters.aws import client
from dealerlink.config import settings


def enqueue_media_task(task: dict[str, Any]) -> None:
    """Queue ``task`` (``{"task": "annotate" | "archive", ...ids}``); SQS retries it, then the DLQ keeps it."""
    client("sqs").send_message(QueueUrl=settings().media_tasks_queue_url, MessageBody=json.dumps(task))
