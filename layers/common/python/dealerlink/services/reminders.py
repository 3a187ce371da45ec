"""Reminders end to end (F-6): made from a sent work report, scheduled, sent, answered.

- ``from_work_report``: the report's works to plan grouped (F-6.4) into reminder items, each
  with its send date (F-6.3); written in the same transaction as the report's send.
- ``schedule``: with automatic sending on (F-6.8), a reminder due by tomorrow gets one Step
  Functions execution for its current version; the machine waits until the send moment,
  re-reads the reminder and enqueues ``reminder_due`` only if it is still to send with that
  version. Delay, send now and close bump the version (and stop the execution), so a stale
  execution sends nothing.
- ``deliver``: issues the page link and writes the customer's messages to the outbox with the
  status change, all or nothing.
- ``sweep``: the daily run; starts executions for due reminders that have none (new ones, or
  ones whose execution was lost). It reads the sparse due index only.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from dealerlink.adapters import scheduler
from dealerlink.adapters.site import page_url
from dealerlink.domain import reminders as rules
from dealerlink.domain.dealerships import DealershipSettings
from dealerlink.domain.interventions import Contact, Vehicle
from dealerlink.domain.sending import new_token
from dealerlink.domain.work_reports import PlannedWork, parse_planned_works
from dealerlink.errors import ConflictError, NotFoundError, ValidationError
from dealerlink.ids import new_id
from dealerlink.store import reminders as store
from dealerlink.store.dealerships import get_dealership
from dealerlink.store.interventions import Intervention
from dealerlink.store.outbox import OutboxItem
from dealerlink.store.pages import PageLink, new_link
from dealerlink.store.table import BaseItem
from dealerlink.store.transactions import transaction

Reminder = store.Reminder

if TYPE_CHECKING:
    from dealerlink.pages import view as v


def today_of(settings: DealershipSettings, now: datetime | None = None) -> date:
    return (now or datetime.now(UTC)).astimezone(ZoneInfo(settings.timezone)).date()


def on_send(report: Intervention, settings: DealershipSettings, actor: str) -> list[BaseItem]:
    """What a work report's first send writes beside it: its reminders, or, while reminders are
    off, a marker the daily sweep turns into reminders once they are on."""
    made: list[BaseItem] = list(from_work_report(report, settings, actor))
    planned = [PlannedWork.model_validate(w) for w in report.fields.get("works_to_plan") or []]
    if made or not planned:
        return made
    return [store.pending_report(report.dealership_id, report.intervention_id, max(w.deadline for w in planned))]


def from_work_report(report: Intervention, settings: DealershipSettings, actor: str) -> list[Reminder]:
    """The reminder items of a work report's works to plan still ahead (none when reminders are off)."""
    config = settings.after_sales.reminders
    today = today_of(settings)
    planned = [PlannedWork.model_validate(w) for w in report.fields.get("works_to_plan") or []]
    planned = [w for w in planned if w.deadline >= today]
    if not config.enabled or not planned:
        return []
    items = []
    for group in rules.group_works(planned, config.grouping_window_days):
        items.append(
            store.new_reminder(
                report.dealership_id,
                new_id(),
                group,
                rules.first_send_date(group.deadline, config.days_before, today),
                brand=report.brand,
                reference=report.reference,
                contact=dict(report.fields.get("contact") or {}),
                vehicle=dict(report.fields.get("vehicle") or {}),
                customer_id=report.customer_id,
                work_report_id=report.intervention_id,
                actor=actor,
            )
        )
    return items


def create_manual(
    dealership_id: str,
    settings: DealershipSettings,
    actor: str,
    *,
    reference: str,
    brand: str | None,
    contact: Contact,
    vehicle: Vehicle,
    works: list[dict[str, Any]],
    send_day: date,
    intervention_id: str | None,
) -> Reminder:
    """F-6.7: a reminder written by staff (no work report), scheduled like the others.

    ``works`` are works to plan as typed (``parse_planned_works`` makes missing ids and
    refuses past deadlines); ``intervention_id`` names a file of the dealership whose public
    media and attachments the page shows."""
    today = today_of(settings)
    brand = brand or settings.main_brand
    if brand not in {b.code for b in settings.brands}:
        raise ValidationError(f"brand {brand!r} is not one of the dealership's brands", field="brand")
    if not contact.last_name or not (contact.email or contact.phone):
        raise ValidationError("a reminder needs the contact's last name and email or phone", field="contact")
    planned = planned_works(works, today)
    if send_day < today:
        raise ValidationError("send_date is already past", field="send_date", code="send_date_in_past")
    if intervention_id is not None:
        from dealerlink.store import interventions

        try:
            interventions.get(dealership_id, intervention_id)
        except NotFoundError:
            raise ValidationError("not an intervention of this dealership", field="intervention_id") from None
    group = rules.ReminderGroup(deadline=min(w.deadline for w in planned), works=tuple(planned))
    item = store.new_reminder(
        dealership_id,
        new_id(),
        group,
        send_day,
        brand=brand,
        reference=reference,
        contact=contact.model_dump(mode="json", exclude_none=True),
        vehicle=vehicle.model_dump(mode="json", exclude_none=True),
        customer_id=None,
        work_report_id=None,
        actor=actor,
        media_intervention_id=intervention_id,
    )
    store.create(item)
    schedule(item, settings)
    return item


