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


def merge(target: Any, patch: Any) -> Any:
    """``target`` with the JSON merge ``patch`` applied, exactly as RFC 7396 §2 defines it.

    A patch that is not an object replaces the target; an object merges key by key, ``null``
    removing a key (and never being stored), a non-object target being taken as ``{}``."""
    if not isinstance(patch, dict):
        return patch
    merged = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = merge(merged.get(key), value)
    return merged
