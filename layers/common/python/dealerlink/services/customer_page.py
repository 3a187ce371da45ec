"""The customer's page (F-5.3-F-5.5, F-6.9): what a page token may read and do, as use cases.

The token is the only credential: an unknown, revoked and malformed token all answer the same
404, and a token's actions are rate-limited. Every change is conditional on the file's (or the
reminder's) status and version: answers lock once, two confirmations at the same moment cannot
both win, and after ``answered`` nothing can be changed through the link. The team is told of
each action in the same transaction as the change.

Reminders' modules (``store.reminders``, ``services.reminders``, ``domain.reminders``) and
``services.messages`` are imported where they are used: the API imports this module at its
first customer request, and a file's page never needs the reminders' code (cold start).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from dealerlink.domain.interventions import Status
from dealerlink.domain.worklist import PAYABLE, accepted_gross, money, parse_works
from dealerlink.errors import NotFoundError, ValidationError
from dealerlink.store import interventions, pages, ratelimits, sending
from dealerlink.store.dealerships import get_dealership

if TYPE_CHECKING:
    from dealerlink.domain.reminders import ReminderState
    from dealerlink.store.reminders import Reminder

ANSWERABLE = (Status.SENT.value, Status.READ.value)
ACTIONS_PER_MINUTE = 30


@dataclass(frozen=True)
class FileState:
    """Where a customer's file stands, as the page shows it."""

    status: str
    version: int
    locked: bool
    answers: dict[str, bool] | None
    rated: bool
    callback_requested: bool


@dataclass(frozen=True)
class Answered(FileState):
    """An answered file, with what its approved works come to (``{"amount", "currency"}``)."""

    accepted_amount: dict[str, str]


@dataclass(frozen=True)
class ReminderPageState:
    """Where a customer's reminder stands, as the page shows it."""

    status: str
    version: int
    locked: bool
    answers: dict[str, bool] | None
    callback_requested: bool


PageState = FileState | ReminderPageState


def _link(token: str, *, counted: bool = True) -> pages.Opened:
    """What the token opens (404 alike for every token that opens nothing); ``counted`` spends
    one of the token's actions of the minute."""
    opened = pages.resolve(token)
    if counted:
        ratelimits.hit(f"page#{token}", ACTIONS_PER_MINUTE, 60)
    return opened


def _file(token: str, *, counted: bool = True) -> interventions.Intervention:
    """The file the token opens; a reminder's token opens no file."""
    opened = _link(token, counted=counted)
    if opened.kind != "intervention":
        raise NotFoundError("no such page", field="token")
    return interventions.get(opened.dealership_id, opened.subject_id)


def _reminder(token: str) -> Reminder:
    """The reminder the token opens (read consistently: the page acts on what it just saw); an
    intervention's token opens none."""
    from dealerlink.store import reminders

    opened = _link(token)
    if opened.kind != "reminder":
        raise NotFoundError("no such page", field="token")
    return reminders.get(opened.dealership_id, opened.subject_id, consistent=True)


def _is_reminder(token: str) -> bool:
    """Whether the token opens a reminder (not counted: the action that follows counts)."""
    return _link(token, counted=False).kind == "reminder"


def _reminder_state(item: Reminder) -> ReminderPageState:
    state = item.state
    return ReminderPageState(
        status=item.status,
        version=int(item.version),
        locked=bool(item.locked),
        answers=state.answers,
        callback_requested=bool(item.callback),
    )


def _reminder_action(token: str, change: Callable[[Reminder], ReminderState]) -> ReminderPageState:
    """Apply the customer's transition to the reminder the token opens, and say where it stands."""
    from dealerlink.services import reminders

    item = _reminder(token)
    return _reminder_state(reminders.apply(item, change(item)))


def _state(item: interventions.Intervention) -> FileState:
    return FileState(
        status=item.status,
        version=int(item.version),
        locked=item.status in (Status.ANSWERED, Status.CLOSED),
        answers=interventions.answers_of(item),
        rated=bool(item.rating),
        callback_requested=bool(item.callback),
    )


def _text(words: str | None) -> str | None:
    """The customer's words, trimmed; blank is none."""
    return words.strip() or None if words else None


def state(token: str) -> PageState:
    """Where the customer's file (or reminder) stands; the page polls it after an action, so a
    file's read is not counted (a reminder's is)."""
    if _is_reminder(token):
        return _reminder_state(_reminder(token))
    return _state(_file(token, counted=False))


def opened(token: str) -> PageState:
    """F-5.5: the first opening marks the file (or reminder) read and tells the team; later ones
    change nothing."""
    from dealerlink.domain import reminders as rules
    from dealerlink.services import messages

    if _is_reminder(token):
        return _reminder_action(token, lambda item: rules.mark_read(item.state))
    item = _file(token)
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


def answer(token: str, answers: dict[str, bool]) -> Answered:
    """F-5.3: approve or decline each proposed work and confirm: the file is answered, the answers
    lock, and the team learns what the approved works come to."""
    from dealerlink.services import messages

    item = _file(token)
    works = parse_works(item.fields.get("works", []))
    proposed = {str(w.id) for w in works if w.urgency in PAYABLE}
    _check_answers(answers, proposed)
    settings = get_dealership(item.dealership_id).settings
    accepted = {work_id for work_id, yes in answers.items() if yes}
    amount = accepted_gross(works, Decimal(settings.vat_rate), accepted)
    notices = list(messages.team(item, settings, "answered", amount=amount))
    answered = interventions.record_answers(
        item, answers, str(amount), "customer_page", "customer", answerable=ANSWERABLE, messages=notices
    )
    return Answered(**asdict(_state(answered)), accepted_amount=money(amount, settings.currency))


def rate(token: str, stars: int, comment: str | None) -> FileState:
    """F-5.4: one rating of 1 to 5 stars, with an optional comment; the team is told."""
    from dealerlink.services import messages

    item = _file(token)
    settings = get_dealership(item.dealership_id).settings
    text = _text(comment)
    notices = list(messages.team(item, settings, "rated", stars=stars, comment=text))
    return _state(sending.rate(item, stars, text, notices))


def request_callback(token: str, message: str | None) -> PageState:
    """F-5.4: the customer asks to be called back, about a file or a reminder; the team is told
    (possible after answering too)."""
    from dealerlink.domain import reminders as rules
    from dealerlink.services import messages

    if _is_reminder(token):
        return _reminder_action(token, lambda item: rules.request_callback(item.state))
    item = _file(token)
    settings = get_dealership(item.dealership_id).settings
    text = _text(message)
    notices = list(messages.team(item, settings, "callback", callback_message=text))
    return _state(sending.request_callback(item, text, notices))


def book(token: str, work_ids: list[str]) -> ReminderPageState:
    """F-6.9: book for the reminder's selected works, with the brand's booking link (the page
    then opens it)."""
    from dealerlink.domain import reminders as rules

    def change(item: Reminder) -> ReminderState:
        from dealerlink.services.pages import brand_of, dealer

        settings = get_dealership(item.dealership_id).settings
        booking = dealer(settings, brand_of(settings, item.brand)).booking_link
        return rules.book(item.state, work_ids, booking)

    return _reminder_action(token, change)


def decline_all(token: str) -> ReminderPageState:
    """F-6.9: decline every work of the reminder: answered and locked (a callback stays possible)."""
    from dealerlink.domain import reminders as rules

    return _reminder_action(token, lambda item: rules.decline_all(item.state))
