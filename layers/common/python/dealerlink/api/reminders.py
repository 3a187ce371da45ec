"""Reminders (F-6.5-F-6.8): the list, details, manual reminders and the staff actions.

Reminders of a work report are made when it is sent; a manual one is written here. Staff may
send now, delay (only while not sent) or close; editing stops once the customer read it; after
a callback request, staff record the works the customer approved on the phone.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from chalice import Blueprint, Response

from dealerlink.api.edge import Access, json_response, per_request, read_json, route
from dealerlink.api.paging import whole_list
from dealerlink.domain import reminders as rules
from dealerlink.domain.dealerships import DealershipSettings
from dealerlink.domain.identity import READERS, Principal, Role
from dealerlink.domain.interventions import Contact, Vehicle
from dealerlink.domain.validation import parse
from dealerlink.errors import ConflictError, NotFoundError, ValidationError
from dealerlink.ids import new_id
from dealerlink.store import reminders as store
from dealerlink.store.dealerships import get_dealership

bp = Blueprint(__name__)
BASE = "/v1/dealerships/{dealership_id}/reminders"
ONE = BASE + "/{reminder_id}"
WRITERS = (Role.BACK_OFFICE, Role.DEALER_MANAGER)
SORTS = {
    "send_date": lambda r: (r.send_date, r.reminder_id),
    "status": lambda r: (r.status, r.send_date),
    "customer": lambda r: (str(r.contact_fields.get("last_name") or "").lower(), r.send_date),
    "works": lambda r: (len(r.planned), r.send_date),
}


def _settings(dealership_id: str) -> DealershipSettings:
    return per_request(f"settings#{dealership_id}", lambda: get_dealership(dealership_id).settings)


def _date(value: object, field: str) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError(f"{field} is a date (YYYY-MM-DD)", field=field) from None


def summary(item: store.Reminder, today: date) -> dict[str, Any]:
    contact = item.contact_fields
    planned = item.planned
    return {
        "id": item.reminder_id,
        "send_date": item.send_date,
        "overdue": rules.is_overdue(item.status, date.fromisoformat(item.send_date), today),
        "status": item.status,
        "customer": {k: contact.get(k) for k in ("title", "first_name", "last_name")},
        "works_count": len(planned),
        "interventions_count": len({w.source_intervention_id for w in planned if w.source_intervention_id}),
        "reference": item.reference,
        "version": int(item.version),
    }


def details(item: store.Reminder, today: date) -> dict[str, Any]:
    state = item.state
    return {
        **summary(item, today),
        "deadline": item.deadline,
        "brand": item.brand,
        "work_report_id": item.work_report_id,
        "intervention_id": item.media_intervention_id,
        "contact": item.contact_fields,
        "works": [
            {**w.model_dump(mode="json"), "accepted": (w.id in state.accepted_ids) if state.outcome else None}
            for w in item.planned
        ],
        "interventions": sorted({w.source_intervention_id for w in item.planned if w.source_intervention_id}),
        "outcome": item.outcome,
        "callback_requested": bool(item.callback),
        "sent_at": item.sent_at,
        "read_at": item.read_at,
        "answered_at": item.answered_at,
        "scheduled": item.execution_version == item.version,
    }


@route(bp, BASE, "GET", access=Access.STAFF, roles=READERS, tags=("reminders",))
def list_reminders(dealership_id: str) -> dict[str, Any]:
    """Reminders by send date: ``from``/``to`` (dates), ``status``, ``sort`` (send_date, status,
    customer, works; ``-`` first for descending)."""
    from dealerlink.services import reminders as service

    whole_list(bp.current_request)
    query: Any = bp.current_request.query_params or {}
    start, end = _date(query.get("from"), "from"), _date(query.get("to"), "to")
    if start and end and end < start:
        raise ValidationError("to is before from", field="to")
    sort = str(query.get("sort", "send_date"))
    if sort.lstrip("-") not in SORTS:
        raise ValidationError(f"sort is one of {', '.join(SORTS)} (- for descending)", field="sort")
    statuses = set(query.getlist("status")) if "status" in query else None
    if statuses and not statuses <= {s.value for s in rules.ReminderStatus}:
        raise ValidationError("status is to_send, sent, read, answered or closed", field="status")
    found = [r for r in store.listing(dealership_id, start, end) if statuses is None or r.status in statuses]
    found.sort(key=SORTS[sort.lstrip("-")], reverse=sort.startswith("-"))
    today = service.today_of(_settings(dealership_id))
    return {"items": [summary(r, today) for r in found], "next_cursor": None}


@route(bp, ONE, "GET", access=Access.STAFF, roles=READERS, tags=("reminders",))
def read_reminder(dealership_id: str, reminder_id: str) -> dict[str, Any]:
    """A reminder with its customer, linked interventions and works."""
    from dealerlink.services import reminders as service

    return details(store.get(dealership_id, reminder_id), service.today_of(_settings(dealership_id)))


@route(bp, BASE, "POST", access=Access.STAFF, roles=WRITERS, status=201, tags=("reminders",))
def create_reminder(dealership_id: str, principal: Principal) -> Response:
    """A manual reminder (F-6.7): contact, brand, reference, send date and works to plan;
    ``intervention_id`` names a file whose public media and attachments the page shows."""
    from dealerlink.domain.work_reports import parse_planned_works
    from dealerlink.services import reminders as service

    body = read_json(bp.current_request)
    settings = _settings(dealership_id)
    today = service.today_of(settings)
    reference = body.get("reference")
    if not isinstance(reference, str) or not 1 <= len(reference.strip()) <= 64:
        raise ValidationError("reference is a text of 1 to 64 characters", field="reference")
    brand = body.get("brand") or settings.main_brand
    if brand not in {b.code for b in settings.brands}:
        raise ValidationError(f"brand {brand!r} is not one of the dealership's brands", field="brand")
    contact = parse(Contact, body.get("contact") or {}, prefix="contact")
    if not contact.last_name or not (contact.email or contact.phone):
        raise ValidationError("a reminder needs the contact's last name and email or phone", field="contact")
    vehicle = parse(Vehicle, body.get("vehicle") or {}, prefix="vehicle")
    works = parse_planned_works(body.get("works"), today, field="works")
    if not works:
        raise ValidationError("a reminder needs at least one work to plan", field="works")
    send_day = _date(body.get("send_date"), "send_date")
    if send_day is None:
        raise ValidationError("send_date is required", field="send_date")
    if send_day < today:
        raise ValidationError("send_date is already past", field="send_date", code="send_date_in_past")
    linked = body.get("intervention_id")
    if linked is not None:
        from dealerlink.store import interventions

        try:
            interventions.get(dealership_id, str(linked))
        except NotFoundError:
            raise ValidationError("not an intervention of this dealership", field="intervention_id") from None
    group = rules.ReminderGroup(deadline=min(w.deadline for w in works), works=tuple(works))
    item = store.new_reminder(
        dealership_id,
        new_id(),
        group,
        send_day,
        brand=brand,
        reference=reference.strip(),
        contact=contact.model_dump(mode="json", exclude_none=True),
        vehicle=vehicle.model_dump(mode="json", exclude_none=True),
        customer_id=None,
        work_report_id=None,
        actor=principal.subject,
        media_intervention_id=str(linked) if linked is not None else None,
    )
    store.create(item)
    service.schedule(item, settings)
    return json_response(details(item, today), 201)


def _version(body: dict[str, Any], item: store.Reminder) -> None:
    if body.get("version") != int(item.version):
        raise ConflictError("the reminder changed meanwhile; reload and retry", field="version", code="stale_version")


@route(bp, ONE, "PATCH", access=Access.STAFF, roles=WRITERS, tags=("reminders",))
def edit_reminder(dealership_id: str, reminder_id: str) -> dict[str, Any]:
    """Change the works (``works``, ``version``); refused once the customer read it."""
    from dealerlink.domain.work_reports import parse_planned_works
    from dealerlink.services import reminders as service

    body = read_json(bp.current_request)
    item = store.get(dealership_id, reminder_id)
    rules.check_edit(item.status)
    _version(body, item)
    settings = _settings(dealership_id)
    works = parse_planned_works(body.get("works"), service.today_of(settings), field="works")
    if not works:
        raise ValidationError("a reminder needs at least one work to plan", field="works")
    return details(service.edit(item, works, settings), service.today_of(settings))


@route(bp, ONE + "/send", "POST", access=Access.STAFF, roles=WRITERS, tags=("reminders",))
def send_reminder_now(dealership_id: str, reminder_id: str, principal: Principal) -> dict[str, Any]:
    """Send now: the send date becomes today (until the customer read it)."""
    from dealerlink.services import reminders as service

    settings = _settings(dealership_id)
    item = service.send_now(store.get(dealership_id, reminder_id), settings, principal.subject)
    return details(item, service.today_of(settings))


@route(bp, ONE + "/delay", "POST", access=Access.STAFF, roles=WRITERS, tags=("reminders",))
def delay_reminder(dealership_id: str, reminder_id: str) -> dict[str, Any]:
    """A new send date (``send_date``), only while not sent."""
    from dealerlink.services import reminders as service

    body = read_json(bp.current_request)
    new_day = _date(body.get("send_date"), "send_date")
    if new_day is None:
        raise ValidationError("send_date is required", field="send_date")
    settings = _settings(dealership_id)
    item = service.delay(store.get(dealership_id, reminder_id), new_day, settings)
    return details(item, service.today_of(settings))


@route(bp, ONE + "/close", "POST", access=Access.STAFF, roles=WRITERS, tags=("reminders",))
def close_reminder(dealership_id: str, reminder_id: str) -> dict[str, Any]:
    """Close: nothing is sent any more, the customer's page answers nothing new."""
    from dealerlink.services import reminders as service

    item = service.close(store.get(dealership_id, reminder_id))
    return details(item, service.today_of(_settings(dealership_id)))


@route(bp, ONE + "/approve", "POST", access=Access.STAFF, roles=WRITERS, tags=("reminders",))
def approve_reminder(dealership_id: str, reminder_id: str) -> dict[str, Any]:
    """After a callback, record the works the customer approved (``accepted_work_ids``): answered."""
    from dealerlink.services import reminders as service

    accepted = read_json(bp.current_request).get("accepted_work_ids")
    if not isinstance(accepted, list) or not all(isinstance(w, str) for w in accepted):
        raise ValidationError("accepted_work_ids is a list of work ids", field="accepted_work_ids")
    item = store.get(dealership_id, reminder_id)
    answered = service.apply(item, rules.staff_approve(item.state, accepted))
    return details(answered, service.today_of(_settings(dealership_id)))
