"""Work reports (F-6.1): performed works and the declined works that become works to plan.

A work report tells the customer what was done (performed works, taken from the works he
accepted on one or several answered interventions, or added by hand) and what is still to
do (works to plan: the declined works, each with a deadline date and optionally a mileage).
Works to plan are what reminders (``dealerlink.domain.reminders``) bring back later.

Pure rules: the dealership's ``today`` is passed in, since only the caller knows its zone.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Iterator, Mapping, Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypeVar

import pydantic
from pydantic import BaseModel, ConfigDict, Field, field_validator

from dealerlink.domain.worklist import CENT, MAX_WORKS, PAYABLE, Urgency, Work, check_unique_ids, fill_ids
from dealerlink.errors import ValidationError

WorkKey = tuple[str, str]  # (intervention id, work id): work ids are unique only within a file
M = TypeVar("M", bound=BaseModel)


class PlannedWork(BaseModel):
    """A work to plan: declined (or added by hand), due by ``deadline``; it keeps its urgency."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True, frozen=True)

    id: str = Field(min_length=1, max_length=80)
    label: str = Field(min_length=1, max_length=200)
    urgency: Urgency
    price: Decimal = Field(ge=0, lt=1_000_000, decimal_places=2)
    price_includes_vat: bool = True
    deadline: date
    mileage: int | None = Field(default=None, ge=0, le=5_000_000)
    source_intervention_id: str | None = Field(default=None, max_length=64)
    source_work_id: str | None = Field(default=None, max_length=40)

    @field_validator("urgency")
    @classmethod
    def _still_to_do(cls, value: Urgency) -> Urgency:
        if value not in PAYABLE:
            raise ValueError("a work to plan is recommended or urgent")
        return value


class PerformedWork(Work):
    """A work done on the car; imported ones name the intervention and work they came from."""

    source_intervention_id: str | None = Field(default=None, max_length=64)
    source_work_id: str | None = Field(default=None, max_length=40)

    @property
    def source(self) -> WorkKey | None:
        if self.source_intervention_id is None or self.source_work_id is None:
            return None
        return (self.source_intervention_id, self.source_work_id)


@dataclasses.dataclass(frozen=True)
class AnsweredIntervention:
    """What a work report imports from an answered file: its works, answers and paid works.

    ``answers`` maps a work id to True (accepted) or False (declined), as the intervention
    stores them; ``paid_work_ids`` are the works the customer already paid online (F-10).
    """

    intervention_id: str
    works: Sequence[Work]
    answers: Mapping[str, bool]
    paid_work_ids: frozenset[str] = dataclasses.field(default_factory=frozenset)


def _answered_works(interventions: Sequence[AnsweredIntervention], accepted: bool) -> Iterator[tuple[str, Work]]:
    """(intervention id, work) answered ``accepted``, each (intervention, work) pair once."""
    seen: set[WorkKey] = set()
    for intervention in interventions:
        for work in intervention.works:
            key = (intervention.intervention_id, work.id or "")
            if work.id is None or key in seen or work.urgency not in PAYABLE:
                continue
            if intervention.answers.get(work.id) is accepted:
                seen.add(key)
                yield intervention.intervention_id, work


def performed_from_answered(
    interventions: Sequence[AnsweredIntervention], existing: Collection[PerformedWork] = ()
) -> list[PerformedWork]:
    """The accepted works of answered files as performed works, price and urgency kept.

    Works already paid online cost 0 here (the customer must not read them as still owed).
    A work is taken once, even when its file is imported twice or is already in ``existing``.
    Ids are left to the caller, who numbers the report's works as it does for worklists.
    """
    already = {w.source for w in existing if w.source is not None}
    paid = {(i.intervention_id, w) for i in interventions for w in i.paid_work_ids}
    performed = []
    for intervention_id, work in _answered_works(interventions, accepted=True):
        key = (intervention_id, str(work.id))
        if key in already:
            continue
        data = work.model_dump() | {"id": None, "source_intervention_id": key[0], "source_work_id": key[1]}
        if key in paid:
            data |= {"price": Decimal("0.00"), "discount": None}
        performed.append(PerformedWork.model_validate(data))
    return performed


def _price_after_discount(work: Work) -> Decimal:
    """The price the customer was offered (same VAT basis as ``work.price``), to the cent."""
    if work.discount is None:
        return work.price
    off = work.discount.value if work.discount.kind == "amount" else work.price * work.discount.value / 100
    return max(work.price - off, Decimal(0)).quantize(CENT, rounding=ROUND_HALF_UP)


