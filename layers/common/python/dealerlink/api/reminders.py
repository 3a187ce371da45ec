"""Reminders (F-6.5-F-6.8): the list, details, manual reminders and the staff actions.

Reminders of a work report are made when it is sent; a manual one is written here. Staff may
send now, delay (only while not sent) or close; editing stops once the customer read it; after
a callback request, staff record the works the customer approved on the phone.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from dealerlink.api import rights
from dealerlink.api.contract.common import Page
from dealerlink.api.contract.reminders import (
    CONTACT_FIELDS,
    NewReminder,
    NewSendDate,
    ReminderChanges,
    ReminderListQuery,
    ReminderOut,
    ReminderSummaryOut,
    StaffApproval,
)
from dealerlink.api.edge import Access, Blueprint, per_request, route
from dealerlink.domain import reminders as rules
from dealerlink.domain.dealerships import DealershipSettings
from dealerlink.domain.identity import Principal
from dealerlink.errors import ConflictError, ValidationError
from dealerlink.store import reminders as store
from dealerlink.store.dealerships import get_dealership

bp = Blueprint(__name__)
BASE = "/v1/dealerships/{dealership_id}/reminders"
ONE = BASE + "/{reminder_id}"
SORTS = {
    "send_date": lambda r: (r.send_date, r.reminder_id),
    "status": lambda r: (r.status, r.send_date),
    "customer": lambda r: (str(r.contact_fields.get("last_name") or "").lower(), r.send_date),
    "works": lambda r: (len(r.planned), r.send_date),
}
_DAY = "2099-01-10"
_WORK = {"id": "p1", "label": "Pneus arrière", "urgency": "recommended", "price": "320.00", "deadline": "2099-02-01"}
CREATE_EXAMPLES = {
    "a manual reminder": {
        "reference": "RO-2041",
        "contact": {"title": "mr", "last_name": "Durand", "email": "durand@example.com", "language": "fr"},
        "vehicle": {"plate": "AB-123-CD", "make": "Peugeot", "model": "308"},
        "send_date": _DAY,
        "works": [_WORK, {"label": "Plaquettes de frein", "urgency": "urgent", "price": "180.00", "deadline": _DAY}],
    },
    "showing a file's media": {
        "reference": "RO-2042",
        "contact": {"title": "mrs", "last_name": "Martin", "phone": "+33611111111"},
        "send_date": _DAY,
        "works": [_WORK],
        "intervention_id": "01HZZZDEMQDEA1ERSH1P000000",
    },
}


def _settings(dealership_id: str) -> DealershipSettings:
    return per_request(f"settings#{dealership_id}", lambda: get_dealership(dealership_id).settings)


def _today(dealership_id: str) -> date:
    from dealerlink.services import reminders as service

    return service.today_of(_settings(dealership_id))


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
    contact = item.contact_fields
    return {
        **summary(item, today),
        "deadline": item.deadline,
        "brand": item.brand,
        "work_report_id": item.work_report_id,
        "intervention_id": item.media_intervention_id,
        "contact": {k: contact.get(k) for k in CONTACT_FIELDS},
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


@route(
    bp, BASE, "GET", access=Access.STAFF, roles=rights.READ, tags=("reminders",),
    query=ReminderListQuery, response=Page[ReminderSummaryOut],
)  # fmt: skip
def list_reminders(dealership_id: str, query: ReminderListQuery) -> dict[str, Any]:
    """Reminders by send date: ``from``/``to`` (dates), ``status``, ``sort`` (send_date, status,
    customer, works; ``-`` first for descending)."""
    start, end = query.from_, query.to
    if start and end and end < start:
        raise ValidationError("to is before from", field="to")
    statuses = query.statuses
    found = [r for r in store.listing(dealership_id, start, end) if statuses is None or r.status in statuses]
    found.sort(key=SORTS[query.sort.lstrip("-")], reverse=query.sort.startswith("-"))
    today = _today(dealership_id)
    return {"items": [summary(r, today) for r in found], "next_cursor": None}


@route(bp, ONE, "GET", access=Access.STAFF, roles=rights.READ, tags=("reminders",), response=ReminderOut)
def read_reminder(dealership_id: str, reminder_id: str) -> dict[str, Any]:
    """A reminder with its customer, linked interventions and works."""
    return details(store.get(dealership_id, reminder_id), _today(dealership_id))


@route(
    bp, BASE, "POST", access=Access.STAFF, roles=rights.REMINDERS, status=201, tags=("reminders",),
    body=NewReminder, response=ReminderOut, examples=CREATE_EXAMPLES,
)  # fmt: skip
def create_reminder(dealership_id: str, principal: Principal, body: NewReminder) -> dict[str, Any]:
    """A manual reminder (F-6.7): contact, brand, reference, send date and works to plan;
    ``intervention_id`` names a file whose public media and attachments the page shows."""
    from dealerlink.services import reminders as service

    settings = _settings(dealership_id)
    item = service.create_manual(
        dealership_id,
        settings,
        principal.subject,
        reference=body.reference,
        brand=body.brand,
        contact=body.contact,
        vehicle=body.vehicle,
        works=[w.model_dump(mode="json", exclude_unset=True) for w in body.works],
        send_day=body.send_date,
        intervention_id=body.intervention_id,
    )
    return details(item, service.today_of(settings))


@route(
    bp, ONE, "PATCH", access=Access.STAFF, roles=rights.REMINDERS, tags=("reminders",),
    body=ReminderChanges, response=ReminderOut,
    examples={"new works": {"version": 1, "works": [_WORK]}},
)  # fmt: skip
def edit_reminder(dealership_id: str, reminder_id: str, body: ReminderChanges) -> dict[str, Any]:
    """Change the works (``works``, ``version``); refused once the customer read it."""
    from dealerlink.services import reminders as service

    item = store.get(dealership_id, reminder_id)
    rules.check_edit(item.status)
    if body.version != int(item.version):
        raise ConflictError("the reminder changed meanwhile; reload and retry", field="version", code="stale_version")
    settings = _settings(dealership_id)
    today = service.today_of(settings)
    works = service.planned_works([w.model_dump(mode="json", exclude_unset=True) for w in body.works], today)
    return details(service.edit(item, works, settings), today)


@route(
    bp, ONE + "/send", "POST", access=Access.STAFF, roles=rights.REMINDERS, tags=("reminders",), response=ReminderOut
)
def send_reminder_now(dealership_id: str, reminder_id: str, principal: Principal) -> dict[str, Any]:
    """Send now: the send date becomes today (until the customer read it)."""
    from dealerlink.services import reminders as service

    settings = _settings(dealership_id)
    item = service.send_now(store.get(dealership_id, reminder_id), settings, principal.subject)
    return details(item, service.today_of(settings))


@route(
    bp, ONE + "/delay", "POST", access=Access.STAFF, roles=rights.REMINDERS, tags=("reminders",),
    body=NewSendDate, response=ReminderOut, examples={"a later send date": {"send_date": _DAY}},
)  # fmt: skip
def delay_reminder(dealership_id: str, reminder_id: str, body: NewSendDate) -> dict[str, Any]:
    """A new send date (``send_date``), only while not sent."""
    from dealerlink.services import reminders as service

    settings = _settings(dealership_id)
    item = service.delay(store.get(dealership_id, reminder_id), body.send_date, settings)
    return details(item, service.today_of(settings))


@route(
    bp, ONE + "/close", "POST", access=Access.STAFF, roles=rights.REMINDERS, tags=("reminders",), response=ReminderOut
)
def close_reminder(dealership_id: str, reminder_id: str) -> dict[str, Any]:
    """Close: nothing is sent any more, the customer's page answers nothing new."""
    from dealerlink.services import reminders as service

    item = service.close(store.get(dealership_id, reminder_id))
    return details(item, _today(dealership_id))


@route(
    bp, ONE + "/approve", "POST", access=Access.STAFF, roles=rights.REMINDERS, tags=("reminders",),
    body=StaffApproval, response=ReminderOut, examples={"the customer's choice": {"accepted_work_ids": ["p1"]}},
)  # fmt: skip
def approve_reminder(dealership_id: str, reminder_id: str, body: StaffApproval) -> dict[str, Any]:
    """After a callback, record the works the customer approved (``accepted_work_ids``): answered."""
    from dealerlink.services import reminders as service

    item = store.get(dealership_id, reminder_id)
    answered = service.apply(item, rules.staff_approve(item.state, body.accepted_work_ids))
    return details(answered, _today(dealership_id))
