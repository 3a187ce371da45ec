"""The customer's side (F-5.3-F-5.5, F-3.14): what the page's script calls, with the page token only.

An unknown, revoked and malformed token all answer the same 404. Every change is conditional
on the file's status and version: answers lock once, two confirmations at the same moment
cannot both win, and after ``answered`` nothing can be changed through the link.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from dealerlink.api.contract.public import (
    AnsweredOut,
    AnswersBody,
    BookingBody,
    CallbackBody,
    FileStateOut,
    PageStateOut,
    RatingBody,
    ReminderStateOut,
)
from dealerlink.api.edge import Access, Blueprint, route
from dealerlink.domain.interventions import Status
from dealerlink.domain.worklist import PAYABLE, accepted_gross, money, parse_works
from dealerlink.errors import NotFoundError, ValidationError
from dealerlink.store import interventions, pages, ratelimits, sending
from dealerlink.store.dealerships import get_dealership

bp = Blueprint(__name__)
BASE = "/v1/public/pages/{token}"
ANSWERABLE = (Status.SENT.value, Status.READ.value)
ACTIONS_PER_MINUTE = 30


def _link(token: str, *, counted: bool = True) -> pages.Opened:
    """What the token opens (404 alike for every token that opens nothing)."""
    opened = pages.resolve(token)
    if counted:
        ratelimits.hit(f"page#{token}", ACTIONS_PER_MINUTE, 60)
    return opened


def _opened(token: str, *, counted: bool = True) -> interventions.Intervention:
    """The file the token opens; a reminder's token opens no file."""
    opened = _link(token, counted=counted)
    if opened.kind != "intervention":
        raise NotFoundError("no such page", field="token")
    return interventions.get(opened.dealership_id, opened.subject_id)


def _reminder(token: str) -> Any:
    """The reminder the token opens; an intervention's token opens none."""
    from dealerlink.store import reminders

    opened = _link(token)
    if opened.kind != "reminder":
        raise NotFoundError("no such page", field="token")
    return reminders.get(opened.dealership_id, opened.subject_id, consistent=True)


def _reminder_state(item: Any) -> dict[str, Any]:
    state = item.state
    return {
        "status": item.status,
        "version": int(item.version),
        "locked": bool(item.locked),
        "answers": state.answers,
        "callback_requested": bool(item.callback),
    }


def _reminder_action(token: str, change: Any) -> dict[str, Any]:
    from dealerlink.services import reminders

    item = _reminder(token)
    return _reminder_state(reminders.apply(item, change(item)))


def _state(item: interventions.Intervention) -> dict[str, Any]:
    return {
        "status": item.status,
        "version": item.version,
        "locked": item.status in (Status.ANSWERED, Status.CLOSED),
        "answers": json.loads(item.answers) if item.answers else None,
        "rated": bool(item.rating),
        "callback_requested": bool(item.callback),
    }


@route(bp, BASE, "GET", access=Access.CUSTOMER, tags=("public",), response=PageStateOut)
def page_state(token: str) -> dict[str, Any]:
    """Where the customer's file (or reminder) stands (the page polls it after an action)."""
    opened = _link(token, counted=False)
    if opened.kind == "reminder":
        return _reminder_state(_reminder(token))
    return _state(_opened(token, counted=False))


@route(bp, BASE + "/opened", "POST", access=Access.CUSTOMER, tags=("public",), response=PageStateOut)
def page_opened(token: str) -> dict[str, Any]:
    """F-5.5: the first opening marks the file read and tells the team; later ones change nothing."""
    from dealerlink.domain import reminders as rules
    from dealerlink.services import messages

    if _link(token, counted=False).kind == "reminder":
        return _reminder_action(token, lambda item: rules.mark_read(item.state))
    item = _opened(token)
    if item.status == Status.SENT:
        settings = get_dealership(item.dealership_id).settings
        sending.mark_read(item, list(messages.team(item, settings, "read")))
    return _state(interventions.get(item.dealership_id, item.intervention_id))


def _check_answers(answers: dict[str, bool], proposed: set[str]) -> None:
    """Every proposed work answered, and no other."""
    for work_id in answers:
        if work_id not in proposed:
            raise ValidationError(
                f"{work_id!r} is not a proposed work of this page", field=f"answers.{work_id}", code="unknown_work"
            )
    for work_id in sorted(proposed - set(answers)):
        raise ValidationError(
            "approve or decline every proposed work", field=f"answers.{work_id}", code="answer_required"
        )


