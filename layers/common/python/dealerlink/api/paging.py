"""``?limit=&cursor=`` → ``{"items": [...], "next_cursor": …}`` for every list (ARCHITECTURE §6).

A cursor is what the API gave: base64url of a JSON object. Here it is read as such (any other
text is 400 ``invalid_cursor``); whether it belongs to the list asked for (its dealership, its
index, its keys) is decided by the store's query that would use it (``store.table.start_key``).
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from dealerlink.errors import InvalidCursorError

MAX_CURSOR_CHARS = 1024  # the cursors this API gives are a few hundred characters


def decode_cursor(cursor: str | None) -> dict[str, Any] | None:
    """A ``cursor`` as the API gave it, decoded (None when left out); any other text is a 400."""
    if not cursor:
        return None
    if len(cursor) > MAX_CURSOR_CHARS or not cursor.isascii():
        raise InvalidCursorError()
    try:
        value = json.loads(base64.urlsafe_b64decode(cursor.encode() + b"=" * (-len(cursor) % 4)))
    except (ValueError, binascii.Error, RecursionError):
        raise InvalidCursorError() from None
    if not isinstance(value, dict):
        raise InvalidCursorError()
    return value


def encode_cursor(value: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


def page(items: list[Any], last_key: dict[str, Any] | None) -> dict[str, Any]:
    return {"items": items, "next_cursor": encode_cursor(last_key) if last_key else None}
