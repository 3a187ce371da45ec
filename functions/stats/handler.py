"""Stats function: keeps per-dealership counters from the table stream.

Statistics read these counters, so they cost the same at 100 and at 10 million items.
"""

from __future__ import annotations

import uuid
from typing import Any

from aws_lambda_powertools.utilities.data_classes import DynamoDBStreamEvent, event_source
from aws_lambda_powertools.utilities.typing import LambdaContext

from dealerlink.adapters.streams import Retrier, park
from dealerlink.domain.counters import Change, item_count_deltas
from dealerlink.observability import observability
from dealerlink.store.counters import apply_deltas

logger, metrics = observability("stats")


def _change(record: Any) -> Change:
    image = record.dynamodb.new_image or record.dynamodb.old_image or {}
    keys = record.dynamodb.keys or {}
    return Change(event=record.event_name.name, pk=str(keys.get("PK", "")), item_type=image.get("type"))


@logger.inject_lambda_context
@metrics.log_metrics
@event_source(data_class=DynamoDBStreamEvent)
def handler(event: DynamoDBStreamEvent, context: LambdaContext) -> dict[str, Any]:
    records = list(event.records)
    deltas = item_count_deltas(_change(record) for record in records)
    sequence = ",".join(str(record.dynamodb.sequence_number) for record in records if record.dynamodb)
    token = str(uuid.uuid5(uuid.NAMESPACE_URL, sequence))
    try:
        Retrier()(lambda: apply_deltas(deltas, batch_token=token))
    except Exception as error:
        # Parked with what replays it (the batch token makes a replay count once); if parking
        # fails too, the exception makes Lambda retry the batch.
        logger.exception("counters failed after retries")
        park("stats", [record.raw_event for record in records], error)
        return {"batchItemFailures": []}
    metrics.add_metric(name="CountersUpdated", unit="Count", value=len(deltas))
    return {"batchItemFailures": []}
