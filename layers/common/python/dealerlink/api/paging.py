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

from chalice.app import Request

from dealerlink.api.edge import query_int
from dealerlink.errors import InvalidCursorError

DEFAULT_LIMIT = 25
MAX_LIMIT = 100
MAX_CURSOR_CHARS = 1024  # the cursors this API gives are a few hundred characters


def page_limit(request: Request) -> int:
    return query_int(request, "limit", default=DEFAULT_LIMIT, low=1, high=MAX_LIMIT)


def read_cursor(request: Request) -> dict[str, Any] | None:
    """The ``cursor`` parameter decoded, None when left out; any text the API never gives is a 400."""
    query: Any = request.query_params or {}
    return decode_cursor(query.get("cursor"))


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


def page_request(request: Request) -> tuple[int, dict[str, Any] | None]:
    """The page size and the decoded cursor, for a store query to check and start from."""
    return page_limit(request), read_cursor(request)


def whole_list(request: Request) -> None:
    """A list short enough to come in one page gives no cursor, so it takes none; ``limit`` is
    still checked like every list's, then the whole list is answered."""
    page_limit(request)
    if read_cursor(request) is not None:
        raise InvalidCursorError()


def encode_cursor(value: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


def page(items: list[Any], last_key: dict[str, Any] | None) -> dict[str, Any]:
    return {"items": items, "next_cursor": encode_cursor(last_key) if last_key else None}
