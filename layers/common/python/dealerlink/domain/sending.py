"""Sending an intervention to its customer (F-3.7, F-3.14, F-3.15) and telling the team (F-11.1).

Pure rules: which channel may carry the link, who may send from where, what a page token looks
like, and who hears of the customer's actions.
"""

from __future__ import annotations

import re
import secrets
from enum import StrEnum

from dealerlink.domain.dealerships import DealershipSettings
from dealerlink.domain.interventions import Contact, Status, readiness
from dealerlink.errors import ConflictError, ForbiddenError, ValidationError


class Channel(StrEnum):
    EMAIL = "email"
    SMS = "sms"
    BOTH = "both"
    LINK = "link"  # the API answers the link; the app shares it (WhatsApp, Messenger…)


TOKEN_BYTES = 24  # 192 bits: unguessable, and short enough for an SMS
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")
RESENDABLE = (Status.SENT, Status.READ)


def new_token() -> str:
    """A fresh page token for a customer link."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def looks_like_token(value: str) -> bool:
    """Shape only: a malformed token is refused before any read, with the same 404 as others."""
    return bool(_TOKEN.match(value))


def direct_send_allowed(settings: DealershipSettings, mode: str, module: str) -> bool:
    """F-3.7/F-3.15: the dealership decides whether phones may send; in sales, only direct messages."""
    if mode == "sales":
        return settings.sales.direct_send_from_app and module == "direct_message"
    return settings.after_sales.direct_send_from_app


def channels_of(channel: Channel) -> tuple[str, ...]:
    """The messages a channel sends: ``both`` is an email and an SMS, ``link`` none."""
    return {"email": ("email",), "sms": ("sms",), "both": ("email", "sms"), "link": ()}[channel.value]


def check_send(status: str, module: str, contact: Contact | None, channel: Channel, blocked: set[str]) -> None:
    """Refuse a send that cannot reach the customer, naming what is missing.

    A sent or read file may be sent again (the customer lost the message); an answered one only
    shares its link (F-3.14: the answers are locked, the link may go to third parties).
    """
    if status == Status.CLOSED:
        raise ConflictError("a closed intervention is not sent", code="closed")
    if status == Status.ANSWERED and channel != Channel.LINK:
        raise ConflictError("the customer answered already: share the link instead", field="channel", code="answered")
    ready = readiness(module, contact)
    if not ready["can_send"]:
        missing = ready["missing"][0]
        field = missing if missing.startswith("contact.") else "module"
        raise ConflictError(f"not ready to send: {', '.join(ready['missing'])}", field=field, code="not_ready")
    assert contact is not None
    for kind in channels_of(channel):
        if kind == "email" and not contact.email:
            raise ValidationError("an email needs the contact's email address", field="contact.email")
        if kind == "sms" and not contact.phone:
            raise ValidationError("an SMS needs the contact's phone number", field="contact.phone")
        if kind in blocked:
            raise ConflictError(f"the customer opted out of {kind}", field="channel", code="channel_blocked")


def check_device_send(settings: DealershipSettings, mode: str, module: str) -> None:
    if not direct_send_allowed(settings, mode, module):
        raise ForbiddenError(
            "this dealership does not allow sending from the app for this module", code="direct_send_not_allowed"
        )


def team_recipients(settings: DealershipSettings, mode: str, event: str, people: list[str | None]) -> list[str]:
    """Who hears of a customer's action (F-11.1, F-9.2, F-9.3): the file's author and assignee,
    and in after-sales the dealership's event addresses; nobody when the event is switched off."""
    switches = settings.after_sales.notifications
    wanted = {
        "read": switches.on_read,
        "answered": switches.on_answer,
        "callback": switches.on_callback,
        "rated": switches.on_answer,
        "paid": switches.on_payment,
        "deadline_passed": switches.on_deadline_passed,
    }.get(event, True)
    if not wanted:
        return []
    if mode == "sales" and not settings.sales.notify_salesperson:
        people = []
    addresses = [p for p in people if p]
    if mode == "after_sales":
        addresses += list(settings.after_sales.event_addresses)
    return sorted({a.lower() for a in addresses})
