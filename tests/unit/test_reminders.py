"""Reminders (F-6.2 to F-6.9): send dates, grouping, status and action rules, scheduling."""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dealerlink.domain import reminders as rem
from dealerlink.domain.dealerships import Reminders
from dealerlink.domain.reminders import Outcome, ReminderState, ReminderStatus, Scheduled
from dealerlink.domain.validation import parse
from dealerlink.domain.work_reports import PlannedWork
from dealerlink.domain.worklist import Urgency
from dealerlink.errors import ConflictError, ValidationError

TODAY = date(2021, 6, 1)
S = ReminderStatus


def planned(work_id: str, deadline: date) -> PlannedWork:
    return PlannedWork(id=work_id, label=work_id, urgency=Urgency.URGENT, price=Decimal("10.00"), deadline=deadline)


def state(status: ReminderStatus, **extra: Any) -> ReminderState:
    return dataclasses.replace(ReminderState(status=status, work_ids=frozenset({"a", "b", "c"})), **extra)


# ---------------------------------------------------------------- send date (F-6.3) and settings (F-6.2)


def test_send_date_is_deadline_minus_days_before_faq_example() -> None:
    assert rem.send_date(date(2021, 6, 30), 10) == date(2021, 6, 20)


def test_zero_days_before_sends_on_the_deadline_and_negative_days_are_refused() -> None:
    assert rem.send_date(date(2021, 6, 30), 0) == date(2021, 6, 30)
    with pytest.raises(ValidationError) as refused:
        rem.send_date(date(2021, 6, 30), -1)
    assert refused.value.field == "days_before"


def test_a_new_reminder_whose_send_date_is_past_is_sent_today() -> None:
    assert rem.first_send_date(date(2021, 6, 5), 10, TODAY) == TODAY
    assert rem.first_send_date(date(2021, 6, 30), 10, TODAY) == date(2021, 6, 20)


@pytest.mark.parametrize(
    ("setting", "value"), [("days_before", -1), ("grouping_window_days", 0), ("grouping_window_days", -3)]
)
def test_reminder_settings_refuse_negative_days_and_an_empty_grouping_window(setting: str, value: int) -> None:
    with pytest.raises(ValidationError) as refused:
        parse(Reminders, {setting: value})
    assert refused.value.field == setting


# ---------------------------------------------------------------- send time


def test_a_reminder_leaves_at_nine_in_the_dealerships_zone() -> None:
    now = datetime(2021, 6, 1, 3, tzinfo=UTC)
    assert rem.send_at(date(2021, 6, 20), "Europe/Paris", now) == datetime(2021, 6, 20, 7, tzinfo=UTC)  # CEST
    assert rem.send_at(date(2021, 12, 20), "Europe/Paris", now) == datetime(2021, 12, 20, 8, tzinfo=UTC)  # CET
    assert rem.send_at(date(2021, 6, 20), "Pacific/Auckland", now) == datetime(2021, 6, 19, 21, tzinfo=UTC)


def test_a_reminder_due_today_after_the_hour_or_on_a_past_day_leaves_now() -> None:
    now = datetime(2021, 6, 20, 10, 30, tzinfo=UTC)
    assert rem.send_at(date(2021, 6, 20), "Europe/Paris", now) == now
    assert rem.send_at(date(2021, 6, 1), "Europe/Paris", now) == now


def test_send_time_is_utc_whatever_zone_now_is_given_in() -> None:
    now = datetime(2021, 6, 20, 1, tzinfo=UTC).astimezone(ZoneInfo("America/New_York"))
    sent = rem.send_at(date(2021, 6, 20), "Europe/Paris", now)
    assert sent.utcoffset() == timedelta(0)
    assert sent == datetime(2021, 6, 20, 7, tzinfo=UTC)


def test_send_time_needs_an_aware_now_and_a_known_zone() -> None:
    with pytest.raises(ValueError, match="aware"):
        rem.send_at(TODAY, "Europe/Paris", datetime(2021, 6, 1))
    with pytest.raises(ValidationError) as refused:
        rem.send_at(TODAY, "Mars/Olympus", datetime(2021, 6, 1, tzinfo=UTC))
    assert refused.value.field == "timezone"


def test_the_send_date_shows_red_when_passed_and_not_sent() -> None:
    assert rem.is_overdue(S.TO_SEND, date(2021, 5, 31), TODAY)
    assert not rem.is_overdue(S.TO_SEND, TODAY, TODAY)
    assert not rem.is_overdue(S.SENT, date(2021, 5, 31), TODAY)


# ---------------------------------------------------------------- grouping (F-6.4)


