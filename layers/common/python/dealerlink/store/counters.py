"""Per-dealership counters kept from the stream: one item per dealership, one attribute per
counted type. Attribute names are dynamic, so this repository speaks DynamoDB directly."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from dealerlink.adapters.aws import client
from dealerlink.config import settings

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

COUNTERS_SK = "COUNTERS"


def apply_deltas(deltas: dict[tuple[str, str], int], batch_token: str) -> None:
    """Add every delta of one stream batch in one transaction, one update per dealership.

    ADD keeps concurrent batches from losing updates; the transaction's client token (the
    same for a retried batch, valid ten minutes) keeps a retried batch from counting twice.
    """
    by_pk: dict[str, dict[str, int]] = {}
    for (pk, item_type), delta in deltas.items():
        by_pk.setdefault(pk, {})[item_type] = delta
    if not by_pk:
        return
    table = settings().table_name
    updates = []
    for pk, counts in by_pk.items():
        names = {"#type": "type", **{f"#n{i}": f"count_{t}" for i, t in enumerate(counts)}}
        values = {":type": {"S": "counters"}, **{f":d{i}": {"N": str(d)} for i, d in enumerate(counts.values())}}
        adds = ", ".join(f"#n{i} :d{i}" for i in range(len(counts)))
        updates.append(
            {
                "Update": {
                    "TableName": table,
                    "Key": {"PK": {"S": pk}, "SK": {"S": COUNTERS_SK}},
                    "UpdateExpression": f"SET #type = :type ADD {adds}",
                    "ExpressionAttributeNames": names,
                    "ExpressionAttributeValues": values,
                }
            }
        )
    client("dynamodb").transact_write_items(
        ClientRequestToken=batch_token, TransactItems=cast("list[TransactWriteItemTypeDef]", updates)
    )


def read_counts(pk: str) -> dict[str, int]:
    item = (
        client("dynamodb")
        .get_item(TableName=settings().table_name, Key={"PK": {"S": pk}, "SK": {"S": COUNTERS_SK}}, ConsistentRead=True)
        .get("Item", {})
    )
    return {k.removeprefix("count_"): int(v["N"]) for k, v in item.items() if k.startswith("count_")}
