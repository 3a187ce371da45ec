"""Messages waiting to leave: the outbox queue's only payloads.

Producers (send, reminders, notifications) enqueue one of these; the notify function
delivers each exactly once, keyed by ``message_id``.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

_E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class EmailMessage(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    kind: Literal["email"] = "email"
    message_id: str = Field(min_length=1, max_length=64)
    dealership_id: str | None = None  # whose message it is, and what it tells of (its outcome is
    subject_id: str | None = None  # recorded there): set when the message leaves the outbox
    to: list[str] = Field(min_length=1, max_length=50)
    subject: str = Field(min_length=1, max_length=998)
    text: str
    html: str | None = None

    @field_validator("to")
    @classmethod
    def _addresses(cls, value: list[str]) -> list[str]:
        for address in value:
            if not _EMAIL.match(address):
                raise ValueError(f"{address!r} is not an email address")
        return value


class SmsMessage(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    kind: Literal["sms"] = "sms"
    message_id: str = Field(min_length=1, max_length=64)
    dealership_id: str | None = None
    subject_id: str | None = None
    to: str
    text: str = Field(min_length=1, max_length=1600)

    @field_validator("to")
    @classmethod
    def _e164(cls, value: str) -> str:
        if not _E164.match(value):
            raise ValueError(f"{value!r} is not an E.164 phone number")
        return value


OutboxMessage = Annotated[EmailMessage | SmsMessage, Field(discriminator="kind")]