def test_grouping_faq_example_makes_two_reminders() -> None:
    works = [planned("A", date(2021, 8, 5)), planned("B", date(2021, 8, 13)), planned("C", date(2021, 9, 6))]
    groups = rem.group_works(works, 31)
    assert [(g.deadline, g.work_ids) for g in groups] == [(date(2021, 8, 5), ("A", "B")), (date(2021, 9, 6), ("C",))]


def test_grouping_window_of_n_days_covers_n_calendar_days() -> None:
    start = date(2021, 8, 5)
    works = [
        planned("first", start),
        planned("last day", start + timedelta(days=30)),
        planned("next", start + timedelta(days=31)),
    ]
    assert [g.work_ids for g in rem.group_works(works, 31)] == [("first", "last day"), ("next",)]


def test_grouping_starts_at_earliest_deadline_whatever_the_input_order() -> None:
    works = [planned("C", date(2021, 9, 6)), planned("A", date(2021, 8, 5)), planned("B", date(2021, 8, 13))]
    assert [g.work_ids for g in rem.group_works(works, 31)] == [("A", "B"), ("C",)]


def test_a_group_counts_its_linked_interventions() -> None:
    sources = ["I1", "I2", "I1", None]
    works = [planned(f"w{i}", TODAY).model_copy(update={"source_intervention_id": s}) for i, s in enumerate(sources)]
    assert rem.group_works(works, 1)[0].intervention_ids == ("I1", "I2")


@pytest.mark.parametrize("window", [0, -1])
def test_a_grouping_window_below_one_day_is_refused(window: int) -> None:
    with pytest.raises(ValidationError) as refused:
        rem.group_works([planned("A", TODAY)], window)
    assert refused.value.field == "grouping_window_days"


def test_no_works_to_plan_make_no_reminder() -> None:
    assert rem.group_works([], 31) == []


deadlines = st.lists(st.dates(min_value=date(2021, 1, 1), max_value=date(2023, 12, 31)), max_size=25)
windows = st.integers(min_value=1, max_value=120)


def works_due(days: list[date]) -> list[PlannedWork]:
    return [planned(f"w{i}", day) for i, day in enumerate(days)]


@settings(max_examples=60, deadline=None)
@given(days=deadlines, window=windows)
def test_grouping_properties(days: list[date], window: int) -> None:
    works = works_due(days)
    groups = rem.group_works(works, window)
    grouped = [w.id for g in groups for w in g.works]
    assert sorted(grouped) == sorted(w.id for w in works)  # every work in exactly one group
    left = sorted(days)
    for index, group in enumerate(groups):
        assert group.deadline == left[0]  # starts at the earliest deadline not in an earlier group
        assert all(0 <= (w.deadline - group.deadline).days < window for w in group.works)  # within its window
        left = left[len(group.works) :]
        if index:
            previous = groups[index - 1]
            assert previous.deadline < group.deadline  # ordered
            assert (group.deadline - previous.deadline).days >= window  # it never fitted the previous group
    assert not left


@settings(max_examples=40, deadline=None)
@given(days=deadlines.filter(bool), window=windows, order=st.randoms(use_true_random=False))
def test_grouping_does_not_depend_on_input_order(days: list[date], window: int, order: random.Random) -> None:
    works = works_due(days)
    shuffled = list(works)
    order.shuffle(shuffled)
    as_sets = [{w.id for w in g.works} for g in rem.group_works(works, window)]
    assert [{w.id for w in g.works} for g in rem.group_works(shuffled, window)] == as_sets


@settings(max_examples=40, deadline=None)
@given(days=deadlines.filter(bool), extra=st.integers(min_value=0, max_value=30))
def test_a_window_covering_every_deadline_makes_one_reminder(days: list[date], extra: int) -> None:
    span = (max(days) - min(days)).days + 1
    assert len(rem.group_works(works_due(days), span + extra)) == 1


@settings(max_examples=40, deadline=None)
@given(days=deadlines)
def test_a_one_day_window_makes_one_reminder_per_day(days: list[date]) -> None:
    groups = rem.group_works(works_due(days), 1)
    assert [g.deadline for g in groups] == sorted(set(days))
    assert all(len({w.deadline for w in g.works}) == 1 for g in groups)


# ---------------------------------------------------------------- staff actions (F-6.6)


def refused_code(check: Callable[[], object]) -> str | None:
    try:
        check()
    except (ConflictError, ValidationError) as exc:
        return exc.code
    return None


