"""Customers (F-7): what staff read of a customer and the preferences they record."""

from __future__ import annotations

from pydantic import Field

from dealerlink.api.contract.common import Body, Out


class PreferencesOut(Out):
    block_email: bool = Field(description="the customer receives no email from this dealership")
    block_sms: bool = Field(description="the customer receives no SMS from this dealership")


class CustomerOut(Out):
    """A customer as the dealership knows them, matched by email or phone across files."""

    id: str
    title: str | None
    last_name: str | None
    first_name: str | None
    email: str | None
    phone: str | None = Field(description="E.164")
    language: str | None
    preferences: PreferencesOut
    version: int = Field(description="send it back with a change (409 when stale)")
    created_at: str


class Preferences(Body):
    """Both channels' opt-outs (F-7.3), with the ``version`` read."""

    block_email: bool
    block_sms: bool
    version: int = Field(ge=1, description="the customer's version you read")
