"""The customer's side (F-5.3-F-5.5, F-3.14): what the page's script calls, with the page token only.

An unknown, revoked and malformed token all answer the same 404. Every change is conditional
on the file's status and version: answers lock once, two confirmations at the same moment
cannot both win, and after ``answered`` nothing can be changed through the link. The use cases
live in ``services.customer_page``; each view here parses, calls one and serialises.
"""

from __future__ import annotations

from dataclasses import asdict
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
from dealerlink.services import customer_page

bp = Blueprint(__name__)
BASE = "/v1/public/pages/{token}"


def _out(state: customer_page.PageState) -> dict[str, Any]:
    """The use case's answer as the plain dict the response model validates."""
    return asdict(state)


@route(bp, BASE, "GET", access=Access.CUSTOMER, tags=("public",), response=PageStateOut)
def page_state(token: str) -> dict[str, Any]:
    """Where the customer's file (or reminder) stands (the page polls it after an action)."""
    return _out(customer_page.state(token))


@route(bp, BASE + "/opened", "POST", access=Access.CUSTOMER, tags=("public",), response=PageStateOut)
def page_opened(token: str) -> dict[str, Any]:
    """F-5.5: the first opening marks the file read and tells the team; later ones change nothing."""
    return _out(customer_page.opened(token))


@route(
    bp, BASE + "/answers", "POST", access=Access.CUSTOMER, tags=("public",),
    body=AnswersBody, response=AnsweredOut,
    examples={"approve two, decline one": {"answers": {"brakes": True, "wipers": True, "tyres": False}}},
)  # fmt: skip
def confirm_answers(token: str, body: AnswersBody) -> dict[str, Any]:
    """F-5.3: approve or decline each proposed work and confirm: the file is answered, the answers lock."""
    return _out(customer_page.answer(token, body.answers))


@route(
    bp, BASE + "/rating", "POST", access=Access.CUSTOMER, tags=("public",),
    body=RatingBody, response=FileStateOut,
    examples={"five stars and a word": {"stars": 5, "comment": "Clear and quick, thank you"}},
)  # fmt: skip
def rate_dealer(token: str, body: RatingBody) -> dict[str, Any]:
    """F-5.4: one rating of 1 to 5 stars, with an optional comment."""
    return _out(customer_page.rate(token, body.stars, body.comment))


@route(
    bp, BASE + "/callback", "POST", access=Access.CUSTOMER, tags=("public",),
    body=CallbackBody, response=PageStateOut,
    examples={"with a message": {"message": "After 6 pm, please"}, "no message": {}},
)  # fmt: skip
def request_callback(token: str, body: CallbackBody) -> dict[str, Any]:
    """F-5.4: the customer asks to be called back; the team is told (possible after answering too)."""
    return _out(customer_page.request_callback(token, body.message))


@route(
    bp, BASE + "/booking", "POST", access=Access.CUSTOMER, tags=("public",),
    body=BookingBody, response=ReminderStateOut,
    examples={"book for two works": {"accepted_work_ids": ["p1", "p2"]}},
)  # fmt: skip
def book_appointment(token: str, body: BookingBody) -> dict[str, Any]:
    """F-6.9: book for the selected works (``accepted_work_ids``); the page then opens the booking link."""
    return _out(customer_page.book(token, body.accepted_work_ids))


@route(bp, BASE + "/decline-all", "POST", access=Access.CUSTOMER, tags=("public",), response=ReminderStateOut)
def decline_all_works(token: str) -> dict[str, Any]:
    """F-6.9: decline every work of the reminder: answered and locked (a callback stays possible).

    It takes no body (the page sends ``{}``, which is read and ignored)."""
    return _out(customer_page.decline_all(token))
