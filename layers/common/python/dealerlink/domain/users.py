"""Staff users (F-1.3, F-1.4): what can be created and edited, validated."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from dealerlink.domain.contacts import normalise_phone
from dealerlink.domain.dealerships import Email, Language
from dealerlink.domain.validation import NotNull

Phone = Annotated[str, AfterValidator(normalise_phone)]


class NewUser(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)

    email: Email
    first_name: str = Field(min_length=1, max_length=80)
    last_name: str = Field(min_length=1, max_length=80)
    phone: Phone | None = None
    language: Language = "en"
    roles: list[str] = Field(min_length=1)
    dealership_ids: list[str] = Field(default_factory=list)
    password: str | None = Field(default=None, max_length=256)


class UserChanges(BaseModel):
    """What a dealer manager may change on a user (email is the sign-in: not editable).

    A user always has names, a language and roles: they change, never to ``null``; the phone
    is optional, and ``null`` takes it off."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)

    first_name: Annotated[str | None, NotNull] = Field(default=None, min_length=1, max_length=80)
    last_name: Annotated[str | None, NotNull] = Field(default=None, min_length=1, max_length=80)
    phone: Phone | None = None
    language: Annotated[Language | None, NotNull] = None
    roles: Annotated[list[str] | None, NotNull] = Field(default=None, min_length=1)


class ProfileChanges(BaseModel):
    """F-1.4: what users change on their own profile (``null`` takes the phone off, not the language)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)

    phone: Phone | None = None
    language: Annotated[Language | None, NotNull] = None