def planned_works(works: list[dict[str, Any]], today: date) -> list[PlannedWork]:
    """A reminder's works as typed by staff: ids made where left out, deadlines not past, one at least."""
    planned = parse_planned_works(works, today, field="works")
    if not planned:
        raise ValidationError("a reminder needs at least one work to plan", field="works")
    return planned


def schedule(item: Reminder, settings: DealershipSettings, now: datetime | None = None) -> bool:
    """Start the execution of this version if the dealership sends automatically and it is due soon."""
    now = now or datetime.now(UTC)
    automatic = settings.after_sales.reminders.enabled and settings.after_sales.reminders.send_automatically
    if not rules.needs_execution(item.scheduled, today_of(settings, now), automatic=automatic):
        return False
    version = int(item.version)
    hour = settings.after_sales.reminders.send_hour
    moment = rules.send_at(date.fromisoformat(item.send_date), settings.timezone, now, hour)
    arn = scheduler.start(
        rules.execution_name(item.reminder_id, version), pk=item.PK, sk=item.SK, version=version, send_at=moment
    )
    store.record_execution(item, version, arn)
    return True


def _stop(item: Reminder) -> None:
    if item.execution_arn:
        scheduler.stop(item.execution_arn)


def delay(item: Reminder, new_day: date, settings: DealershipSettings) -> Reminder:
    """F-6.6: a new send date while not sent; the old execution stops, a new one may start."""
    rules.check_delay(item.status, new_day, today_of(settings))
    expected = int(item.version)
    item.send_date = new_day.isoformat()
    saved = store.save(item, expected)
    _stop(item)
    schedule(saved, settings)
    return saved


def close(item: Reminder) -> Reminder:
    rules.check_close(item.status)
    expected = int(item.version)
    item.status = rules.ReminderStatus.CLOSED.value
    saved = store.save(item, expected)
    _stop(item)
    return saved


def edit(item: Reminder, works: list[PlannedWork], settings: DealershipSettings) -> Reminder:
    """F-6.6: change the works until the customer has read it; the send date follows their deadline."""
    rules.check_edit(item.status)
    expected = int(item.version)
    item.works = json.dumps([w.model_dump(mode="json") for w in works])
    item.deadline = min(w.deadline for w in works).isoformat()
    return store.save(item, expected)  # a sent reminder's page re-renders from the stream


def send_now(item: Reminder, settings: DealershipSettings, actor: str) -> Reminder:
    """F-6.6/F-6.8: send at once (the send date becomes today), also where sending is manual."""
    rules.check_send_now(item.status)
    _stop(item)
    return deliver(item, settings, actor, send_day=today_of(settings))


def deliver_due(pk: str, sk: str, version: int) -> str:
    """What the state machine enqueued: send the reminder if still to send with that version."""
    item = store.find(pk, sk)
    if item is None or item.status != rules.ReminderStatus.TO_SEND or int(item.version) != version:
        return "no_longer_due"
    deliver(item, get_dealership(item.dealership_id).settings, "reminders")
    return "sent"


def deliver(item: Reminder, settings: DealershipSettings, actor: str, send_day: date | None = None) -> Reminder:
    """The link, the messages and the status change, in one transaction (at most once per version)."""
    expected, before = int(item.version), item.status
    state = rules.mark_sent(item.state)
    token = item.page_token or new_token()
    fresh_link = item.page_token != token
    contact = item.contact_fields
    kinds = tuple(k for k, key in (("email", "email"), ("sms", "phone")) if contact.get(key))
    outbox = ready_messages(item, settings, token, kinds)
    item.status, item.page_token = state.status.value, token
    item.sent_at = item.sent_at or datetime.now(UTC).isoformat()
    if send_day is not None:
        item.send_date = send_day.isoformat()
    item.version, item.updated_at = expected + 1, store.now()
    store.index(item)
    stale = ConflictError("the reminder changed meanwhile; reload and retry", code="stale_version")
    with transaction({(item.PK, item.SK): stale}) as tx:
        tx.save(item, condition=(Reminder.version == expected) & (Reminder.status == before))
        if fresh_link:
            tx.save(
                new_link(token, item.dealership_id, item.reminder_id, kind="reminder"),
                condition=PageLink.PK.does_not_exist(),
            )
        for message in outbox:
            tx.save(message, condition=OutboxItem.PK.does_not_exist())
    return item


