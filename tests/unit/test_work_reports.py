"""Work reports (F-6.1): performed works from accepted ones, declined works to plan."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from dealerlink.domain.work_reports import (
    AnsweredIntervention,
    PerformedWork,
    PlannedWork,
    parse_performed_works,
    parse_planned_works,
    performed_from_answered,
    to_plan_from_declined,
)
from dealerlink.domain.worklist import Urgency, Work
from dealerlink.errors import ValidationError

TODAY = date(2021, 6, 1)


def work(work_id: str, urgency: str = "urgent", price: str = "100.00", **extra: object) -> Work:
    return Work.model_validate({"id": work_id, "label": f"work {work_id}", "urgency": urgency, "price": price, **extra})


def answered(
    intervention_id: str, answers: dict[str, bool], *works: Work, paid: tuple[str, ...] = ()
) -> AnsweredIntervention:
    return AnsweredIntervention(intervention_id, list(works), answers, frozenset(paid))


def raw_planned(**overrides: object) -> dict[str, Any]:
    return {"label": "brake pads", "urgency": "urgent", "price": "120.00", "deadline": "2021-08-05"} | overrides


# ---------------------------------------------------------------- works to plan typed by staff


def test_works_to_plan_keep_label_urgency_price_deadline_and_mileage() -> None:
    [planned] = parse_planned_works([raw_planned(label="  brake pads ", mileage=60000)], TODAY)
    assert planned == PlannedWork(
        id="p1",
        label="brake pads",
        urgency=Urgency.URGENT,
        price=Decimal("120.00"),
        deadline=date(2021, 8, 5),
        mileage=60000,
    )


def test_a_work_to_plan_needs_a_deadline_naming_the_field() -> None:
    raw = [raw_planned(), raw_planned(), {k: v for k, v in raw_planned().items() if k != "deadline"}]
    with pytest.raises(ValidationError) as refused:
        parse_planned_works(raw, TODAY)
    assert (refused.value.field, refused.value.code) == ("works_to_plan.2.deadline", "deadline_required")


def test_a_null_deadline_is_a_missing_deadline() -> None:
    with pytest.raises(ValidationError) as refused:
        parse_planned_works([raw_planned(deadline=None)], TODAY)
    assert (refused.value.field, refused.value.code) == ("works_to_plan.0.deadline", "deadline_required")


def test_a_deadline_in_the_past_is_refused_and_today_is_accepted() -> None:
    with pytest.raises(ValidationError) as refused:
        parse_planned_works([raw_planned(deadline="2021-05-31")], TODAY)
    assert (refused.value.field, refused.value.code) == ("works_to_plan.0.deadline", "deadline_in_past")
    assert parse_planned_works([raw_planned(deadline="2021-06-01")], TODAY)[0].deadline == TODAY


@pytest.mark.parametrize(
    ("override", "field", "code"),
    [
        ({"urgency": "ok"}, "works_to_plan.0.urgency", "invalid"),
        ({"urgency": "offered"}, "works_to_plan.0.urgency", "invalid"),
        ({"price": "-0.01"}, "works_to_plan.0.price", "invalid"),
        ({"price": "1.001"}, "works_to_plan.0.price", "invalid"),
        ({"mileage": -1}, "works_to_plan.0.mileage", "invalid"),
        ({"deadline": "next week"}, "works_to_plan.0.deadline", "invalid"),
        ({"colour": "red"}, "works_to_plan.0.colour", "unknown_field"),
    ],
)
def test_bad_works_to_plan_are_refused_naming_the_field(override: dict[str, object], field: str, code: str) -> None:
    with pytest.raises(ValidationError) as refused:
        parse_planned_works([raw_planned(**override)], TODAY)
    assert (refused.value.field, refused.value.code) == (field, code)


def test_works_to_plan_get_numbered_ids_which_must_be_unique() -> None:
    assert [w.id for w in parse_planned_works([raw_planned(), raw_planned(id="x")], TODAY)] == ["p1", "x"]
    with pytest.raises(ValidationError) as refused:
        parse_planned_works([raw_planned(id="x"), raw_planned(id="x")], TODAY)
    assert (refused.value.field, refused.value.code) == ("works_to_plan.1.id", "duplicate_id")


def test_works_to_plan_must_be_a_list() -> None:
    with pytest.raises(ValidationError) as refused:
        parse_planned_works({"label": "x"}, TODAY)
    assert refused.value.field == "works_to_plan"


# ---------------------------------------------------------------- performed works


def test_accepted_works_become_performed_works_with_price_and_urgency() -> None:
    source = answered(
        "I1", {"w1": True, "w2": False, "w3": True}, work("w1"), work("w2"), work("w3", "recommended", "30.00")
    )
    performed = performed_from_answered([source])
    assert [(w.label, w.urgency, w.price, w.source) for w in performed] == [
        ("work w1", Urgency.URGENT, Decimal("100.00"), ("I1", "w1")),
        ("work w3", Urgency.RECOMMENDED, Decimal("30.00"), ("I1", "w3")),
    ]


def test_works_already_paid_online_are_performed_at_price_zero() -> None:
    discounted = work("w2", price="50.00", discount={"kind": "amount", "value": "10.00"})
    source = answered("I1", {"w1": True, "w2": True}, work("w1"), discounted, paid=("w2",))
    performed = performed_from_answered([source])
    assert [(w.price, w.discount) for w in performed] == [(Decimal("100.00"), None), (Decimal("0.00"), None)]


def test_works_from_several_answered_interventions_are_imported_each_once() -> None:
    first = answered("I1", {"w1": True}, work("w1"))
    second = answered("I2", {"w1": True}, work("w1", price="70.00"))
    performed = performed_from_answered([first, second, first, second])
    assert [(w.source, w.price) for w in performed] == [
        (("I1", "w1"), Decimal("100.00")),
        (("I2", "w1"), Decimal("70.00")),
    ]


def test_reimporting_into_a_report_skips_works_it_already_holds() -> None:
    source = answered("I1", {"w1": True, "w2": True}, work("w1"), work("w2"))
    already = performed_from_answered([answered("I1", {"w1": True}, work("w1"))])
    assert [w.source for w in performed_from_answered([source], existing=already)] == [("I1", "w2")]


def test_unanswered_offered_and_ok_works_are_not_performed_works() -> None:
    source = answered("I1", {"w1": True}, work("w1"), work("w2"), work("w3", "offered", "0"), work("w4", "ok", "0"))
    assert [w.source for w in performed_from_answered([source])] == [("I1", "w1")]


def test_performed_works_survive_a_round_trip_through_storage() -> None:
    performed = performed_from_answered([answered("I1", {"w1": True}, work("w1"))])
    stored = [w.model_dump(mode="json") for w in performed] + [{"label": "by hand", "urgency": "urgent", "price": "5"}]
    reread = parse_performed_works(stored)
    assert reread[0] == performed[0]
    assert isinstance(reread[1], PerformedWork)
    assert reread[1].source is None


# ---------------------------------------------------------------- declined works to plan


def test_declined_works_go_to_plan_urgent_first_then_by_deadline() -> None:
    source = answered(
        "I1",
        {"w1": False, "w2": False, "w3": False, "w4": True},
        work("w1", "recommended"),
        work("w2", "urgent"),
        work("w3", "urgent"),
        work("w4", "urgent"),
    )
    deadlines = {("I1", "w1"): date(2021, 7, 1), ("I1", "w2"): date(2021, 9, 1), ("I1", "w3"): date(2021, 8, 1)}
    planned = to_plan_from_declined([source], deadlines, {}, TODAY)
    assert [(w.source_work_id, w.urgency) for w in planned] == [
        ("w3", Urgency.URGENT),
        ("w2", Urgency.URGENT),
        ("w1", Urgency.RECOMMENDED),
    ]


def test_declined_works_keep_price_offered_and_take_mileage() -> None:
    declined = work("w1", price="200.00", price_includes_vat=False, discount={"kind": "percent", "value": "12.5"})
    planned = to_plan_from_declined(
        [answered("I1", {"w1": False}, declined)], {("I1", "w1"): date(2021, 7, 1)}, {("I1", "w1"): 90000}, TODAY
    )
    assert planned == [
        PlannedWork(
            id="I1-w1",
            label="work w1",
            urgency=Urgency.URGENT,
            price=Decimal("175.00"),
            price_includes_vat=False,
            deadline=date(2021, 7, 1),
            mileage=90000,
            source_intervention_id="I1",
            source_work_id="w1",
        )
    ]


def test_a_declined_work_without_deadline_is_refused_naming_it() -> None:
    source = answered("I1", {"w1": False, "w2": False}, work("w1"), work("w2"))
    with pytest.raises(ValidationError) as refused:
        to_plan_from_declined([source], {("I1", "w1"): date(2021, 7, 1)}, {}, TODAY)
    assert (refused.value.field, refused.value.code) == ("deadlines.I1.w2", "deadline_required")


def test_a_declined_work_due_in_the_past_is_refused() -> None:
    source = answered("I1", {"w1": False}, work("w1"))
    with pytest.raises(ValidationError) as refused:
        to_plan_from_declined([source], {("I1", "w1"): date(2021, 5, 31)}, {}, TODAY)
    assert (refused.value.field, refused.value.code) == ("deadlines.I1.w1", "deadline_in_past")


def test_a_negative_mileage_is_refused_naming_the_mileage() -> None:
    source = answered("I1", {"w1": False}, work("w1"))
    with pytest.raises(ValidationError) as refused:
        to_plan_from_declined([source], {("I1", "w1"): date(2021, 7, 1)}, {("I1", "w1"): -5}, TODAY)
    assert refused.value.field == "mileages.I1.w1"


def test_a_declined_work_imported_twice_is_planned_once() -> None:
    source = answered("I1", {"w1": False}, work("w1"))
    planned = to_plan_from_declined([source, source], {("I1", "w1"): date(2021, 7, 1)}, {}, TODAY)
    assert [w.id for w in planned] == ["I1-w1"]
