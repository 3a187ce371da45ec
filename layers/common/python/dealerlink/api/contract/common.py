"""What every feature's contract shares: base models, list queries and pages, money, errors.

- ``Body``: a request body; unknown fields are refused (400 ``unknown_field`` naming them),
  and ``null`` is refused where a field is merely optional (``NotNull``).
- ``Query``: query parameters, the same rules; values arrive as strings.
- ``Out``: a response; it must say exactly what the view answers (an unknown key is a bug,
  caught by the tests as a 500, never sent silently).

Models build lazily (``defer_build``): a cold start pays for a schema only when a route that
uses it runs, and the OpenAPI document builds them all.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Generic, TypeVar, cast

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, create_model

_ASCII_INT = re.compile(r"[0-9]{1,9}")


def _ascii_int(value: object) -> object:
    """Query integers in ASCII digits only: ``int()`` reads full-width and Arabic-Indic digits."""
    if isinstance(value, str) and not _ASCII_INT.fullmatch(value):
        raise ValueError("must be a whole number written with the digits 0-9")
    return value


AsciiInt = Annotated[int, BeforeValidator(_ascii_int)]


class Body(BaseModel):
    """A request body."""

    model_config = ConfigDict(extra="forbid", defer_build=True)


class Query(BaseModel):
    """Query parameters (strings on the wire, converted by the model)."""

    model_config = ConfigDict(extra="forbid", defer_build=True)


class Out(BaseModel):
    """A response body."""

    model_config = ConfigDict(extra="forbid", defer_build=True)


DEFAULT_LIMIT = 25
MAX_LIMIT = 100


class ListQuery(Query):
    """``?limit=&cursor=`` of every list (ARCHITECTURE §6)."""

    limit: AsciiInt = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="page size")
    # Not length-checked here: every cursor the API did not give is 400 ``invalid_cursor``
    # (``api.paging.decode_cursor``), over-long ones included.
    cursor: str | None = Field(None, description="`next_cursor` of the previous page, as given")


class WholeListQuery(ListQuery):
    """A list short enough for one page: ``limit`` is checked like every list's; it never
    gives a cursor, so any cursor is 400 ``invalid_cursor``."""


T = TypeVar("T")


class Page(Out, Generic[T]):
    """One page of a list; ``next_cursor`` is null on the last."""

    items: list[T]
    next_cursor: str | None


class Money(Out):
    """An amount as a decimal string with its currency (ARCHITECTURE §6)."""

    amount: str = Field(examples=["123.45"], pattern=r"^-?[0-9]+\.[0-9]{2}$")
    currency: str = Field(examples=["EUR"], min_length=3, max_length=3)


class ContactOut(Out):
    """A customer's contact as saved on a file or a reminder: a field left out is null."""

    title: str | None = None
    last_name: str | None = None
    first_name: str | None = None
    email: str | None = None
    phone: str | None = Field(None, description="E.164")
    language: str | None = None


class ErrorDetail(Out):
    code: str = Field(description="stable snake_case code", examples=["invalid"])
    message: str = Field(description="for a person")
    field: str | None = Field(None, description="path.to.the.field at fault")


class Error(Out):
    """Every error answer (ARCHITECTURE §6)."""

    error: ErrorDetail


class Done(Out):
    """An action that answers nothing more than that it was done."""

    ok: bool = True


FreeForm = dict[str, Any]
"""A JSON object whose keys are the client's own (labels, template parts): typed as an object."""


def merge_patch_of(model: type[BaseModel]) -> type[Body]:
    """The body of an RFC 7396 merge patch of ``model``: every field optional and nullable
    (``null`` removes), nested models patched the same way. The merged document is then
    validated by ``model`` itself, so the patch's schema only needs to say what may be sent."""
    fields: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        annotation = info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            annotation = merge_patch_of(annotation)
        fields[name] = (cast(Any, annotation) | None, Field(default=None, description=info.description))
    patch: type[Body] = create_model(f"{model.__name__}Patch", __base__=Body, **fields)
    patch.__doc__ = f"A JSON merge patch (RFC 7396) of {model.__name__}: what is sent changes, null removes."
    return patch
