"""The interventions routes' contract (F-3.1-F-3.5, F-3.9, F-3.10, F-3.13, F-6.1): creates,
edits, duplicates, manual approvals, imports into a work report, lists and what they answer.

Bodies are checked here for their shape (400 naming ``works.<i>.<field>``); the rules that
need the dealership (its brands and modes, its users, checklists and predefined messages, its
today for deadlines) are the service's (``services.interventions``), which validates the whole
file again with the domain's :class:`~dealerlink.domain.interventions.InterventionFields`.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AwareDatetime, ConfigDict, Field, ValidationInfo, field_validator

from dealerlink.api.contract.common import Body, ContactOut, ListQuery, Money, Out
from dealerlink.api.contract.media import MediaOut
from dealerlink.domain.interventions import MODULES, Contact, InternalMessage, Status, Vehicle
from dealerlink.domain.validation import NotNull
from dealerlink.domain.work_reports import PerformedWork
from dealerlink.domain.worklist import MAX_WORKS, Urgency, Work

Mode = Literal["after_sales", "sales"]
Module = Literal["mechanics", "bodywork", "warranty", "work_report", "used_car_stock", "direct_message"]
assert {m for modules in MODULES.values() for m in modules} == set(Module.__args__)  # type: ignore[attr-defined]
Origin = Literal["phone", "in_person", "email", "other"]
Notify = Literal["email", "sms", "both", "none"]
MAX_IMPORTED = 20
MAX_FILTER_VALUE = 64
StrictVersion = Annotated[int, Field(strict=True, description="the version read (409 stale_version when it moved)")]


def _module_of_mode(module: str | None, info: ValidationInfo) -> str | None:
    """Name ``module`` when it belongs to the other mode (the domain would name no field)."""
    mode = info.data.get("mode")
    if module is not None and mode in MODULES and module not in MODULES[mode]:
        raise ValueError(f"module {module!r} is not a {mode} module ({', '.join(MODULES[mode])})")
    return module


# ---------------------------------------------------------------- bodies


class WorkToPlanIn(Body):
    """A work to plan of a work report, as staff type it; without an ``id`` it gets ``p<n>``."""

    model_config = ConfigDict(str_strip_whitespace=True)

    id: str | None = Field(None, max_length=80, description="made when left out")
    label: str = Field(min_length=1, max_length=200)
    urgency: Literal["recommended", "urgent"]
    price: Decimal = Field(ge=0, lt=1_000_000, decimal_places=2, examples=["100.00"])
    price_includes_vat: bool = True
    deadline: date = Field(description="today or later, in the dealership's zone")
    mileage: int | None = Field(None, ge=0, le=5_000_000)
    source_intervention_id: str | None = Field(None, max_length=64)
    source_work_id: str | None = Field(None, max_length=40)


Works = Annotated[list[Work], Field(max_length=MAX_WORKS, description="the worklist (F-3.4); ids made when left out")]
PerformedWorks = Annotated[
    list[PerformedWork], Field(max_length=MAX_WORKS, description="work reports only: what was done")
]
WorksToPlan = Annotated[
    list[WorkToPlanIn], Field(max_length=MAX_WORKS, description="work reports only: what is left to do, with deadlines")
]


class NewIntervention(Body):
    """A file (F-3.1): ``client_id`` (a ULID made on the phone) makes the create safe to replay."""

    model_config = ConfigDict(str_strip_whitespace=True)

    client_id: str | None = Field(
        None, description="a ULID made on the device; a replay with the same body answers the file (200)"
    )
    brand: str | None = Field(
        None, max_length=32, description="one of the dealership's brands; its main brand if left out"
    )
    mode: Mode
    module: Module
    reference: str = Field(min_length=1, max_length=64, description="the dealership's repair order or stock number")
    vehicle: Vehicle = Field(default_factory=Vehicle)
    contact: Contact | None = Field(None, description="saved only with its title and last name")
    message: str | None = Field(None, max_length=5000)
    message_id: str | None = Field(None, max_length=26, description="a predefined message of the file's module")
    works: Works = Field(default_factory=list)
    performed_works: PerformedWorks = Field(default_factory=list)
    works_to_plan: WorksToPlan = Field(default_factory=list)
    internal_message: InternalMessage = Field(default_factory=InternalMessage)
    assignee_id: str | None = Field(None, max_length=64, description="a user of the dealership")
    reply_by: AwareDatetime | None = Field(None, description="ahead of now, a year at most (ISO 8601 with offset)")
    customer_waiting: bool = False

    _module = field_validator("module")(_module_of_mode)


class InterventionChanges(Body):
    """An edit while the file waits to be sent: what is sent replaces, the rest stays."""

    model_config = ConfigDict(str_strip_whitespace=True)

    version: StrictVersion
    brand: str | None = Field(None, max_length=32, description="null: the dealership's main brand")
    mode: Annotated[Mode | None, NotNull] = None
    module: Annotated[Module | None, NotNull] = None
    reference: Annotated[str | None, NotNull] = Field(None, min_length=1, max_length=64)
    vehicle: Annotated[Vehicle | None, NotNull] = None
    contact: Contact | None = None
    message: str | None = Field(None, max_length=5000)
    message_id: str | None = Field(None, max_length=26)
    works: Annotated[Works | None, NotNull] = None
    performed_works: Annotated[PerformedWorks | None, NotNull] = None
    works_to_plan: Annotated[WorksToPlan | None, NotNull] = None
    internal_message: Annotated[InternalMessage | None, NotNull] = None
    assignee_id: str | None = Field(None, max_length=64)
    reply_by: AwareDatetime | None = None
    customer_waiting: Annotated[bool | None, NotNull] = None

    _module = field_validator("module")(_module_of_mode)


class Duplication(Body):
    """A new file from another (F-3.9): a reference of its own; brand, mode and module may change."""

    model_config = ConfigDict(str_strip_whitespace=True)

    reference: str = Field(min_length=1, max_length=64, description="not the source's")
    brand: str | None = Field(None, max_length=32, description="null: the dealership's main brand")
    mode: Annotated[Mode | None, NotNull] = None
    module: Annotated[Module | None, NotNull] = None

    _module = field_validator("module")(_module_of_mode)


class ManualAcceptance(Body):
    """An approval given by phone or in person (F-3.10): the proposed works accepted, the rest declined."""

    accepted_work_ids: list[str] = Field(max_length=MAX_WORKS, description="ids of recommended or urgent works")
    origin: Origin
    notify: Notify = Field("none", description="how the customer is told of it")


class WorkReportImport(Body):
    """Answered interventions to bring into a work report (F-6.1), with the report's version."""

    intervention_ids: list[str] = Field(min_length=1, max_length=MAX_IMPORTED)
    version: StrictVersion
    deadlines: dict[str, dict[str, date]] | None = Field(
        None, description="intervention id -> work id -> deadline of each declined work"
    )
    mileages: dict[str, dict[str, int]] | None = Field(
        None, description="intervention id -> work id -> mileage of a declined work (optional)"
    )


