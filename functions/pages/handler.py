"""Pages function: re-renders a customer page into the site bucket whenever its file changes.

It reads the table stream (template.yaml filters it to interventions, media and reminders):
each changed file with a link is published once per batch, however many records name it; a
link that was revoked, replaced or deleted takes its page off the site. A page that keeps
failing is retried in place, then the file's history says so, the team is told, and its
records are parked on the stream DLQ with what replays them (dealerlink.adapters.streams).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.utilities.data_classes import DynamoDBStreamEvent, event_source
from aws_lambda_powertools.utilities.typing import LambdaContext

from dealerlink.adapters.streams import Retrier, park
from dealerlink.observability import observability

if TYPE_CHECKING:
    from types import ModuleType

logger, metrics = observability("pages")


def _services() -> tuple[ModuleType, ModuleType]:
    """The page use cases, imported at the first event rather than at the cold start (Jinja2,
    the store and the domain's models are most of this function's import time)."""
    from dealerlink.services import pages, reminders

    return pages, reminders


PAGE_TYPES = frozenset({"intervention", "media", "reminder"})
Target = tuple[str, str, str]  # (kind, dealership, subject)


def _work(event: DynamoDBStreamEvent) -> tuple[dict[Target, list[dict[str, Any]]], dict[str, list[dict[str, Any]]]]:
    """What to publish and which tokens to take down, each with the records that asked for it."""
    publish: dict[Target, list[dict[str, Any]]] = {}
    unpublish: dict[str, list[dict[str, Any]]] = {}
    for record in event.records:
        change = record.dynamodb
        if change is None:
            continue
        new, old = change.new_image or {}, change.old_image or {}
        image = new or old
        if image.get("type") not in PAGE_TYPES:
            continue
        if image.get("type") == "reminder":
            target = ("reminder", str(image["dealership_id"]), str(image["reminder_id"]))
        else:
            target = ("intervention", str(image["dealership_id"]), str(image["intervention_id"]))
        if image.get("type") == "media" or new.get("page_token"):
            publish.setdefault(target, []).append(record.raw_event)
        if old.get("page_token") and old.get("page_token") != new.get("page_token"):
            unpublish.setdefault(str(old["page_token"]), []).append(record.raw_event)
    return publish, unpublish


def _publish(target: Target) -> str:
    kind, dealership_id, subject_id = target
    pages, reminders = _services()
    published: str = (reminders if kind == "reminder" else pages).publish(dealership_id, subject_id)
    return published


def _report(target: Target, error: Exception) -> None:
    """Tell the file's history and its team; a report that fails too is only logged."""
    kind, dealership_id, subject_id = target
    pages, reminders = _services()
    try:
        if kind == "reminder":
            reminders.report_page_failure(dealership_id, subject_id)
        else:
            pages.report_failure(dealership_id, subject_id, f"{type(error).__name__}: {error}")
    except Exception:
        logger.exception("page failure could not be reported", extra={"subject_id": subject_id})


def _given_up(records: list[dict[str, Any]], error: Exception, failed: list[str]) -> None:
    """Park what could not be done; if even that fails, Lambda retries from the first record."""
    try:
        park("pages", records, error)
        metrics.add_metric(name="StreamRecordsParked", unit="Count", value=len(records))
    except Exception:
        logger.exception("parking stream records failed")
        failed.append(str(records[0]["dynamodb"]["SequenceNumber"]))


def _do(
    retry: Retrier, work: Callable[[], Any], records: list[dict[str, Any]], failed: list[str]
) -> tuple[Any, Exception | None]:
    """(outcome, None), or (None, the last error) once the work was given up and parked."""
    try:
        return retry(work), None
    except Exception as error:
        logger.exception("page work failed after retries")
        _given_up(records, error, failed)
        return None, error


@logger.inject_lambda_context
@metrics.log_metrics
@event_source(data_class=DynamoDBStreamEvent)
def handler(event: DynamoDBStreamEvent, context: LambdaContext) -> dict[str, Any]:
    publish, unpublish = _work(event)
    retry = Retrier()
    failed: list[str] = []
    for token, records in unpublish.items():
        _, error = _do(retry, functools.partial(_services()[0].unpublish, token), records, failed)
        if error is None:
            metrics.add_metric(name="PagesRemoved", unit="Count", value=1)
    for target, records in publish.items():
        outcome, error = _do(retry, functools.partial(_publish, target), records, failed)
        if error is not None:
            _report(target, error)
        else:
            metrics.add_metric(name=f"Pages{outcome.capitalize().replace('_', '')}", unit="Count", value=1)
    first = sorted(failed, key=int)[:1]
    return {"batchItemFailures": [{"itemIdentifier": sequence} for sequence in first]}