def to_plan_from_declined(
    interventions: Sequence[AnsweredIntervention],
    deadlines: Mapping[WorkKey, date],
    mileages: Mapping[WorkKey, int],
    today: date,
    *,
    deadlines_field: str = "deadlines",
    mileages_field: str = "mileages",
) -> list[PlannedWork]:
    """The declined works as works to plan: urgent first, then by deadline (F-6.1).

    Every declined work needs its deadline: ``deadlines.<intervention id>.<work id>`` names a
    missing or past one (``mileages.…`` a bad mileage). The price kept is the one offered,
    after its discount; the work's id is ``<intervention id>-<work id>``.
    """
    planned: list[PlannedWork] = []
    for intervention_id, work in _answered_works(interventions, accepted=False):
        key = (intervention_id, str(work.id))
        path = f"{deadlines_field}.{key[0]}.{key[1]}"
        deadline = deadlines.get(key)
        if deadline is None:
            raise ValidationError(f"{path}: {work.label!r} needs a deadline", field=path, code="deadline_required")
        _check_not_past(deadline, today, path)
        raw = {
            "id": f"{key[0]}-{key[1]}",
            "label": work.label,
            "urgency": work.urgency,
            "price": _price_after_discount(work),
            "price_includes_vat": work.price_includes_vat,
            "deadline": deadline,
            "mileage": mileages.get(key),
            "source_intervention_id": key[0],
            "source_work_id": key[1],
        }
        planned.append(_validated(PlannedWork, raw, path, {"mileage": f"{mileages_field}.{key[0]}.{key[1]}"}))
    return by_urgency_then_deadline(planned)


def by_urgency_then_deadline(works: Sequence[PlannedWork]) -> list[PlannedWork]:
    """Urgent works first, then the earliest deadline; ties keep their given order."""
    return sorted(works, key=lambda w: (w.urgency != Urgency.URGENT, w.deadline))


def _check_not_past(deadline: date, today: date, path: str) -> None:
    if deadline < today:
        raise ValidationError(
            f"{path}: the deadline {deadline.isoformat()} is already past", field=path, code="deadline_in_past"
        )


def _validated(model: type[M], raw: Any, path: str, elsewhere: Mapping[str, str] | None = None) -> M:
    """``model`` from ``raw``; the first problem is one 400 naming ``path.<field>``.

    ``elsewhere`` names the input path of fields the caller took from another argument.
    """
    try:
        return model.model_validate(raw)
    except pydantic.ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in (path, *first["loc"]))
        if elsewhere and str(first["loc"][0]) in elsewhere:
            where = elsewhere[str(first["loc"][0])]
        code = "unknown_field" if first["type"] == "extra_forbidden" else "invalid"
        if first["loc"] == ("deadline",) and (first["type"] == "missing" or first.get("input") is None):
            code = "deadline_required"
        raise ValidationError(f"{where}: {first['msg']}", field=where, code=code) from None


def parse_planned_works(raw: object, today: date, field: str = "works_to_plan") -> list[PlannedWork]:
    """Works to plan typed by staff: each needs a deadline, today or later (F-6.1).

    A work without an id gets ``p<n>`` (its position from 1, or the next number no work
    holds), as worklists number theirs; ids are unique since the customer's answers name them.
    """
    if not isinstance(raw, list):
        raise ValidationError(f"{field} must be a list", field=field)
    if len(raw) > MAX_WORKS:
        raise ValidationError(f"{field} holds at most {MAX_WORKS} works", field=field)
    works: list[PlannedWork] = []
    for index, (item, work_id) in enumerate(zip(raw, fill_ids([_given_id(i) for i in raw], "p"), strict=True)):
        path = f"{field}.{index}"
        if isinstance(item, dict) and not item.get("id"):
            item = {**item, "id": work_id}
        work = _validated(PlannedWork, item, path)
        _check_not_past(work.deadline, today, f"{path}.deadline")
        works.append(work)
    check_unique_ids([w.id for w in works], field)
    return works


def _given_id(item: object) -> str | None:
    value = item.get("id") if isinstance(item, dict) else None
    return (value.strip() or None) if isinstance(value, str) else None


def parse_performed_works(raw: object, field: str = "performed_works") -> list[PerformedWork]:
    """Performed works as stored or typed by staff (hand-added ones name no source); ids unique."""
    if not isinstance(raw, list):
        raise ValidationError(f"{field} must be a list", field=field)
    if len(raw) > MAX_WORKS:
        raise ValidationError(f"{field} holds at most {MAX_WORKS} works", field=field)
    works = [_validated(PerformedWork, item, f"{field}.{index}") for index, item in enumerate(raw)]
    check_unique_ids([w.id for w in works], field)
    return works
