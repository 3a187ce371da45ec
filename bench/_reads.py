"""DynamoDB work as DynamoDB bills it, for the benches: calls by operation and items read
(GetItem and BatchGetItem items plus each Query's ``ScannedCount``). ``install`` wraps every
botocore client call; ``uninstall`` puts the original back (e.g. while seeding)."""

from __future__ import annotations

from collections import Counter
from typing import Any

import botocore.client

calls: Counter[str] = Counter()
items_read = [0]
_original = botocore.client.BaseClient._make_api_call


def _counting(self: Any, operation: str, params: dict[str, Any]) -> Any:
    response = _original(self, operation, params)
    if self.meta.service_model.service_name == "dynamodb":
        calls[operation] += 1
        if operation == "GetItem":
            items_read[0] += 1 if "Item" in response else 0
        elif operation == "BatchGetItem":
            items_read[0] += sum(len(v) for v in response.get("Responses", {}).values())
        elif operation == "Query":
            items_read[0] += int(response.get("ScannedCount", 0))
    return response


def reset() -> None:
    calls.clear()
    items_read[0] = 0


def install() -> None:
    botocore.client.BaseClient._make_api_call = _counting


def uninstall() -> None:
    botocore.client.BaseClient._make_api_call = _original