@pytest.mark.parametrize(
    ("status", "send_now", "edit", "close"),
    [
        (S.TO_SEND, None, None, None),
        (S.SENT, None, None, None),
        (S.READ, "reminder_read", "not_editable", None),
        (S.ANSWERED, "reminder_read", "not_editable", None),
        (S.CLOSED, "reminder_closed", "reminder_closed", "already_closed"),
    ],
)
def test_send_now_and_edit_until_read_and_close_until_closed(
    status: ReminderStatus, send_now: str | None, edit: str | None, close: str | None
) -> None:
    assert refused_code(lambda: rem.check_send_now(status)) == send_now
    assert refused_code(lambda: rem.check_edit(status)) == edit
    assert refused_code(lambda: rem.check_close(status)) == close


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (S.TO_SEND, None),
        (S.SENT, "reminder_sent"),
        (S.READ, "reminder_sent"),
        (S.ANSWERED, "reminder_sent"),
        (S.CLOSED, "reminder_closed"),
    ],
)
def test_delay_only_while_not_sent(status: ReminderStatus, code: str | None) -> None:
    assert refused_code(lambda: rem.check_delay(status, date(2021, 7, 1), TODAY)) == code


def test_delay_to_today_is_allowed_and_to_a_past_day_refused() -> None:
    rem.check_delay(S.TO_SEND, TODAY, TODAY)
    with pytest.raises(ValidationError) as refused:
        rem.check_delay(S.TO_SEND, date(2021, 5, 31), TODAY)
    assert (refused.value.field, refused.value.code) == ("send_date", "send_date_in_past")


def test_sending_moves_to_sent_and_never_back_from_read() -> None:
    assert rem.mark_sent(state(S.TO_SEND)).status == S.SENT
    assert rem.mark_sent(state(S.SENT)).status == S.SENT
    assert refused_code(lambda: rem.mark_sent(state(S.READ))) == "reminder_read"


def test_opening_the_page_marks_read_once() -> None:
    assert rem.mark_read(state(S.SENT)).status == S.READ
    answered = state(S.ANSWERED, outcome=Outcome.DECLINED_ALL, locked=True)
    assert rem.mark_read(answered) == answered
    assert refused_code(lambda: rem.mark_read(state(S.TO_SEND))) == "reminder_not_sent"


def test_closing_works_from_any_open_status() -> None:
    for status in (S.TO_SEND, S.SENT, S.READ, S.ANSWERED):
        assert rem.close(state(status)).status == S.CLOSED


# ---------------------------------------------------------------- customer actions (F-6.9)

LINK = "https://booking.example/garage"


def test_booking_answers_accepts_the_selected_works_and_locks() -> None:
    booked = rem.book(state(S.READ), ["a", "c"], LINK)
    assert (booked.status, booked.outcome, booked.locked) == (S.ANSWERED, Outcome.BOOKED, True)
    assert booked.answers == {"a": True, "b": False, "c": True}


def test_booking_needs_the_dealerships_booking_link() -> None:
    assert refused_code(lambda: rem.book(state(S.READ), ["a"], None)) == "booking_unavailable"
    assert refused_code(lambda: rem.book(state(S.READ), ["a"], "")) == "booking_unavailable"


def test_booking_a_work_not_in_the_reminder_is_refused_naming_it() -> None:
    with pytest.raises(ValidationError) as refused:
        rem.book(state(S.READ), ["a", "zz"], LINK)
    assert (refused.value.field, refused.value.code) == ("accepted_work_ids.1", "unknown_work")


def test_declining_all_answers_with_every_work_declined_and_locks() -> None:
    declined = rem.decline_all(state(S.READ))
    assert (declined.status, declined.outcome, declined.locked) == (S.ANSWERED, Outcome.DECLINED_ALL, True)
    assert declined.answers == {"a": False, "b": False, "c": False}


@pytest.mark.parametrize("first", ["book", "decline"])
@pytest.mark.parametrize("then", ["book", "decline", "approve"])
def test_a_locked_choice_cannot_change_even_after_a_callback(first: str, then: str) -> None:
    answered = rem.request_callback(ACTIONS[first](state(S.READ)))
    with pytest.raises(ConflictError) as refused:
        ACTIONS[then](answered)
    assert refused.value.code == "answers_locked"


@pytest.mark.parametrize(
    ("status", "code"),
    [(S.TO_SEND, "reminder_not_sent"), (S.CLOSED, "reminder_closed"), (S.SENT, None), (S.READ, None)],
)
def test_the_customer_chooses_only_on_a_sent_open_reminder(status: ReminderStatus, code: str | None) -> None:
    assert refused_code(lambda: rem.decline_all(state(status))) == code
    assert refused_code(lambda: rem.book(state(status), [], LINK)) == code


