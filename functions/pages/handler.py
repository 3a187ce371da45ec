"""Pages function: re-renders customer pages into the site bucket when their records change.

It reads the table stream and picks the changes that touch a page; the page renderers
arrive with the customer page (issue: sending and the customer page). Until then it
reports what it saw and renders nothing.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.data_classes import DynamoDBStreamEvent, event_source
from aws_lambda_powertools.utilities.typing import LambdaContext

from dealerlink.observability import observability

logger, metrics = observability("pages")

# Item types whose change re-renders a customer page; filled in by the customer-page issue.
PAGE_TYPES: frozenset[str] = frozenset()


@logger.inject_lambda_context
@metrics.log_metrics
@event_source(data_class=DynamoDBStreamEvent)
def handler(event: DynamoDBStreamEvent, context: LambdaContext) -> dict[str, Any]:
    changed = [
        record
        for record in event.records
        if record.dynamodb and (record.dynamodb.new_image or {}).get("type") in PAGE_TYPES
    ]
    metrics.add_metric(name="PagesToRender", unit="Count", value=len(changed))
    return {"batchItemFailures": []}
