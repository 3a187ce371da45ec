"""Reminders function: the daily sweep fired by EventBridge Scheduler.

Reminders are made when their work report is sent (same transaction) and each gets a Step
Functions execution when it falls due. The sweep makes the reminders of work reports sent
while reminders were off (once they are on), then starts the executions of every reminder due
by tomorrow that has none for its current version: those that fell due since, and any whose
execution was lost. It reads sparse indexes only, never the whole table.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from dealerlink.observability import observability
from dealerlink.services import reminders

logger, metrics = observability("reminders")


@logger.inject_lambda_context
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    outcome = reminders.sweep()
    logger.info("sweep", extra={"sweep": event.get("sweep"), **outcome})
    metrics.add_metric(name="Sweeps", unit="Count", value=1)
    metrics.add_metric(name="RemindersScheduled", unit="Count", value=outcome["started"])
    metrics.add_metric(name="RemindersGenerated", unit="Count", value=outcome["generated"])
    return {
        "sweep": event.get("sweep"),
        "reminders_generated": outcome["generated"],
        "reminders_scheduled": outcome["started"],
        "items_read": outcome["read"],
    }