def _customer(contact: dict[str, Any]) -> v.Customer:
    from dealerlink.pages import view as v  # rendering only: the sweep never loads it

    return v.Customer(
        title=contact.get("title"), first_name=contact.get("first_name"), last_name=contact.get("last_name")
    )


def _vehicle(raw: dict[str, Any]) -> v.Vehicle:
    from dealerlink.pages import view as v  # rendering only: the sweep never loads it

    return v.Vehicle(plate=raw.get("plate"), make=raw.get("make"), model=raw.get("model"), mileage=raw.get("mileage"))


def language_of(item: Reminder, settings: DealershipSettings) -> str:
    return str(item.contact_fields.get("language") or settings.default_language)


def ready_messages(item: Reminder, settings: DealershipSettings, token: str, kinds: Iterable[str]) -> list[OutboxItem]:
    """ "Works to plan for your vehicle" by email and/or SMS, in the customer's language."""
    from dealerlink.pages import view as v  # rendering only: the sweep never loads it
    from dealerlink.services.messages import ready_outbox
    from dealerlink.services.pages import brand_of, dealer

    brand = brand_of(settings, item.brand)
    lang = language_of(item, settings)
    context = v.ReadyMessage(
        page_kind="reminder",
        module="mechanics",
        url=page_url(token),
        dealership=dealer(settings, brand),
        brand=v.BrandRef(brand.code, brand.name),
        customer=_customer(item.contact_fields),
        reference=item.reference,
        vehicle=_vehicle(json.loads(item.vehicle or "{}")),
        works_count=len(item.planned),
    )
    stamp = f"reminder-{item.reminder_id}-{int(item.version) + 1}"  # one message per send, whatever retries
    return ready_outbox(item.dealership_id, item.reminder_id, stamp, lang, context, item.contact_fields, kinds)


def page_view(item: Reminder, settings: DealershipSettings, token: str, found: Any = None) -> v.PageView:
    """The reminder's customer page (F-6.9), with the public media ``found`` (services.pages.PublicMedia)."""
    from dealerlink.pages import view as v  # rendering only: the sweep never loads it
    from dealerlink.services.pages import brand_of, dealer, planned_view

    brand = brand_of(settings, item.brand)
    state = item.state
    rate = Decimal(settings.vat_rate)
    works = tuple(planned_view(w, rate, (w.id in state.accepted_ids) if item.outcome else None) for w in item.planned)
    return v.PageView(
        kind="reminder",
        module="mechanics",
        lang=language_of(item, settings),  # type: ignore[arg-type]
        api_base=f"/api/v1/public/pages/{token}",
        version=int(item.version),
        status=item.status,  # type: ignore[arg-type]
        dealership=dealer(settings, brand),
        brand=v.BrandRef(brand.code, brand.name),
        customer=_customer(item.contact_fields),
        reference=item.reference,
        currency=settings.currency,
        locked=bool(item.locked) or item.status in (rules.ReminderStatus.ANSWERED, rules.ReminderStatus.CLOSED),
        vehicle=_vehicle(json.loads(item.vehicle or "{}")),
        works_to_plan=works,
        videos=found.videos if found else (),
        photos=found.photos if found else (),
        attachments=found.attachments if found else (),
        callback_requested=bool(item.callback),
        sent_at=datetime.fromisoformat(item.sent_at) if item.sent_at else None,
    )


def publish(dealership_id: str, reminder_id: str) -> str:
    """Render the reminder's page to the site (once it has a link)."""
    from dealerlink.adapters import site
    from dealerlink.pages.render import asset_files, render_page

    try:
        item = store.get(dealership_id, reminder_id)
    except Exception:  # noqa: BLE001 - deleted meanwhile
        return "gone"
    if not item.page_token:
        return "no_link"
    from dealerlink.services.pages import public_media
    from dealerlink.store import media

    linked = media.of_intervention(dealership_id, item.media_intervention_id) if item.media_intervention_id else []
    found = public_media(linked, item.page_token)
    view = page_view(item, get_dealership(dealership_id).settings, item.page_token, found)
    site.ensure_assets(asset_files())
    site.sync_media(item.page_token, list(found.copies))
    site.write_page(item.page_token, render_page(view))
    return "published"


