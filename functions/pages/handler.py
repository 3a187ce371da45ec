"""Pages function: re-renders a customer page into the site bucket whenever its file changes.

It reads the table stream (template.yaml filters it to interventions and media): each changed
file with a link is published once per batch, however many records name it; a link that was
revoked, replaced or deleted takes its page off the site. A page that fails is reported by its
first record, so Lambda retries from there (and bisects), then the DLQ keeps it.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.data_classes import DynamoDBStreamEvent, event_source
from aws_lambda_powertools.utilities.typing import LambdaContext

from dealerlink.observability import observability
from dealerlink.services import pages, reminders

logger, metrics = observability("pages")

PAGE_TYPES = frozenset({"intervention", "media", "reminder"})


def _work(event: DynamoDBStreamEvent) -> tuple[dict[tuple[str, str, str], str], dict[str, str]]:
    """(kind, dealership, subject) to publish and tokens to take down, each with the sequence
    number of its first record."""
    publish: dict[tuple[str, str, str], str] = {}
    unpublish: dict[str, str] = {}
    for record in event.records:
        change = record.dynamodb
        if change is None:
            continue
        new, old = change.new_image or {}, change.old_image or {}
        image = new or old
        if image.get("type") not in PAGE_TYPES:
            continue
        sequence = str(change.sequence_number)
        if image.get("type") == "reminder":
            target = ("reminder", str(image["dealership_id"]), str(image["reminder_id"]))
        else:
            target = ("intervention", str(image["dealership_id"]), str(image["intervention_id"]))
        if image.get("type") == "media" or new.get("page_token"):
            publish.setdefault(target, sequence)
        if old.get("page_token") and old.get("page_token") != new.get("page_token"):
            unpublish.setdefault(str(old["page_token"]), sequence)
    return publish, unpublish


@logger.inject_lambda_context
@metrics.log_metrics
@event_source(data_class=DynamoDBStreamEvent)
def handler(event: DynamoDBStreamEvent, context: LambdaContext) -> dict[str, Any]:
    publish, unpublish = _work(event)
    failed: list[str] = []
    for token, sequence in unpublish.items():
        try:
            pages.unpublish(token)
            metrics.add_metric(name="PagesRemoved", unit="Count", value=1)
        except Exception:
            logger.exception("page removal failed")
            failed.append(sequence)
    for (kind, dealership_id, subject_id), sequence in publish.items():
        try:
            if kind == "reminder":
                outcome = reminders.publish(dealership_id, subject_id)
            else:
                outcome = pages.publish(dealership_id, subject_id)
            metrics.add_metric(name=f"Pages{outcome.capitalize().replace('_', '')}", unit="Count", value=1)
        except Exception:
            logger.exception("page rendering failed", extra={"subject_id": subject_id})
            failed.append(sequence)
    first = sorted(failed, key=int)[:1]
    return {"batchItemFailures": [{"itemIdentifier": sequence} for sequence in first]}
