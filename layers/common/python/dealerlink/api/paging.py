"""``?limit=&cursor=`` → ``{"items": [...], "next_cursor": …}`` for every list (ARCHITECTURE §6)."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from chalice.app import Request

from dealerlink.errors import ValidationError

DEFAULT_LIMIT = 25
MAX_LIMIT = 100


def page_request(request: Request, partition: str) -> tuple[int, dict[str, Any] | None]:
    """The page size and the DynamoDB start key; a cursor of another partition is refused."""
    query: Any = request.query_params or {}
    raw_limit = query.get("limit", str(DEFAULT_LIMIT))
    if not raw_limit.isdigit() or not 1 <= int(raw_limit) <= MAX_LIMIT:
        raise ValidationError(f"limit must be a whole number from 1 to {MAX_LIMIT}", field="limit")
    cursor = query.get("cursor")
    if not cursor:
        return int(raw_limit), None
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor.encode() + b"=" * (-len(cursor) % 4)))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise ValidationError("cursor is not one this API gave", field="cursor", code="invalid_cursor") from None
    valid = (
        isinstance(key, dict)
        and all(isinstance(v, dict) and set(v) == {"S"} and isinstance(v["S"], str) for v in key.values())
        and key.get("PK", {}).get("S") == partition
        and all(v["S"] == partition or v["S"].startswith(partition + "#") for k, v in key.items() if k.endswith("PK"))
    )
    if not valid:
        raise ValidationError("cursor is not one this API gave", field="cursor", code="invalid_cursor")
    return int(raw_limit), key


def page(items: list[dict[str, Any]], last_key: dict[str, Any] | None) -> dict[str, Any]:
    cursor = base64.urlsafe_b64encode(json.dumps(last_key).encode()).decode().rstrip("=") if last_key else None
    return {"items": items, "next_cursor": cursor}
