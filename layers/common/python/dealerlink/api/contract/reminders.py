"""The reminders routes' contract (F-6.5-F-6.8): the list, a reminder, manual ones, staff actions.

Works typed by staff are checked twice over: their shape here (400 naming ``works.<i>.<field>``),
then the rules of works to plan (``domain.work_reports.parse_planned_works``: a missing id is
made, deadlines not past, ids unique), which only know the dealership's today.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BeforeValidator, ConfigDict, Field

from dealerlink.api.contract.common import Body, ContactOut, Out, WholeListQuery
from dealerlink.domain.interventions import Contact, Vehicle
from dealerlink.domain.validation import NotNull
from dealerlink.domain.worklist import MAX_WORKS

Status = Literal["to_send", "sent", "read", "answered", "closed"]
Outcome = Literal["booked", "declined_all", "approved_by_staff"]
Urgency = Literal["recommended", "urgent"]
SORTS = ("send_date", "status", "customer", "works")
_STATUS = "(to_send|sent|read|answered|closed)"


# ---------------------------------------------------------------- queries


def _blank_is_none(value: object) -> object:
    return None if value == "" else value


OptionalDay = Annotated[date | None, BeforeValidator(_blank_is_none)]


class ReminderListQuery(WholeListQuery):
    """The reminders of a period, answered whole (by send date unless ``sort`` says otherwise)."""

    from_: OptionalDay = Field(None, alias="from", description="first send date (YYYY-MM-DD)")
    to: OptionalDay = Field(None, description="last send date (YYYY-MM-DD), not before `from`")
    status: str | None = Field(
        None,
        pattern=f"^{_STATUS}(,{_STATUS})*$",
        description="only these statuses, comma-separated (to_send, sent, read, answered, closed)",
        examples=["to_send", "sent,read"],
    )
    sort: Literal["send_date", "-send_date", "status", "-status", "customer", "-customer", "works", "-works"] = Field(
        "send_date", description="send_date, status, customer or works; `-` first for descending"
    )

    @property
    def statuses(self) -> set[str] | None:
        return set(self.status.split(",")) if self.status else None


# ---------------------------------------------------------------- bodies


class ReminderWorkIn(Body):
    """A work to plan as staff type it; without an ``id`` it gets ``p<n>``."""

    model_config = ConfigDict(str_strip_whitespace=True)

    id: Annotated[str | None, NotNull] = Field(None, max_length=80, description="made when left out")
    label: str = Field(min_length=1, max_length=200)
    urgency: Urgency
    price: Decimal = Field(ge=0, lt=1_000_000, decimal_places=2, examples=["100.00"])
    price_includes_vat: bool = True
    deadline: date = Field(description="today or later, in the dealership's zone")
    mileage: int | None = Field(None, ge=0, le=5_000_000)
    source_intervention_id: str | None = Field(None, max_length=64)
    source_work_id: str | None = Field(None, max_length=40)


Works = Annotated[list[ReminderWorkIn], Field(min_length=1, max_length=MAX_WORKS)]


class NewReminder(Body):
    """A manual reminder (F-6.7)."""

    model_config = ConfigDict(str_strip_whitespace=True)

    reference: str = Field(min_length=1, max_length=64)
    brand: Annotated[str | None, NotNull] = Field(
        None, max_length=32, description="one of the dealership's brands; its main brand when left out"
    )
    contact: Contact = Field(description="a last name and an email or phone at least")
    vehicle: Vehicle = Field(default_factory=Vehicle)
    works: Works
    send_date: date = Field(description="today or later")
    intervention_id: Annotated[str | None, NotNull] = Field(
        None, min_length=1, max_length=64, description="a file whose public media and attachments the page shows"
    )


class ReminderChanges(Body):
    """New works for a reminder not yet read, with the version read."""

    version: int
    works: Works


class NewSendDate(Body):
    send_date: date = Field(description="today or later")


class StaffApproval(Body):
    """The works the customer approved on the phone (ids of the reminder's works)."""

    accepted_work_ids: list[str] = Field(max_length=MAX_WORKS)


# ---------------------------------------------------------------- responses


class ReminderCustomerOut(Out):
    title: str | None
    first_name: str | None
    last_name: str | None


class ReminderSummaryOut(Out):
    """A reminder as the list shows it."""

    id: str
    send_date: date
    overdue: bool = Field(description="still to send and its send date passed")
    status: Status
    customer: ReminderCustomerOut
    works_count: int
    interventions_count: int = Field(description="files its works came from")
    reference: str
    version: int


class ReminderWorkOut(Out):
    id: str
    label: str
    urgency: Urgency
    price: str = Field(examples=["100.00"])
    price_includes_vat: bool
    deadline: date
    mileage: int | None
    source_intervention_id: str | None
    source_work_id: str | None
    accepted: bool | None = Field(description="null until the reminder is answered")


class ReminderOut(ReminderSummaryOut):
    """A reminder with its customer, linked interventions and works."""

    deadline: date = Field(description="the earliest deadline of its works")
    brand: str
    work_report_id: str | None = Field(description="null for a manual reminder")
    intervention_id: str | None = Field(description="the file whose public media the page shows")
    contact: ContactOut
    works: list[ReminderWorkOut]
    interventions: list[str]
    outcome: Outcome | None
    callback_requested: bool
    sent_at: str | None
    read_at: str | None
    answered_at: str | None
    scheduled: bool = Field(description="a send is scheduled for this version")


CONTACT_FIELDS = tuple(ContactOut.model_fields)
