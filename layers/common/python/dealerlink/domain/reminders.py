"""Reminders (F-6.2 to F-6.9): when they leave, how works to plan group, what may happen to them.

- Send date (F-6.3) = deadline - the dealership's ``days_before``; a reminder leaves that day
  at a morning hour of the dealership's zone, or at once when that moment is already past.
- Grouping (F-6.4): works to plan of one report, by deadline; a group starts at the earliest
  deadline left and takes every work due within ``grouping_window_days`` calendar days of it
  (start .. start + window - 1). The group's reminder deadline is that start.
- Status (F-6.5) moves ``to_send`` → ``sent`` → ``read`` → ``answered``, and ``closed`` from
  any of them. Staff actions are checks on the status (F-6.6); customer actions (F-6.9) are
  pure transitions over a small frozen :class:`ReminderState`, which the store writes with a
  condition on the version it read, so two concurrent answers cannot both win.

Pure rules: today's date and the current time are passed in.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Collection, Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dealerlink.domain.work_reports import PlannedWork
from dealerlink.errors import ConflictError, ValidationError

SEND_HOUR = 9  # local time a reminder leaves on its send date: a working morning
DUE_HORIZON_DAYS = 1  # the daily sweep schedules reminders due today or tomorrow (zones ahead of UTC)


class ReminderStatus(StrEnum):
    TO_SEND = "to_send"
    SENT = "sent"
    READ = "read"
    ANSWERED = "answered"
    CLOSED = "closed"


UNREAD = (ReminderStatus.TO_SEND, ReminderStatus.SENT)  # staff may still send, edit, delay
OPEN_TO_CUSTOMER = (ReminderStatus.SENT, ReminderStatus.READ)  # the customer holds the link


# ---------------------------------------------------------------- when (F-6.3)


def send_date(deadline: date, days_before: int) -> date:
    """The day a reminder for ``deadline`` is sent: ``days_before`` days earlier.

    >>> send_date(date(2021, 6, 30), 10)
    datetime.date(2021, 6, 20)
    """
    if days_before < 0:
        raise ValidationError("days_before cannot be negative", field="days_before")
    return deadline - timedelta(days=days_before)


def first_send_date(deadline: date, days_before: int, today: date) -> date:
    """The send date of a new reminder: never before today (a late report sends at once)."""
    return max(send_date(deadline, days_before), today)


def send_at(send_day: date, timezone: str, now: datetime, hour: int = SEND_HOUR) -> datetime:
    """The UTC moment a reminder leaves: ``hour`` o'clock of ``send_day`` in the dealership's zone.

    When that moment is not in the future (a past day, or today after the hour) the answer is
    ``now``: a reminder that is due goes as soon as possible, never waits for another day.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if not 0 <= hour <= 23:
        raise ValueError(f"hour must be 0..23, not {hour}")
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(f"unknown time zone {timezone!r}", field="timezone") from None
    moment = datetime.combine(send_day, time(hour), tzinfo=zone).astimezone(UTC)
    return max(moment, now.astimezone(UTC))


def is_overdue(status: str, send_day: date, today: date) -> bool:
    """F-6.5: the list shows the send date in red when it is past and the reminder not sent."""
    return status == ReminderStatus.TO_SEND and send_day < today


# ---------------------------------------------------------------- grouping (F-6.4)


@dataclasses.dataclass(frozen=True)
class ReminderGroup:
    """Works to plan sent together; ``deadline`` (the earliest) is the reminder's deadline."""

    deadline: date
    works: tuple[PlannedWork, ...]

    @property
    def work_ids(self) -> tuple[str, ...]:
        return tuple(w.id for w in self.works)

    @property
    def intervention_ids(self) -> tuple[str, ...]:
        """The linked interventions the list counts (F-6.5), in first-seen order."""
        return tuple(dict.fromkeys(w.source_intervention_id for w in self.works if w.source_intervention_id))


def window_end(start: date, window_days: int) -> date:
    """The last day a group starting on ``start`` covers: a window of N days is N calendar days."""
    return start + timedelta(days=window_days - 1)


