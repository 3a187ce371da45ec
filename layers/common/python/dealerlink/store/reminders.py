"""Reminders (F-6.5-F-6.9): one item per reminder under its dealership, ``SK = REM#<id>``.

Two index entries keep every read proportional to what it answers:
- GSI2 ``DLR#<d>#REM`` / ``<send date>#<id>``: the dealership's list, filtered by a date range;
- GSI1 ``REMDUE#<shard>`` / ``<send date>#<d>#<id>``, only while ``to_send``: the daily sweep
  reads the reminders due by a date across all dealerships and nothing else (sparse index).
Every change is conditional on the version read, and bumps it: a Step Functions execution
started for an older version finds it changed and sends nothing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import suppress
from datetime import UTC, date, datetime
from typing import Any

from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import PutError, UpdateError

from dealerlink.domain.reminders import Outcome, ReminderGroup, ReminderState, ReminderStatus, Scheduled
from dealerlink.domain.work_reports import PlannedWork
from dealerlink.errors import ConflictError, NotFoundError
from dealerlink.store.table import BaseItem, dealership_pk, json_text

SHARDS = 8  # the sweep's index spreads over this many partitions


def now() -> str:
    return datetime.now(UTC).isoformat()


class Reminder(BaseItem, discriminator="reminder"):
    reminder_id = UnicodeAttribute()
    dealership_id = UnicodeAttribute()
    work_report_id = UnicodeAttribute(null=True)  # None: a manual reminder (F-6.7)
    media_intervention_id = UnicodeAttribute(null=True)  # whose public media the page shows
    brand = UnicodeAttribute()
    reference = UnicodeAttribute()
    customer_id = UnicodeAttribute(null=True)
    contact = UnicodeAttribute(default="{}")  # the work report's contact (JSON)
    vehicle = UnicodeAttribute(default="{}")
    works = UnicodeAttribute(default="[]")  # PlannedWork dumps (JSON)
    deadline = UnicodeAttribute()  # the group's earliest deadline (ISO date)
    send_date = UnicodeAttribute()  # ISO date
    status = UnicodeAttribute(default=ReminderStatus.TO_SEND.value)
    version = NumberAttribute(default=1)
    execution_version = NumberAttribute(null=True)
    execution_arn = UnicodeAttribute(null=True)
    page_token = UnicodeAttribute(null=True)
    sent_at = UnicodeAttribute(null=True)
    read_at = UnicodeAttribute(null=True)
    answered_at = UnicodeAttribute(null=True)
    outcome = UnicodeAttribute(null=True)
    accepted_ids = UnicodeAttribute(default="[]")
    callback = BooleanAttribute(default=False)
    locked = BooleanAttribute(default=False)
    created_at = UnicodeAttribute()
    created_by = UnicodeAttribute()
    updated_at = UnicodeAttribute(null=True)

    @property
    def planned(self) -> list[PlannedWork]:
        return [PlannedWork.model_validate(w) for w in json.loads(self.works or "[]")]

    @property
    def contact_fields(self) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads(self.contact or "{}")
        return loaded

    @property
    def state(self) -> ReminderState:
        return ReminderState(
            status=ReminderStatus(self.status),
            work_ids=frozenset(w.id for w in self.planned),
            accepted_ids=frozenset(json.loads(self.accepted_ids or "[]")),
            outcome=Outcome(self.outcome) if self.outcome else None,
            callback_requested=bool(self.callback),
            locked=bool(self.locked),
        )

    @property
    def scheduled(self) -> Scheduled:
        return Scheduled(
            reminder_id=self.reminder_id,
            version=int(self.version),
            status=ReminderStatus(self.status),
            send_date=date.fromisoformat(self.send_date),
            execution_version=int(self.execution_version) if self.execution_version is not None else None,
        )


def _shard(reminder_id: str) -> int:
    return int(hashlib.sha256(reminder_id.encode()).hexdigest(), 16) % SHARDS


def index(item: Reminder) -> None:
    """Set both index entries from the item's state (the due entry only while to_send)."""
    item.GSI2PK, item.GSI2SK = f"DLR#{item.dealership_id}#REM", f"{item.send_date}#{item.reminder_id}"
    if item.status == ReminderStatus.TO_SEND:
        item.GSI1PK = f"REMDUE#{_shard(item.reminder_id)}"
        item.GSI1SK = f"{item.send_date}#{item.dealership_id}#{item.reminder_id}"
    else:
        item.GSI1PK = item.GSI1SK = None


def reminder_sk(reminder_id: str) -> str:
    return f"REM#{reminder_id}"


