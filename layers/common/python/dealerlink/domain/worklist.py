"""The worklist (F-3.4): works with urgency and price, and the money the customer sees.

Money is Decimal, each amount rounded to the cent once (half up) after computing in full
precision; totals are sums of those rounded lines, so they add up to exactly what the
customer reads. Offered works are done free of charge and ``ok`` means nothing to do:
both cost 0. The proposed amount is the sum of recommended and urgent works.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any, Literal

import pydantic
from pydantic import BaseModel, ConfigDict, Field, model_validator

from dealerlink.errors import ValidationError

CENT = Decimal("0.01")
MAX_WORKS = 200


class Urgency(StrEnum):
    OK = "ok"
    OFFERED = "offered"
    RECOMMENDED = "recommended"
    URGENT = "urgent"


PAYABLE = (Urgency.RECOMMENDED, Urgency.URGENT)


class Discount(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    kind: Literal["amount", "percent"]
    value: Decimal = Field(ge=0, max_digits=9, decimal_places=2)


class Work(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)

    id: str | None = Field(default=None, max_length=40)
    label: str = Field(min_length=1, max_length=200)
    urgency: Urgency
    price: Decimal = Field(ge=0, lt=1_000_000, decimal_places=2)
    price_includes_vat: bool = True
    discount: Discount | None = None
    checklist_item_id: str | None = Field(default=None, max_length=64)
    category: str | None = Field(default=None, max_length=80)
    comment: str | None = Field(default=None, max_length=1000)

    @model_validator(mode="after")
    def _discount_within_price(self) -> Work:
        if self.discount is None:
            return self
        if self.discount.kind == "percent" and self.discount.value > 100:
            raise pydantic.ValidationError.from_exception_data(
                "Work", [_error(("discount", "value"), "a percentage discount is at most 100")]
            )
        if self.discount.kind == "amount" and self.discount.value > self.price:
            raise pydantic.ValidationError.from_exception_data(
                "Work", [_error(("discount", "value"), "a discount cannot exceed the price")]
            )
        return self


def _error(loc: tuple[str, ...], message: str) -> Any:
    return {"type": "value_error", "loc": loc, "input": None, "ctx": {"error": ValueError(message)}}


def parse_works(raw: object, field: str = "works") -> list[Work]:
    """Validate a worklist; the first problem is one 400 naming e.g. ``works.2.price``."""
    if not isinstance(raw, list):
        raise ValidationError(f"{field} must be a list", field=field)
    if len(raw) > MAX_WORKS:
        raise ValidationError(f"{field} holds at most {MAX_WORKS} works", field=field)
    works = []
    for index, item in enumerate(raw):
        try:
            works.append(Work.model_validate(item))
        except pydantic.ValidationError as exc:
            first = exc.errors()[0]
            path = ".".join(str(p) for p in (field, index, *first["loc"]))
            code = "unknown_field" if first["type"] == "extra_forbidden" else "invalid"
            raise ValidationError(f"{path}: {first['msg']}", field=path, code=code) from None
    return works


def check_unique_ids(ids: Sequence[str | None], field: str = "works") -> None:
    """The works of one list never share an id (the customer's answers name them): the second
    use is a 400 naming ``<field>.<its index>.id``."""
    seen: set[str] = set()
    for index, work_id in enumerate(ids):
        if work_id is None:
            continue
        if work_id in seen:
            path = f"{field}.{index}.id"
            raise ValidationError(f"{path}: {work_id!r} is used twice", field=path, code="duplicate_id")
        seen.add(work_id)


def fill_ids(ids: Sequence[str | None], prefix: str) -> list[str]:
    """Every id, a missing one made ``<prefix><position from 1>``, or the next number no work holds."""
    taken = {i for i in ids if i is not None}
    made: list[str] = []
    for index, work_id in enumerate(ids):
        if work_id is None:
            number = index + 1
            while f"{prefix}{number}" in taken:
                number += 1
            work_id = f"{prefix}{number}"
            taken.add(work_id)
        made.append(work_id)
    return made


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Line:
    """One work's money, each figure rounded once; ``gross == net + vat`` exactly."""

    net: Decimal
    vat: Decimal
    gross: Decimal
    discount_gross: Decimal
    counts_in_totals: bool


def price_line(work: Work, vat_rate: Decimal) -> Line:
    """The customer's price of ``work`` at ``vat_rate`` percent, after its discount."""
    if work.urgency not in PAYABLE:
        zero = Decimal("0.00")
        return Line(zero, zero, zero, zero, counts_in_totals=False)
    factor = 1 + vat_rate / 100
    discount = Decimal(0)
    if work.discount is not None:
        discount = work.discount.value if work.discount.kind == "amount" else work.price * work.discount.value / 100
    price = max(work.price - discount, Decimal(0))
    exact_gross = price if work.price_includes_vat else price * factor
    gross = _cents(exact_gross)
    net = _cents(exact_gross / factor)
    discount_gross = _cents(discount if work.price_includes_vat else discount * factor)
    return Line(net=net, vat=gross - net, gross=gross, discount_gross=discount_gross, counts_in_totals=True)


def money(amount: Decimal, currency: str) -> dict[str, str]:
    return {"amount": str(_cents(amount)), "currency": currency}


@dataclass(frozen=True)
class Totals:
    currency: str
    proposed_gross: Decimal
    proposed_net: Decimal
    vat: Decimal
    discounts_gross: Decimal
    by_urgency: dict[str, Decimal] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "proposed_gross": money(self.proposed_gross, self.currency),
            "proposed_net": money(self.proposed_net, self.currency),
            "vat": money(self.vat, self.currency),
            "discounts_gross": money(self.discounts_gross, self.currency),
            "by_urgency": {k: money(v, self.currency) for k, v in self.by_urgency.items()},
        }


def totals(works: list[Work], vat_rate: Decimal, currency: str) -> Totals:
    """Sums of the rounded lines: the proposed amount is recommended plus urgent works."""
    lines = [(work, price_line(work, vat_rate)) for work in works]
    by_urgency = {u.value: Decimal("0.00") for u in Urgency}
    for work, line in lines:
        by_urgency[work.urgency.value] += line.gross
    payable = [line for _, line in lines if line.counts_in_totals]
    return Totals(
        currency=currency,
        proposed_gross=sum((line.gross for line in payable), Decimal("0.00")),
        proposed_net=sum((line.net for line in payable), Decimal("0.00")),
        vat=sum((line.vat for line in payable), Decimal("0.00")),
        discounts_gross=sum((line.discount_gross for line in payable), Decimal("0.00")),
        by_urgency=by_urgency,
    )


def accepted_gross(works: list[Work], vat_rate: Decimal, accepted_ids: set[str]) -> Decimal:
    """What the customer agreed to pay: gross of the accepted recommended and urgent works."""
    return sum(
        (price_line(w, vat_rate).gross for w in works if w.id in accepted_ids and w.urgency in PAYABLE),
        Decimal("0.00"),
    )