# ---------------------------------------------------------------- queries


def _values(value: str | None, name: str) -> str | None:
    if value is not None and any(len(part) > MAX_FILTER_VALUE for part in value.split(",")):
        raise ValueError(f"{name} values are at most {MAX_FILTER_VALUE} characters")
    return value


class _Filters(ListQuery):
    """Filters of the lists: each takes several values, comma-separated (``?status=sent,read``)."""

    show_closed: bool = Field(False, description="closed files too")
    module: str | None = Field(None, description="comma-separated modules", examples=["mechanics,bodywork"])
    status: str | None = Field(None, description="comma-separated statuses", examples=["sent,read"])
    brand: str | None = Field(None, description="comma-separated brand codes")
    author_id: str | None = Field(None, description="comma-separated user or device ids")
    assignee_id: str | None = Field(None, description="comma-separated user ids")

    @field_validator("module", "brand", "author_id", "assignee_id")
    @classmethod
    def _short(cls, value: str | None, info: ValidationInfo) -> str | None:
        return _values(value, str(info.field_name))

    @field_validator("status")
    @classmethod
    def _statuses(cls, value: str | None) -> str | None:
        known = [s.value for s in Status]
        if value is not None and any(part not in known for part in value.split(",") if part):
            raise ValueError(f"status must be among {known}")
        return value

    @property
    def filters(self) -> dict[str, list[str]]:
        """Each filter given, as its values (empty parts dropped)."""
        given = {name: getattr(self, name) for name in ("module", "status", "brand", "author_id", "assignee_id")}
        found = {name: [part for part in value.split(",") if part] for name, value in given.items() if value}
        return {name: values for name, values in found.items() if values}