def group_works(works: Sequence[PlannedWork], window_days: int) -> list[ReminderGroup]:
    """Works to plan grouped into reminders, earliest first (F-6.4).

    Works sharing a deadline keep their given order, so the result is deterministic.
    Example (the FAQ's): A 5 Aug, B 13 Aug, C 6 Sep 2021 with 31 days → {A, B}, since the
    first window covers 5 Aug .. 4 Sep, then {C}.
    """
    if window_days < 1:
        raise ValidationError("grouping_window_days must be at least 1", field="grouping_window_days")
    remaining = sorted(works, key=lambda w: w.deadline)
    groups: list[ReminderGroup] = []
    while remaining:
        last = window_end(remaining[0].deadline, window_days)
        size = next((i for i, w in enumerate(remaining) if w.deadline > last), len(remaining))
        groups.append(ReminderGroup(deadline=remaining[0].deadline, works=tuple(remaining[:size])))
        remaining = remaining[size:]
    return groups


# ---------------------------------------------------------------- status and staff actions (F-6.6)


def _check_open(status: str) -> None:
    if status == ReminderStatus.CLOSED:
        raise ConflictError("this reminder is closed", code="reminder_closed")


def check_send_now(status: str) -> None:
    """F-6.6: send now (the send date becomes today) until the customer has read it."""
    _check_open(status)
    if status not in UNREAD:
        raise ConflictError(
            f"the customer has read this reminder ({status}): it cannot be sent again", code="reminder_read"
        )


def check_delay(status: str, new_day: date, today: date) -> None:
    """F-6.6: a new send date, only while not sent, and not in the past."""
    _check_open(status)
    if status != ReminderStatus.TO_SEND:
        raise ConflictError(f"this reminder is already {status}: its send date cannot change", code="reminder_sent")
    if new_day < today:
        raise ValidationError(
            f"send_date {new_day.isoformat()} is already past", field="send_date", code="send_date_in_past"
        )


def check_close(status: str) -> None:
    """Closing takes a reminder off the list and stops its scheduled send."""
    if status == ReminderStatus.CLOSED:
        raise ConflictError("this reminder is already closed", code="already_closed")


def check_edit(status: str) -> None:
    """F-6.6: edit is refused once the customer has read the reminder."""
    _check_open(status)
    if status not in UNREAD:
        raise ConflictError(f"the customer has read this reminder ({status}): it cannot be edited", code="not_editable")


# ---------------------------------------------------------------- the customer's answers (F-6.9)


class Outcome(StrEnum):
    BOOKED = "booked"  # the customer went to the booking link, with the works he selected
    DECLINED_ALL = "declined_all"
    APPROVED_BY_STAFF = "approved_by_staff"  # after a callback, staff recorded his choice


@dataclasses.dataclass(frozen=True)
class ReminderState:
    """What the customer's actions read and change; the store keeps it on the reminder item.

    ``answers`` (work id → accepted) exists once the reminder is answered; ``locked`` then
    forbids another choice, while a callback request stays possible.
    """

    status: ReminderStatus
    work_ids: frozenset[str]
    accepted_ids: frozenset[str] = frozenset()
    outcome: Outcome | None = None
    callback_requested: bool = False
    locked: bool = False

    @property
    def answers(self) -> dict[str, bool] | None:
        if self.outcome is None:
            return None
        return {work_id: work_id in self.accepted_ids for work_id in sorted(self.work_ids)}


def mark_sent(state: ReminderState) -> ReminderState:
    """The outbox sent it (again, after "send now" on a sent one): the status never goes back."""
    check_send_now(state.status)
    return dataclasses.replace(state, status=ReminderStatus.SENT)


def mark_read(state: ReminderState) -> ReminderState:
    """The customer opened the page; opening it again, or after answering, changes nothing."""
    _check_open(state.status)
    if state.status == ReminderStatus.TO_SEND:
        raise ConflictError("this reminder has not been sent", code="reminder_not_sent")
    if state.status == ReminderStatus.SENT:
        return dataclasses.replace(state, status=ReminderStatus.READ)
    return state


def close(state: ReminderState) -> ReminderState:
    check_close(state.status)
    return dataclasses.replace(state, status=ReminderStatus.CLOSED)


def _check_can_choose(state: ReminderState) -> None:
    """A choice needs a reminder in the customer's hands whose works are not locked yet."""
    _check_open(state.status)
    if state.locked or state.status == ReminderStatus.ANSWERED:
        raise ConflictError("this reminder is answered: its works are locked", code="answers_locked")
    if state.status not in OPEN_TO_CUSTOMER:
        raise ConflictError("this reminder has not been sent", code="reminder_not_sent")


