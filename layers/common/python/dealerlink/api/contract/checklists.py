"""The checklists routes' contract (F-9.6): a checklist answered with its version; an edit
replaces the fields sent of a custom list, with the ``version`` it was read with."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StrictInt

from dealerlink.api.contract.common import Body, Out
from dealerlink.domain.checklists import Category
from dealerlink.domain.dealerships import Language
from dealerlink.domain.validation import NotNull


class ChecklistItemOut(Out):
    id: str
    label: str
    translations: dict[Language, str]


class ChecklistCategoryOut(Out):
    id: str
    name: str
    translations: dict[Language, str]
    items: list[ChecklistItemOut]


class ChecklistOut(Out):
    """A checklist; manufacturer lists are read-only (no version), custom ones are edited."""

    id: str
    brand: str
    name: str
    source: Literal["manufacturer", "custom"]
    categories: list[ChecklistCategoryOut]
    version: int | None = Field(description="null for a manufacturer list")
    read_only: bool


class DuplicateChecklist(Body):
    """The copy's name (left out: the source's name with " (copy)")."""

    name: Annotated[str | None, NotNull] = Field(None, max_length=120)


class ChecklistEdit(Body):
    """A custom checklist's fields replaced (those left out stay), with the version read."""

    version: Annotated[StrictInt | None, NotNull] = Field(
        None, description="the version read; a version other than the list's is 409 stale_version"
    )
    name: Annotated[str | None, NotNull] = Field(None, max_length=120)
    brand: Annotated[str | None, NotNull] = Field(None, description="one of the dealership's brands")
    categories: Annotated[list[Category] | None, NotNull] = Field(None, max_length=50)