class InterventionListQuery(_Filters):
    """A dealership's files, newest first; ``q`` searches keywords instead (one page)."""

    q: str | None = Field(
        None, description="reference, plate, VIN, names, email or phone (3 letters or digits at least)"
    )


class MergedListQuery(_Filters):
    """The files of several dealerships of the caller, newest first."""

    dealership_id: str | None = Field(None, description="comma-separated; every dealership of the caller if left out")

    @property
    def dealership_ids(self) -> list[str]:
        return sorted({part for part in (self.dealership_id or "").split(",") if part})


# ---------------------------------------------------------------- responses


class AuthorOut(Out):
    id: str
    kind: Literal["user", "device"]


class VehicleOut(Out):
    plate: str | None
    vin: str | None
    make: str | None
    model: str | None
    mileage: int | None
    first_registration: str | None = Field(description="YYYY-MM-DD")


class InternalMessageOut(Out):
    text: str | None
    contact_me: bool


class DiscountOut(Out):
    kind: Literal["amount", "percent"]
    value: str = Field(examples=["10.00"])


class _WorkOut(Out):
    label: str
    urgency: Urgency
    price: str = Field(examples=["180.00"])
    price_includes_vat: bool
    discount: DiscountOut | None
    checklist_item_id: str | None
    category: str | None
    comment: str | None


class WorkOut(_WorkOut):
    """A work of the worklist; ``id`` is what the customer's answers name."""

    id: str


class PerformedWorkOut(_WorkOut):
    """A work done; imported ones name the file and work they came from."""

    id: str | None
    source_intervention_id: str | None
    source_work_id: str | None


class PlannedWorkOut(Out):
    id: str
    label: str
    urgency: Urgency
    price: str = Field(examples=["100.00"])
    price_includes_vat: bool
    deadline: str = Field(description="YYYY-MM-DD")
    mileage: int | None
    source_intervention_id: str | None
    source_work_id: str | None


class ByUrgencyOut(Out):
    ok: Money
    offered: Money
    recommended: Money
    urgent: Money


class TotalsOut(Out):
    """What the customer reads (F-3.4): the proposed amount is recommended plus urgent works."""

    proposed_gross: Money
    proposed_net: Money
    vat: Money
    discounts_gross: Money
    by_urgency: ByUrgencyOut


class ReadinessOut(Out):
    can_send: bool
    missing: list[str] = Field(examples=[["contact.email_or_phone"]])


def _absent(value: object) -> bool:
    return value is None


class InterventionOut(Out):
    """A file with its worklist totals and whether it can be sent."""

    id: str
    dealership_id: str
    status: Status
    version: int
    mode: Mode
    module: Module
    brand: str
    reference: str
    author: AuthorOut
    assignee_id: str | None
    client_id: str | None
    customer_id: str | None = Field(description="the dealership's customer with the contact's email or phone")
    created_at: str
    updated_at: str
    vehicle: VehicleOut | None
    contact: ContactOut | None
    message: str | None
    message_id: str | None
    internal_message: InternalMessageOut | None
    reply_by: str | None = Field(description="ISO 8601 with offset")
    customer_waiting: bool | None
    performed_works: list[PerformedWorkOut] | None = Field(
        None, exclude_if=_absent, description="work reports only (left out otherwise)"
    )
    works_to_plan: list[PlannedWorkOut] | None = Field(
        None, exclude_if=_absent, description="work reports only (left out otherwise)"
    )
    works: list[WorkOut]
    totals: TotalsOut
    readiness: ReadinessOut
    answers: dict[str, bool] | None = Field(description="work id -> accepted, once answered")
    accepted_amount: Money | None
    answered_at: str | None
    answer_origin: str | None = Field(examples=["customer_page", "phone"])