@route(
    bp, BASE + "/answers", "POST", access=Access.CUSTOMER, tags=("public",),
    body=AnswersBody, response=AnsweredOut,
    examples={"approve two, decline one": {"answers": {"brakes": True, "wipers": True, "tyres": False}}},
)  # fmt: skip
def confirm_answers(token: str, body: AnswersBody) -> dict[str, Any]:
    """F-5.3: approve or decline each proposed work and confirm: the file is answered, the answers lock."""
    from dealerlink.services import messages

    item = _opened(token)
    works = parse_works(item.fields.get("works", []))
    proposed = {str(w.id) for w in works if w.urgency in PAYABLE}
    answers = body.answers
    _check_answers(answers, proposed)
    settings = get_dealership(item.dealership_id).settings
    accepted = {work_id for work_id, yes in answers.items() if yes}
    amount = accepted_gross(works, Decimal(settings.vat_rate), accepted)
    notices = list(messages.team(item, settings, "answered", amount=amount))
    answered = interventions.record_answers(
        item, answers, str(amount), "customer_page", "customer", answerable=ANSWERABLE, messages=notices
    )
    return {**_state(answered), "accepted_amount": money(amount, settings.currency)}


@route(
    bp, BASE + "/rating", "POST", access=Access.CUSTOMER, tags=("public",),
    body=RatingBody, response=FileStateOut,
    examples={"five stars and a word": {"stars": 5, "comment": "Clear and quick, thank you"}},
)  # fmt: skip
def rate_dealer(token: str, body: RatingBody) -> dict[str, Any]:
    """F-5.4: one rating of 1 to 5 stars, with an optional comment."""
    from dealerlink.services import messages

    stars, comment = body.stars, body.comment
    item = _opened(token)
    settings = get_dealership(item.dealership_id).settings
    text = comment.strip() or None if comment else None
    notices = list(messages.team(item, settings, "rated", stars=stars, comment=text))
    return _state(sending.rate(item, stars, text, notices))


@route(
    bp, BASE + "/callback", "POST", access=Access.CUSTOMER, tags=("public",),
    body=CallbackBody, response=PageStateOut,
    examples={"with a message": {"message": "After 6 pm, please"}, "no message": {}},
)  # fmt: skip
def request_callback(token: str, body: CallbackBody) -> dict[str, Any]:
    """F-5.4: the customer asks to be called back; the team is told (possible after answering too)."""
    from dealerlink.domain import reminders as rules
    from dealerlink.services import messages

    message = body.message
    if _link(token, counted=False).kind == "reminder":
        return _reminder_action(token, lambda item: rules.request_callback(item.state))
    item = _opened(token)
    settings = get_dealership(item.dealership_id).settings
    text = message.strip() or None if message else None
    notices = list(messages.team(item, settings, "callback", callback_message=text))
    return _state(sending.request_callback(item, text, notices))


@route(
    bp, BASE + "/booking", "POST", access=Access.CUSTOMER, tags=("public",),
    body=BookingBody, response=ReminderStateOut,
    examples={"book for two works": {"accepted_work_ids": ["p1", "p2"]}},
)  # fmt: skip
def book_appointment(token: str, body: BookingBody) -> dict[str, Any]:
    """F-6.9: book for the selected works (``accepted_work_ids``); the page then opens the booking link."""
    from dealerlink.domain import reminders as rules

    selected = body.accepted_work_ids

    def change(item: Any) -> Any:
        from dealerlink.services.pages import brand_of, dealer

        settings = get_dealership(item.dealership_id).settings
        booking = dealer(settings, brand_of(settings, item.brand)).booking_link
        return rules.book(item.state, selected, booking)

    return _reminder_action(token, change)


@route(bp, BASE + "/decline-all", "POST", access=Access.CUSTOMER, tags=("public",), response=ReminderStateOut)
def decline_all_works(token: str) -> dict[str, Any]:
    """F-6.9: decline every work of the reminder: answered and locked (a callback stays possible).

    It takes no body (the page sends ``{}``, which is read and ignored)."""
    from dealerlink.domain import reminders as rules

    return _reminder_action(token, lambda item: rules.decline_all(item.state))
