"""Input validation with pydantic, reported as one clear error naming the field."""

from __future__ import annotations

from typing import Any, TypeVar

import pydantic
from pydantic import BeforeValidator, ValidationInfo

from dealerlink.errors import ValidationError

M = TypeVar("M", bound=pydantic.BaseModel)

LANGUAGES = ("en", "fr", "de", "nl", "es", "it", "pt", "sv", "no")
_FROM_CLIENT = {"from_client": True}


def _not_null(value: object, info: ValidationInfo) -> object:
    if value is None and (info.context or {}).get("from_client"):
        raise ValueError("leave it out rather than send null")
    return value


NotNull = BeforeValidator(_not_null)
"""A field a client may leave out but not send as ``null`` (``Annotated[str | None, NotNull]``).

Only what :func:`parse` reads from a request is held to it: documents stored before (which may
hold ``None`` for a field left out) still load, and a left-out field stays ``None``.
"""


def parse(model: type[M], data: Any, *, prefix: str = "") -> M:
    """``model`` validated from ``data`` a client sent; the first problem is a 400 naming its field."""
    try:
        return model.model_validate(data, context=_FROM_CLIENT)
    except pydantic.ValidationError as exc:
        first = exc.errors()[0]
        path = ".".join(str(part) for part in first["loc"] if part != "[key]")  # a dict key names itself
        field = ".".join(p for p in (prefix, path) if p) or None
        code = "unknown_field" if first["type"] == "extra_forbidden" else "invalid"
        message = f"{field}: {first['msg']}" if field else first["msg"]
        raise ValidationError(message, field=field, code=code) from None


def merge(current: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """A JSON merge patch (RFC 7396): objects merge key by key, ``null`` removes a key."""
    merged = dict(current)
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        elif isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = value
    return merged
