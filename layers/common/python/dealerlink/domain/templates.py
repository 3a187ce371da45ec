"""Customer page templates (F-9.5) and predefined messages (F-9.4), as the back office edits them.

A template belongs to one brand x module x language and is either the dealership's own or its
group's (for all dealerships of the group); the dealership's own wins. Its images (banner,
promotional picture) are uploaded like photos and checked the same way before they show.
A predefined message has a name, an optional module and a text per language; the customer's
language picks the text, so switching the language switches the message (F-3.6).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from dealerlink.domain.dealerships import Language
from dealerlink.domain.interventions import MODULES
from dealerlink.domain.validation import LANGUAGES
from dealerlink.errors import ValidationError

ALL_MODULES = frozenset(module for modules in MODULES.values() for module in modules)
IMAGE_TYPES = ("image/jpeg", "image/png", "image/webp")
MAX_IMAGE_BYTES = 10 * 1024 * 1024
_KEY = re.compile(r"^(?P<brand>[a-z0-9_-]{1,32})\.(?P<module>[a-z_]{1,32})\.(?P<language>[a-z]{2})$")


class Scope(StrEnum):
    DEALERSHIP = "dealership"
    GROUP = "group"


class Slot(StrEnum):
    BANNER = "banner"
    PROMO = "promo"


class TemplateParts(BaseModel):
    """What a person types into a template; the images arrive by upload."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    banner_text: str | None = Field(default=None, max_length=200)
    text: str | None = Field(default=None, max_length=4000)
    promo_link: str | None = Field(default=None, max_length=500, pattern=r"^https://[^\s<>\"]+$")


def template_key(brand: str, module: str, language: str) -> str:
    return f"{brand}.{module}.{language}"


def parse_template_key(key: str, brands: set[str]) -> tuple[str, str, str]:
    """``brand.module.language`` of one of the dealership's brands, or 400 naming the part."""
    match = _KEY.match(key)
    if not match:
        raise ValidationError("template_key is brand.module.language, e.g. peugeot.mechanics.fr", field="template_key")
    brand, module, language = match["brand"], match["module"], match["language"]
    if brand not in brands:
        raise ValidationError(f"brand {brand!r} is not one of the dealership's brands", field="template_key")
    if module not in ALL_MODULES:
        raise ValidationError(f"module {module!r} is unknown", field="template_key")
    if language not in LANGUAGES:
        raise ValidationError(f"language {language!r} is not one of {', '.join(LANGUAGES)}", field="template_key")
    return brand, module, language


Text = Annotated[str, Field(min_length=1, max_length=2000)]


class PredefinedMessage(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=80)
    module: str | None = None
    texts: dict[Language, Text] = Field(min_length=1)

    @field_validator("module")
    @classmethod
    def _known_module(cls, module: str | None) -> str | None:
        if module is not None and module not in ALL_MODULES:
            raise ValueError(f"module {module!r} is unknown")
        return module


def message_text(texts: Mapping[str, str], language: str, default_language: str) -> str:
    """The text in the customer's language, else the dealership's, else the first one written."""
    return texts.get(language) or texts.get(default_language) or next(iter(texts.values()))
