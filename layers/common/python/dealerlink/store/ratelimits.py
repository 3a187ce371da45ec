"""Fixed-window rate limits kept in the table (counter items expire with TTL)."""

from __future__ import annotations

import time

from botocore.exceptions import ClientError

from dealerlink.adapters.aws import client
from dealerlink.config import settings
from dealerlink.errors import RateLimitedError


def hit(key: str, limit: int, window_seconds: int) -> None:
    """Count one attempt for ``key``; refuse with 429 past ``limit`` in the current window."""
    window = int(time.time()) // window_seconds
    try:
        client("dynamodb").update_item(
            TableName=settings().table_name,
            Key={"PK": {"S": f"RATE#{key}"}, "SK": {"S": str(window)}},
            UpdateExpression="SET #type = :type, #ttl = :ttl ADD #n :one",
            ConditionExpression="attribute_not_exists(#n) OR #n < :limit",
            ExpressionAttributeNames={"#type": "type", "#ttl": "ttl", "#n": "attempts"},
            ExpressionAttributeValues={
                ":type": {"S": "rate_limit"},
                ":ttl": {"N": str((window + 2) * window_seconds)},
                ":one": {"N": "1"},
                ":limit": {"N": str(limit)},
            },
        )
    except ClientError as exc:
        if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
            raise RateLimitedError("too many attempts; wait a minute", code="rate_limited") from exc
        raise