class InterventionWithMediaOut(InterventionOut):
    """A file and its media, in the customer's order."""

    media: list[MediaOut]


class InterventionSummaryOut(Out):
    """A file as lists show it."""

    id: str
    status: Status
    mode: Mode
    module: Module
    brand: str
    reference: str
    plate: str | None
    customer: str | None = Field(description="first and last name")
    author_id: str
    assignee_id: str | None
    created_at: str


class DealershipFileOut(InterventionSummaryOut):
    """A file in a list of several dealerships."""

    dealership_id: str


HistoryValue = str | int | float | bool | list[str] | None


class HistoryEventOut(Out):
    """One change of a file: who, when, what."""

    at: str
    actor: str = Field(description="a user or device id, or customer, notify, pages")
    action: str = Field(examples=["created", "edited", "sent", "answered", "closed"])
    details: dict[str, HistoryValue] | None = Field(examples=[{"fields": ["reference"]}, {"from": "01J…"}])


class InterventionDeletedOut(Out):
    id: str
    deleted: Literal[True]


# ---------------------------------------------------------------- examples

_FRENCH_FILE = {
    "mode": "after_sales",
    "module": "mechanics",
    "brand": "peugeot",
    "reference": "OR-2026-0042",
    "vehicle": {"plate": "AB-123-CD", "vin": "VF3ABCDEFGH123456", "make": "Peugeot", "model": "308", "mileage": 84500},
    "contact": {
        "title": "mrs",
        "last_name": "Martin",
        "first_name": "Claire",
        "email": "claire.martin@example.com",
        "phone": "+33612345678",
        "language": "fr",
    },
    "message": "Bonjour Madame Martin, voici la vidéo de votre 308 : deux travaux sont à prévoir.",
    "works": [
        {"label": "Plaquettes de frein avant", "urgency": "urgent", "price": "180.00"},
        {"label": "Balais d'essuie-glace", "urgency": "recommended", "price": "25.00", "price_includes_vat": False},
        {"label": "Contrôle des niveaux", "urgency": "offered", "price": "15.00"},
        {"label": "Pneus arrière", "urgency": "ok", "price": "0"},
    ],
    "internal_message": {"text": "Client pressé, rappeler avant midi", "contact_me": True},
    "customer_waiting": True,
}  # no reply_by: a fixed one would not stay within the year ahead it may be
CREATE_EXAMPLES = {
    "a mechanics worklist": _FRENCH_FILE,
    "from a phone, offline-safe": {
        **{k: v for k, v in _FRENCH_FILE.items() if k not in ("internal_message", "message")},
        "client_id": "01JD0000000000000000000000",
        "reference": "OR-2026-0043",
    },
    "a used car for sale": {"mode": "sales", "module": "used_car_stock", "reference": "VO-118"},
}
EDIT_EXAMPLES = {"a new reference": {"version": 1, "reference": "OR-2026-0044"}}
DUPLICATE_EXAMPLES = {"into bodywork": {"reference": "CAR-2026-0007", "module": "bodywork"}}
ACCEPT_EXAMPLES = {"by phone": {"accepted_work_ids": ["w1"], "origin": "phone", "notify": "email"}}
IMPORT_EXAMPLES = {
    "an answered file": {
        "intervention_ids": ["01JD0000000000000000000000"],
        "version": 1,
        "deadlines": {"01JD0000000000000000000000": {"w2": "2099-06-30"}},
    }
}