def team(item: Reminder, settings: DealershipSettings, event: v.StaffEvent) -> list[OutboxItem]:
    """F-11.1 for reminders: the dealership's event addresses hear of the customer's action."""
    from dealerlink.config import settings as config
    from dealerlink.domain.sending import team_recipients
    from dealerlink.pages import view as v  # rendering only: the sweep never loads it
    from dealerlink.services.messages import staff_outbox

    contact = item.contact_fields
    name = " ".join(p for p in (contact.get("first_name"), contact.get("last_name")) if p) or item.reference
    notice = v.StaffNotice(
        event=event,
        url=f"{config().backoffice_url.rstrip('/')}/reminders/{item.dealership_id}/{item.reminder_id}",
        dealership_name=settings.name,
        timezone=settings.timezone,
        reference=item.reference,
        customer_name=name,
        at=datetime.now(UTC),
        vehicle=_vehicle(json.loads(item.vehicle or "{}")),
        currency=settings.currency,
    )
    languages = dict.fromkeys(team_recipients(settings, "after_sales", event, []), settings.default_language)
    stamp = f"team-{event}-{item.reminder_id}-{item.version}"
    return staff_outbox(item.dealership_id, item.reminder_id, stamp, notice, languages)


EVENTS: dict[str, v.StaffEvent] = {"read": "read", "answered": "answered"}


def apply(item: Reminder, state: rules.ReminderState) -> Reminder:
    """Write a customer's (or staff's) transition, conditional on the version read, with the
    team's notices in the same transaction; no change, no write."""
    if state == item.state:
        return item
    before = item.state
    event: v.StaffEvent | None = EVENTS.get(state.status.value) if state.status != before.status else None
    if state.callback_requested and not before.callback_requested:
        event = "callback"
    settings = get_dealership(item.dealership_id).settings
    notices = team(item, settings, event) if event and state.outcome != rules.Outcome.APPROVED_BY_STAFF else []
    expected = int(item.version)
    if state.status != item.status and state.status == rules.ReminderStatus.ANSWERED:
        item.answered_at = datetime.now(UTC).isoformat()
    if state.status == rules.ReminderStatus.READ and not item.read_at:
        item.read_at = datetime.now(UTC).isoformat()
    item.status = state.status.value
    item.accepted_ids = json.dumps(sorted(state.accepted_ids))
    item.outcome = state.outcome.value if state.outcome else None
    item.callback, item.locked = state.callback_requested, state.locked
    item.version, item.updated_at = expected + 1, store.now()
    store.index(item)
    stale = ConflictError("the reminder changed meanwhile; reload and retry", code="stale_version")
    with transaction({(item.PK, item.SK): stale}) as tx:
        tx.save(item, condition=Reminder.version == expected)
        for notice in notices:
            tx.save(notice, condition=OutboxItem.PK.does_not_exist())
    return item


def generate_pending(settings_of: dict[str, DealershipSettings], now: datetime) -> tuple[int, set[str], int]:
    """Reminders for work reports sent while reminders were off, where they are on now.

    Each report's reminders are written with the removal of its marker, all or nothing, so a
    sweep that runs twice makes them once. Answers (markers read, reminders made, scheduled)."""
    from dealerlink.store import interventions

    read = started = 0
    made: set[str] = set()
    for marker in store.pending_reports():
        read += 1
        dealership_id = marker.dealership_id
        if dealership_id not in settings_of:
            settings_of[dealership_id] = get_dealership(dealership_id).settings
        settings = settings_of[dealership_id]
        if not settings.after_sales.reminders.enabled:
            continue
        try:
            report = interventions.get(dealership_id, marker.work_report_id)
        except NotFoundError:
            marker.delete()
            continue
        items = from_work_report(report, settings, "sweep")
        with transaction({(marker.PK, marker.SK): ConflictError("made already", code="made")}) as tx:
            tx.delete(marker, condition=store.PendingReport.PK.exists())
            for item in items:
                tx.save(item, condition=Reminder.PK.does_not_exist())
        made.update(item.reminder_id for item in items)
        started += sum(schedule(item, settings, now) for item in items)  # the index may lag
    return read, made, started


def sweep(now: datetime | None = None) -> dict[str, int]:
    """The daily run: reminders for new work reports whose reminders wait (see
    ``generate_pending``), then executions for every due reminder that has none for its version."""
    now = now or datetime.now(UTC)
    until = rules.due_until(now.date())
    settings_of: dict[str, DealershipSettings] = {}
    pending, generated, started = generate_pending(settings_of, now)
    read = 0
    for item in store.due(until):
        read += 1
        if item.reminder_id in generated:
            continue  # scheduled as it was made
        if item.dealership_id not in settings_of:
            settings_of[item.dealership_id] = get_dealership(item.dealership_id).settings
        if schedule(item, settings_of[item.dealership_id], now):
            started += 1
    return {
        "read": read + pending,
        "started": started,
        "generated": len(generated),
        "dealerships": len(settings_of),
    }


def report_page_failure(dealership_id: str, reminder_id: str) -> None:
    """A reminder page that could not be published after its retries: the team is told (once
    per version), so no reminder passes for "sent" unnoticed."""
    from dealerlink.store.outbox import save_once

    item = store.get(dealership_id, reminder_id)
    for notice in team(item, get_dealership(dealership_id).settings, "page_failed"):
        save_once(notice)
