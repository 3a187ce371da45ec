"""Interventions (F-3): what a file holds, how its status moves, when it can be sent.

Pure rules. The store applies them with conditional writes so that two concurrent
changes cannot both win.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from dealerlink.domain.dealerships import Email, Language
from dealerlink.domain.users import Phone
from dealerlink.domain.validation import NotNull
from dealerlink.errors import ConflictError, ValidationError

REPLY_BY_AHEAD = timedelta(days=365)  # a reply deadline is days away; a year is the most it may be
_OFFSET_ROOM = timedelta(days=1)  # every UTC offset is less than a day either way
_FIRST = datetime.min.replace(tzinfo=UTC) + _OFFSET_ROOM
_LAST = datetime.max.replace(tzinfo=UTC) - _OFFSET_ROOM


class Status(StrEnum):
    WAITING_TO_SEND = "waiting_to_send"
    SENT = "sent"
    READ = "read"
    ANSWERED = "answered"
    CLOSED = "closed"


MODULES: dict[str, tuple[str, ...]] = {
    "after_sales": ("mechanics", "bodywork", "warranty", "work_report"),
    "sales": ("used_car_stock", "direct_message"),
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)


class Vehicle(_Strict):
    plate: str | None = Field(default=None, max_length=20)
    vin: str | None = Field(default=None, pattern=r"^[A-HJ-NPR-Z0-9]{17}$")
    make: str | None = Field(default=None, max_length=60)
    model: str | None = Field(default=None, max_length=60)
    mileage: int | None = Field(default=None, ge=0, le=5_000_000)
    first_registration: date | None = None

    @field_validator("vin", mode="before")
    @classmethod
    def _upper_vin(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value


class Contact(_Strict):
    """Every field may be left out; names and language are never null (``null`` says "none"
    only for the email or phone a customer does not give)."""

    title: Literal["mr", "mrs", "ms", "company"] | None = None
    last_name: Annotated[str | None, NotNull] = Field(default=None, max_length=80)
    first_name: Annotated[str | None, NotNull] = Field(default=None, max_length=80)
    email: Email | None = None
    phone: Phone | None = None
    language: Annotated[Language | None, NotNull] = None


class InternalMessage(_Strict):
    text: str | None = Field(default=None, max_length=5000)
    contact_me: bool = False


class InterventionFields(_Strict):
    """Everything of F-3.1 a client may set; ``works`` are validated by the worklist rules."""

    brand: str | None = Field(default=None, max_length=32)
    mode: Literal["after_sales", "sales"]
    module: str
    reference: str = Field(min_length=1, max_length=64)
    vehicle: Vehicle = Vehicle()
    contact: Contact | None = None
    message: str | None = Field(default=None, max_length=5000)
    message_id: str | None = Field(default=None, max_length=26)  # a predefined message (F-9.4)
    works: list[dict[str, Any]] = Field(default_factory=list)
    performed_works: list[dict[str, Any]] = Field(default_factory=list)  # work reports (F-6.1)
    works_to_plan: list[dict[str, Any]] = Field(default_factory=list)  # work reports: reminders come of them
    internal_message: InternalMessage = InternalMessage()
    assignee_id: str | None = Field(default=None, max_length=64)
    reply_by: datetime | None = None
    customer_waiting: bool = False

    @field_validator("reply_by")
    @classmethod
    def _reply_by_can_be_shown(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.utcoffset() is None:
            raise ValueError("reply_by needs a time zone (ISO 8601 with offset)")
        if value is not None and not showable_everywhere(value):
            raise ValueError("reply_by is not a moment every time zone can show")
        return value

    @model_validator(mode="after")
    def _module_of_mode(self) -> InterventionFields:
        if self.module not in MODULES[self.mode]:
            allowed = ", ".join(MODULES[self.mode])
            raise ValueError(f"module {self.module!r} is not a {self.mode} module ({allowed})")
        return self


def showable_everywhere(moment: datetime) -> bool:
    """Whether every time zone can show ``moment``: in UTC, and moved by any UTC offset, it stays
    within the years a datetime holds (0001 to 9999). Naive moments are no moment at all."""
    if moment.utcoffset() is None:
        return False
    try:
        return _FIRST <= moment.astimezone(UTC) <= _LAST
    except OverflowError:  # its own offset already takes it past year 1 or 9999
        return False


def check_reply_by(reply_by: datetime | None, now: datetime) -> None:
    """F-3.1: the customer's time to reply is ahead of ``now``, and at most REPLY_BY_AHEAD ahead.

    Checked when a client sets it (create, edit) and when a file is first sent; a
    ``reply_by`` that passed while the file waited must be moved before sending.
    """
    if reply_by is None:
        return
    if not showable_everywhere(reply_by):
        raise ValidationError("reply_by is not a moment every time zone can show", field="reply_by")
    if reply_by <= now:
        raise ValidationError("reply_by must be a moment in the future", field="reply_by", code="reply_by_past")
    if reply_by > now + REPLY_BY_AHEAD:
        raise ValidationError(
            f"reply_by is at most {REPLY_BY_AHEAD.days} days ahead", field="reply_by", code="reply_by_too_far"
        )


def stored_reply_by(raw: object) -> datetime | None:
    """A file's stored ``reply_by`` as pages and messages show it; None when absent or when no time
    zone could show it (files saved before the rule was checked)."""
    if not isinstance(raw, str):
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        return None
    return moment if showable_everywhere(moment) else None


def fingerprint(value: Any) -> str:
    """sha256 of ``value`` as canonical JSON (keys sorted, no spaces, text as is): two bodies
    that say the same have the same fingerprint, whatever their key order or spacing.

    An offline create keeps its body's fingerprint, so a replay of it (same client_id) is told
    from another create reusing the id.
    """
    canonical = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def check_module(body: dict[str, Any]) -> None:
    """Name the field when a module belongs to the other mode (before full validation)."""
    mode, module = body.get("mode"), body.get("module")
    if isinstance(mode, str) and mode in MODULES and isinstance(module, str) and module not in MODULES[mode]:
        allowed = ", ".join(MODULES[mode])
        raise ValidationError(f"module {module!r} is not a {mode} module ({allowed})", field="module")


def check_contact_can_be_saved(contact: Contact | None) -> None:
    """F-3.5: a contact is saved only with its title and last name."""
    if contact is None:
        return
    for name in ("title", "last_name"):
        if not getattr(contact, name):
            raise ValidationError(f"contact.{name} is required to save a contact", field=f"contact.{name}")


def readiness(module: str, contact: Contact | None) -> dict[str, Any]:
    """Whether the file can be sent, and what is missing (F-3.5, F-3.15)."""
    missing = []
    if module == "used_car_stock":
        missing.append("module: used_car_stock files are duplicated into a direct_message to be sent")
    if contact is None or not contact.title:
        missing.append("contact.title")
    if contact is None or not contact.last_name:
        missing.append("contact.last_name")
    if contact is None or not (contact.email or contact.phone):
        missing.append("contact.email_or_phone")
    return {"can_send": not missing, "missing": missing}


def check_editable(status: str) -> None:
    """F-3.2: only a file still waiting to be sent can be edited."""
    if status != Status.WAITING_TO_SEND:
        raise ConflictError(
            f"an intervention can be edited only while waiting_to_send; it is {status}", code="not_editable"
        )


def check_deletable(status: str) -> None:
    if status != Status.CLOSED:
        raise ConflictError(f"only a closed intervention can be deleted; it is {status}", code="not_closed")


def check_closable(status: str) -> None:
    if status == Status.CLOSED:
        raise ConflictError("this intervention is already closed", code="already_closed")