def new_reminder(
    dealership_id: str,
    reminder_id: str,
    group: ReminderGroup,
    send_day: date,
    *,
    brand: str,
    reference: str,
    contact: dict[str, Any],
    vehicle: dict[str, Any],
    customer_id: str | None,
    work_report_id: str | None,
    actor: str,
    media_intervention_id: str | None = None,
) -> Reminder:
    item = Reminder(
        dealership_pk(dealership_id),
        reminder_sk(reminder_id),
        reminder_id=reminder_id,
        dealership_id=dealership_id,
        work_report_id=work_report_id,
        media_intervention_id=media_intervention_id or work_report_id,
        brand=brand,
        reference=reference,
        customer_id=customer_id,
        contact=json_text(contact),
        vehicle=json_text(vehicle),
        works=json_text([w.model_dump(mode="json") for w in group.works]),
        deadline=group.deadline.isoformat(),
        send_date=send_day.isoformat(),
        created_at=now(),
        created_by=actor,
    )
    index(item)
    return item


def get(dealership_id: str, reminder_id: str, *, consistent: bool = False) -> Reminder:
    try:
        return Reminder.get(dealership_pk(dealership_id), reminder_sk(reminder_id), consistent_read=consistent)
    except Reminder.DoesNotExist:
        raise NotFoundError("no such reminder", field="reminder_id") from None


def find(pk: str, sk: str) -> Reminder | None:
    try:
        return Reminder.get(pk, sk, consistent_read=True)
    except Reminder.DoesNotExist:
        return None


def create(item: Reminder) -> Reminder:
    try:
        item.save(condition=Reminder.PK.does_not_exist())
    except PutError as exc:
        raise ConflictError("this reminder exists already", code="already_exists") from exc
    return item


def listing(dealership_id: str, start: date | None, end: date | None) -> list[Reminder]:
    """The dealership's reminders with a send date in [start, end], by send date."""
    low = start.isoformat() if start else "0000"
    high = (end.isoformat() if end else "9999") + "#~"
    condition = Reminder.GSI2SK.between(low, high)
    return list(Reminder.gsi2.query(f"DLR#{dealership_id}#REM", condition))  # type: ignore[arg-type]


def due(until: date) -> Iterator[Reminder]:
    """Every reminder still to send with a send date up to ``until``, across all dealerships."""
    for shard in range(SHARDS):
        condition = Reminder.GSI1SK.between("0000", f"{until.isoformat()}#~")
        yield from Reminder.gsi1.query(f"REMDUE#{shard}", condition)  # type: ignore[misc]


class PendingReport(BaseItem, discriminator="pending_report"):
    """A sent work report whose works to plan still wait for reminders (reminders were off).

    Indexed (sparse) for the sweep under ``WRNEW#<shard>``; gone once its reminders are made,
    or by TTL after its last deadline."""

    dealership_id = UnicodeAttribute()
    work_report_id = UnicodeAttribute()
    sent_at = UnicodeAttribute()


def pending_report(dealership_id: str, report_id: str, last_deadline: date) -> PendingReport:
    item = PendingReport(
        dealership_pk(dealership_id),
        f"WRNEW#{report_id}",
        dealership_id=dealership_id,
        work_report_id=report_id,
        sent_at=now(),
        ttl=int(datetime.combine(last_deadline, datetime.min.time(), tzinfo=UTC).timestamp()) + 86_400,
    )
    item.GSI1PK, item.GSI1SK = f"WRNEW#{_shard(report_id)}", f"{item.sent_at}#{dealership_id}#{report_id}"
    return item


def pending_reports() -> Iterator[PendingReport]:
    """Every sent work report still waiting for its reminders, across all dealerships."""
    for shard in range(SHARDS):
        yield from PendingReport.gsi1.query(f"WRNEW#{shard}")  # type: ignore[misc]


def _stale() -> ConflictError:
    return ConflictError("the reminder changed meanwhile; reload and retry", field="version", code="stale_version")


def save(item: Reminder, expected_version: int) -> Reminder:
    """Write the item's new state if nobody changed it since ``expected_version``."""
    item.version = expected_version + 1
    item.updated_at = now()
    index(item)
    try:
        item.save(condition=Reminder.version == expected_version)
    except PutError as exc:
        raise _stale() from exc
    return item


def record_execution(item: Reminder, version: int, arn: str) -> None:
    """Note which version has a live execution (no version bump: it changes nothing the customer sees)."""
    with suppress(UpdateError):  # changed meanwhile: the execution will find it no longer due
        item.update(
            actions=[Reminder.execution_version.set(version), Reminder.execution_arn.set(arn)],
            condition=Reminder.version == version,
        )