def test_asking_for_a_callback_stays_read_with_a_notice() -> None:
    asked = rem.request_callback(state(S.SENT))
    assert (asked.status, asked.callback_requested, asked.outcome) == (S.READ, True, None)
    assert rem.request_callback(asked) == asked


def test_a_callback_is_still_possible_after_booking_or_declining() -> None:
    for answered in (rem.book(state(S.READ), ["a"], LINK), rem.decline_all(state(S.READ))):
        asked = rem.request_callback(answered)
        assert asked == dataclasses.replace(answered, callback_requested=True)


@pytest.mark.parametrize(("status", "code"), [(S.TO_SEND, "reminder_not_sent"), (S.CLOSED, "reminder_closed")])
def test_a_callback_needs_a_sent_open_reminder(status: ReminderStatus, code: str) -> None:
    assert refused_code(lambda: rem.request_callback(state(status))) == code


def test_staff_approve_works_after_a_callback_which_answers() -> None:
    approved = rem.staff_approve(rem.request_callback(state(S.READ)), ["b"])
    assert (approved.status, approved.outcome, approved.locked) == (S.ANSWERED, Outcome.APPROVED_BY_STAFF, True)
    assert approved.answers == {"a": False, "b": True, "c": False}
    assert approved.callback_requested


def test_staff_approve_only_after_the_customer_asked_for_a_callback() -> None:
    assert refused_code(lambda: rem.staff_approve(state(S.READ), ["a"])) == "no_callback_requested"


customer_actions = st.lists(st.sampled_from(["read", "book", "decline", "callback", "approve"]), max_size=8)
ACTIONS: dict[str, Callable[[ReminderState], ReminderState]] = {
    "read": rem.mark_read,
    "book": lambda s: rem.book(s, ["a"], LINK),
    "decline": rem.decline_all,
    "callback": rem.request_callback,
    "approve": lambda s: rem.staff_approve(s, ["c"]),
}


@settings(max_examples=60, deadline=None)
@given(actions=customer_actions)
def test_once_answered_the_choice_never_changes(actions: list[str]) -> None:
    current, answered = state(S.SENT), None
    for action in actions:
        try:
            current = ACTIONS[action](current)
        except ConflictError:
            continue
        if answered is None and current.locked:
            answered = current
        if answered is not None:
            assert (current.status, current.answers, current.outcome) == (
                S.ANSWERED,
                answered.answers,
                answered.outcome,
            )


# ---------------------------------------------------------------- scheduling (F-6.8)


def scheduled(**extra: Any) -> Scheduled:
    return dataclasses.replace(Scheduled("R1", version=3, status=S.TO_SEND, send_date=TODAY), **extra)


def test_a_due_reminder_without_live_execution_gets_one_when_sending_is_automatic() -> None:
    assert rem.needs_execution(scheduled(), TODAY, automatic=True)
    assert rem.needs_execution(scheduled(send_date=TODAY + timedelta(days=1)), TODAY, automatic=True)
    assert rem.needs_execution(scheduled(send_date=date(2021, 5, 1), execution_version=2), TODAY, automatic=True)


@pytest.mark.parametrize(
    "reminder",
    [
        scheduled(execution_version=3),
        scheduled(status=S.SENT),
        scheduled(status=S.CLOSED),
        scheduled(send_date=TODAY + timedelta(days=2)),
    ],
)
def test_no_execution_when_live_sent_closed_or_not_yet_due(reminder: Scheduled) -> None:
    assert not rem.needs_execution(reminder, TODAY, automatic=True)


def test_the_sweep_looks_one_day_ahead_for_zones_east_of_utc() -> None:
    assert rem.due_until(TODAY) == date(2021, 6, 2)


def test_manual_sending_dealerships_never_get_executions() -> None:
    assert not rem.needs_execution(scheduled(), TODAY, automatic=False)


def test_the_sweep_schedules_earliest_first() -> None:
    later, earlier = scheduled(reminder_id="R1"), scheduled(reminder_id="R2", send_date=date(2021, 5, 20))
    assert rem.to_schedule([later, scheduled(reminder_id="R3", status=S.SENT), earlier], TODAY, automatic=True) == [
        earlier,
        later,
    ]


def test_an_execution_is_named_by_reminder_and_version() -> None:
    assert rem.execution_name("01F8MECHZX3TBDSZ7XRADM79XV", 3) == "01F8MECHZX3TBDSZ7XRADM79XV-v3"
    assert rem.execution_name("R1", 4) != rem.execution_name("R1", 3)
    with pytest.raises(ValueError, match="execution name"):
        rem.execution_name("R1 with spaces", 1)
