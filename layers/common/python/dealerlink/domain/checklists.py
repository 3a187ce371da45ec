"""Checklists (F-9.6): the works a technician ticks. Manufacturer checklists are data files,
read-only; a dealership duplicates one into a custom list it can edit."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from dealerlink.domain.dealerships import Language


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)


class Item(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")
    label: str = Field(min_length=1, max_length=200)
    translations: dict[Language, str] = Field(default_factory=dict)


class Category(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")
    name: str = Field(min_length=1, max_length=120)
    translations: dict[Language, str] = Field(default_factory=dict)
    items: list[Item] = Field(default_factory=list, max_length=200)


class Checklist(_Strict):
    id: str
    brand: str
    name: str = Field(min_length=1, max_length=120)
    source: Literal["manufacturer", "custom"] = "custom"
    categories: list[Category] = Field(default_factory=list, max_length=50)

    @model_validator(mode="after")
    def _unique_ids(self) -> Checklist:
        items = [i.id for c in self.categories for i in c.items]
        if len(set(items)) != len(items):
            raise ValueError("item ids must be unique within a checklist")
        if len({c.id for c in self.categories}) != len(self.categories):
            raise ValueError("category ids must be unique within a checklist")
        return self

    def item_ids(self) -> set[str]:
        return {i.id for c in self.categories for i in c.items}


@lru_cache(maxsize=1)
def manufacturer_checklists() -> dict[str, Checklist]:
    """Every manufacturer checklist shipped in ``dealerlink/data/checklists``, by id."""
    folder = resources.files("dealerlink") / "data" / "checklists"
    lists = [
        Checklist.model_validate(json.loads(entry.read_text(encoding="utf-8")))
        for entry in folder.iterdir()
        if entry.name.endswith(".json")
    ]
    return {c.id: c for c in lists}