def _selected(state: ReminderState, selected: Collection[str], field: str) -> frozenset[str]:
    for index, work_id in enumerate(selected):
        if work_id not in state.work_ids:
            raise ValidationError(
                f"{work_id!r} is not a work of this reminder", field=f"{field}.{index}", code="unknown_work"
            )
    return frozenset(selected)


def book(state: ReminderState, selected: Collection[str], booking_link: str | None) -> ReminderState:
    """The customer books an appointment: only where the dealership set a booking link.

    The selected works are accepted (none selected is allowed), the choice locks, and the
    reminder is ``answered``; the customer is then sent to ``booking_link`` by the page.
    """
    if not booking_link:
        raise ConflictError("this dealership takes no appointments online", code="booking_unavailable")
    _check_can_choose(state)
    accepted = _selected(state, selected, "accepted_work_ids")
    return dataclasses.replace(
        state, status=ReminderStatus.ANSWERED, accepted_ids=accepted, outcome=Outcome.BOOKED, locked=True
    )


def decline_all(state: ReminderState) -> ReminderState:
    """The customer declines every work: ``answered`` and locked, a callback still possible."""
    _check_can_choose(state)
    return dataclasses.replace(
        state, status=ReminderStatus.ANSWERED, accepted_ids=frozenset(), outcome=Outcome.DECLINED_ALL, locked=True
    )


def request_callback(state: ReminderState) -> ReminderState:
    """The customer asks to be called back: a notice; the status stays (``read`` at most).

    Allowed after an answer too; asking twice is the same request (a retry changes nothing).
    """
    _check_open(state.status)
    if state.status == ReminderStatus.TO_SEND:
        raise ConflictError("this reminder has not been sent", code="reminder_not_sent")
    status = ReminderStatus.READ if state.status == ReminderStatus.SENT else state.status
    return dataclasses.replace(state, status=status, callback_requested=True)


def staff_approve(state: ReminderState, accepted: Collection[str]) -> ReminderState:
    """After the customer asked for a callback, staff record the works he approved: answered."""
    _check_can_choose(state)
    if not state.callback_requested:
        raise ConflictError(
            "works are approved by hand only after the customer asked to be called back", code="no_callback_requested"
        )
    chosen = _selected(state, accepted, "accepted_work_ids")
    return dataclasses.replace(
        state, status=ReminderStatus.ANSWERED, accepted_ids=chosen, outcome=Outcome.APPROVED_BY_STAFF, locked=True
    )


# ---------------------------------------------------------------- scheduling (F-6.8, the daily sweep)

_EXECUTION_NAME = re.compile(r"^[A-Za-z0-9_-]{1,80}$")


@dataclasses.dataclass(frozen=True)
class Scheduled:
    """What the sweep reads of one reminder: enough to decide whether it needs an execution.

    ``execution_version`` is the version the live Step Functions execution was started for
    (None when none was); an execution of an older version ends by itself as no longer due.
    """

    reminder_id: str
    version: int
    status: ReminderStatus
    send_date: date
    execution_version: int | None = None


def execution_name(reminder_id: str, version: int) -> str:
    """One execution per reminder version: starting it twice is the same execution.

    Delay and "send now" bump the version, so their execution gets a new name.
    """
    name = f"{reminder_id}-v{version}"
    if not _EXECUTION_NAME.match(name):
        raise ValueError(f"{name!r} is not a Step Functions execution name")
    return name


def due_until(today: date, horizon_days: int = DUE_HORIZON_DAYS) -> date:
    """The last send date the sweep looks at: its index Query reads ``send_date <= due_until``."""
    return today + timedelta(days=horizon_days)


def needs_execution(reminder: Scheduled, today: date, *, automatic: bool, horizon_days: int = DUE_HORIZON_DAYS) -> bool:
    """True for a reminder to send automatically by ``today + horizon_days`` with no live execution.

    Manual dealerships (``automatic`` off) never get one: staff send with "send now" (F-6.8).
    """
    return (
        automatic
        and reminder.status == ReminderStatus.TO_SEND
        and reminder.send_date <= due_until(today, horizon_days)
        and reminder.execution_version != reminder.version
    )


def to_schedule(
    reminders: Iterable[Scheduled], today: date, *, automatic: bool, horizon_days: int = DUE_HORIZON_DAYS
) -> list[Scheduled]:
    """The reminders of one dealership the sweep starts executions for, earliest send date first."""
    due = [r for r in reminders if needs_execution(r, today, automatic=automatic, horizon_days=horizon_days)]
    return sorted(due, key=lambda r: (r.send_date, r.reminder_id))
