"""The users routes' contract (F-1.3): bodies are the domain's own models."""

from __future__ import annotations

from pydantic import Field

from dealerlink.api.contract.common import Out


class UserOut(Out):
    """A user of the dealership (never a password)."""

    id: str
    email: str
    first_name: str
    last_name: str
    phone: str | None = Field(description="E.164")
    language: str
    roles: list[str]
    dealership_ids: list[str]
    status: str = Field(examples=["active", "inactive"])
    created_at: str | None


class MemberOut(Out):
    """A user as the dealership's list shows them."""

    id: str
    email: str
    first_name: str
    last_name: str
    roles: list[str]
    status: str
