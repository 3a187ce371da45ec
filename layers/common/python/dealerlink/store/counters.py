"""Per-dealership counters kept from the stream: one item per dealership, one attribute per
counted type. Attribute names are dynamic, so this repository speaks DynamoDB directly."""

from __future__ import annotations

from dealerlink.adapters.aws import client
from dealerlink.config import settings

COUNTERS_SK = "COUNTERS"


def apply_deltas(deltas: dict[tuple[str, str], int], batch_token: str) -> None:
    """Add every delta of one stream batch in one transaction.

    ADD keeps concurrent batches from losing updates; the transaction's client token (the
    same for a retried batch, valid ten minutes) keeps a retried batch from counting twice.
    """
    if not deltas:
        return
    table = settings().table_name
    client("dynamodb").transact_write_items(
        ClientRequestToken=batch_token,
        TransactItems=[
            {
                "Update": {
                    "TableName": table,
                    "Key": {"PK": {"S": pk}, "SK": {"S": COUNTERS_SK}},
                    "UpdateExpression": "SET #type = :type ADD #n :delta",
                    "ExpressionAttributeNames": {"#type": "type", "#n": f"count_{item_type}"},
                    "ExpressionAttributeValues": {":type": {"S": "counters"}, ":delta": {"N": str(delta)}},
                }
            }
            for (pk, item_type), delta in deltas.items()
        ],
    )


def read_counts(pk: str) -> dict[str, int]:
    item = (
        client("dynamodb")
        .get_item(TableName=settings().table_name, Key={"PK": {"S": pk}, "SK": {"S": COUNTERS_SK}}, ConsistentRead=True)
        .get("Item", {})
    )
    return {k.removeprefix("count_"): int(v["N"]) for k, v in item.items() if k.startswith("count_")}
