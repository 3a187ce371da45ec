"""Worklist money (F-3.4): worked examples and properties of the arithmetic."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dealerlink.domain.worklist import Work, parse_works, price_line, totals
from dealerlink.errors import ValidationError

VAT = Decimal("20.00")


def work(urgency: str = "urgent", price: str = "100.00", **extra: object) -> Work:
    return Work.model_validate({"label": "x", "urgency": urgency, "price": price, **extra})


def test_price_without_vat_gets_the_dealership_rate() -> None:
    line = price_line(work(price="100.00", price_includes_vat=False), VAT)
    assert (line.net, line.vat, line.gross) == (Decimal("100.00"), Decimal("20.00"), Decimal("120.00"))


def test_price_with_vat_is_split_into_net_and_vat() -> None:
    line = price_line(work(price="119.99"), VAT)
    assert (line.net, line.vat, line.gross) == (Decimal("99.99"), Decimal("20.00"), Decimal("119.99"))


def test_percent_and_amount_discounts() -> None:
    percent = price_line(work(price="119.99", discount={"kind": "percent", "value": "10"}), VAT)
    assert (percent.gross, percent.discount_gross) == (Decimal("107.99"), Decimal("12.00"))
    amount = price_line(work(price="50.00", price_includes_vat=False, discount={"kind": "amount", "value": "10"}), VAT)
    assert (amount.gross, amount.discount_gross) == (Decimal("48.00"), Decimal("12.00"))


def test_proposed_amount_is_recommended_plus_urgent() -> None:
    works = [work("urgent", "180.00"), work("recommended", "30.00"), work("offered", "15.00"), work("ok", "99.00")]
    result = totals(works, VAT, "EUR")
    assert result.proposed_gross == Decimal("210.00")
    assert result.by_urgency == {
        "ok": Decimal("0.00"),
        "offered": Decimal("0.00"),
        "recommended": Decimal("30.00"),
        "urgent": Decimal("180.00"),
    }
    assert result.to_json()["proposed_gross"] == {"amount": "210.00", "currency": "EUR"}


def test_offered_works_are_free() -> None:
    assert price_line(work("offered", "15.00"), VAT).gross == Decimal("0.00")


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ([{"label": "x", "urgency": "urgent", "price": "-0.01"}], "works.0.price"),
        ([{"label": "x", "urgency": "urgent", "price": "1.001"}], "works.0.price"),
        (
            [{"label": "x", "urgency": "urgent", "price": "10", "discount": {"kind": "percent", "value": "100.5"}}],
            "works.0.discount.value",
        ),
        (
            [{"label": "x", "urgency": "urgent", "price": "10", "discount": {"kind": "amount", "value": "10.01"}}],
            "works.0.discount.value",
        ),
        (
            [{"label": "ok", "urgency": "ok", "price": "1"}, {"label": "", "urgency": "ok", "price": "1"}],
            "works.1.label",
        ),
        ("not a list", "works"),
    ],
)
def test_bad_works_are_refused_naming_the_field(raw: object, field: str) -> None:
    with pytest.raises(ValidationError) as refused:
        parse_works(raw)
    assert refused.value.field == field


prices = st.decimals(min_value=0, max_value=99_999, places=2, allow_nan=False, allow_infinity=False)
rates = st.sampled_from([Decimal(r) for r in ("0", "5.5", "7.7", "10", "19", "20", "21", "25.5")])
works_st = st.lists(
    st.builds(
        lambda urgency, price, includes, pct: Work.model_validate(
            {
                "label": "w",
                "urgency": urgency,
                "price": str(price),
                "price_includes_vat": includes,
                "discount": {"kind": "percent", "value": str(pct)} if pct is not None else None,
            }
        ),
        st.sampled_from(["ok", "offered", "recommended", "urgent"]),
        prices,
        st.booleans(),
        st.one_of(st.none(), st.decimals(min_value=0, max_value=100, places=2)),
    ),
    max_size=12,
)


@settings(max_examples=200, deadline=None)
@given(works=works_st, rate=rates)
def test_every_line_adds_up_and_totals_are_the_sum_of_lines(works: list[Work], rate: Decimal) -> None:
    result = totals(works, rate, "EUR")
    lines = [price_line(w, rate) for w in works]
    for line in lines:
        assert line.gross == line.net + line.vat
        assert line.gross >= 0
        assert line.net >= 0
        assert abs(line.net * (1 + rate / 100) - line.gross) <= Decimal("0.01") * (1 + rate / 100)
    assert result.proposed_gross == sum((line.gross for line in lines if line.counts_in_totals), Decimal(0))
    assert result.proposed_gross == result.proposed_net + result.vat


@settings(max_examples=100, deadline=None)
@given(works=works_st, rate=rates)
def test_order_of_works_does_not_change_totals(works: list[Work], rate: Decimal) -> None:
    assert totals(works, rate, "EUR") == totals(list(reversed(works)), rate, "EUR")


@given(price=prices, rate=rates)
def test_a_full_discount_makes_a_work_free(price: Decimal, rate: Decimal) -> None:
    line = price_line(work(price=str(price), discount={"kind": "percent", "value": "100"}), rate)
    assert line.gross == 0
