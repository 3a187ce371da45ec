"""Reminders function: the daily sweep fired by EventBridge Scheduler.

The sweep generates reminders from new work reports and re-schedules any whose execution
was lost; both arrive with the reminders issue. Until then it logs that it ran.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from dealerlink.observability import observability

logger, metrics = observability("reminders")


@logger.inject_lambda_context
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    logger.info("sweep", extra={"sweep": event.get("sweep")})
    metrics.add_metric(name="Sweeps", unit="Count", value=1)
    return {"sweep": event.get("sweep"), "reminders_scheduled": 0}
