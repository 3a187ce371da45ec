"""The messages of an intervention's life, rendered in their reader's language and written to the
outbox beside the change they tell of (F-3.7, F-3.10, F-11.1)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from dealerlink.adapters.site import page_url
from dealerlink.config import settings as config
from dealerlink.domain.dealerships import DealershipSettings
from dealerlink.domain.interventions import stored_reply_by
from dealerlink.domain.outbox import EmailMessage, SmsMessage
from dealerlink.domain.sending import team_recipients
from dealerlink.pages import view as v
from dealerlink.services.pages import brand_of, customer, customer_language, dealer, vehicle
from dealerlink.store.interventions import Intervention
from dealerlink.store.outbox import OutboxItem, outbox_item
from dealerlink.store.users import get_user


def _contact(item: Intervention) -> dict[str, str]:
    return dict(item.fields.get("contact") or {})


def ready(item: Intervention, settings: DealershipSettings, token: str, kinds: tuple[str, ...]) -> list[OutboxItem]:
    """ "Your intervention is ready" by email and/or SMS, in the customer's language."""
    brand = brand_of(settings, item.brand)
    lang = customer_language(item, settings)
    context = v.ReadyMessage(
        page_kind="work_report" if item.module == "work_report" else "intervention",
        module=item.module,
        url=page_url(token),
        dealership=dealer(settings, brand),
        brand=v.BrandRef(brand.code, brand.name),
        customer=customer(item),
        reference=item.reference,
        vehicle=vehicle(item),
        reply_by=stored_reply_by(item.fields.get("reply_by")),
    )
    stamp = f"ready-{item.intervention_id}-{item.version + 1}"  # one message per send, whatever retries
    return ready_outbox(item.dealership_id, item.intervention_id, stamp, lang, context, _contact(item), kinds)


def ready_outbox(
    dealership_id: str,
    subject_id: str,
    stamp: str,
    lang: str,
    context: v.ReadyMessage,
    contact: dict[str, Any],
    kinds: Iterable[str],
) -> list[OutboxItem]:
    """The "ready" email and/or SMS of a file or a reminder, as outbox items ``<stamp>-email|sms``."""
    from dealerlink.pages.render import render_email, render_sms

    messages: list[EmailMessage | SmsMessage] = []
    if "email" in kinds:
        subject, text, html = render_email("ready", lang, context)
        messages.append(
            EmailMessage(message_id=f"{stamp}-email", to=[contact["email"]], subject=subject, text=text, html=html)
        )
    if "sms" in kinds:
        text = render_sms("ready", lang, context)
        messages.append(SmsMessage(message_id=f"{stamp}-sms", to=contact["phone"], text=text))
    return [outbox_item(dealership_id, m, subject_id) for m in messages]


def accepted(
    item: Intervention, settings: DealershipSettings, channels: str, amount: Decimal, count: int
) -> list[OutboxItem]:
    """F-3.10: confirm a recorded approval to the customer by email, SMS, both or not at all."""
    from dealerlink.pages.render import render_email, render_sms

    brand = brand_of(settings, item.brand)
    lang = customer_language(item, settings)
    context = v.AcceptMessage(
        url=page_url(item.page_token) if item.page_token else config().site_url,
        dealership=dealer(settings, brand),
        brand=v.BrandRef(brand.code, brand.name),
        customer=customer(item),
        reference=item.reference,
        accepted_gross=amount,
        currency=settings.currency,
        accepted_count=count,
        vehicle=vehicle(item),
    )
    contact = _contact(item)
    messages: list[EmailMessage | SmsMessage] = []
    if channels in ("email", "both") and contact.get("email"):
        subject, text, html = render_email("manual_accept", lang, context)
        messages.append(
            EmailMessage(
                message_id=f"accept-{item.intervention_id}-email",
                to=[contact["email"]],
                subject=subject,
                text=text,
                html=html,
            )
        )
    if channels in ("sms", "both") and contact.get("phone"):
        text = render_sms("manual_accept", lang, context)
        messages.append(SmsMessage(message_id=f"accept-{item.intervention_id}-sms", to=contact["phone"], text=text))
    return [outbox_item(item.dealership_id, m, item.intervention_id) for m in messages]


def team(
    item: Intervention,
    settings: DealershipSettings,
    event: v.StaffEvent,
    *,
    amount: Decimal | None = None,
    stars: int | None = None,
    comment: str | None = None,
    callback_message: str | None = None,
) -> list[OutboxItem]:
    """F-11.1: tell the file's author, its assignee and the dealership's event addresses, each in
    their own language (event addresses in the dealership's)."""
    people: dict[str, str] = {}
    for user_id in {item.assignee_id, item.author_id if item.author_kind == "user" else None} - {None}:
        user = get_user(str(user_id))
        if user is not None and user.status == "active":
            people[user.email.lower()] = user.language
    addresses = team_recipients(settings, item.mode, event, list(people))
    contact = _contact(item)
    name = " ".join(p for p in (contact.get("first_name"), contact.get("last_name")) if p) or item.reference
    notice = v.StaffNotice(
        event=event,
        url=f"{config().backoffice_url.rstrip('/')}/interventions/{item.dealership_id}/{item.intervention_id}",
        dealership_name=settings.name,
        timezone=settings.timezone,
        reference=item.reference,
        customer_name=name,
        at=datetime.now(UTC),
        vehicle=vehicle(item),
        amount=amount,
        currency=settings.currency,
        stars=stars,
        comment=comment,
        callback_message=callback_message,
    )
    languages = {address: people.get(address, settings.default_language) for address in addresses}
    stamp = f"team-{event}-{item.intervention_id}-{item.version}"
    return staff_outbox(item.dealership_id, item.intervention_id, stamp, notice, languages)


def staff_outbox(
    dealership_id: str, subject_id: str, stamp: str, notice: v.StaffNotice, languages: Mapping[str, str]
) -> list[OutboxItem]:
    """One staff email per address, in that address's language, as outbox items ``<stamp>-<who>``."""
    from dealerlink.pages.render import render_email

    items = []
    for address, lang in languages.items():
        subject, text, html = render_email("staff", lang, notice)
        whom = hashlib.sha256(address.encode()).hexdigest()[:8]
        message = EmailMessage(message_id=f"{stamp}-{whom}", to=[address], subject=subject, text=text, html=html)
        items.append(outbox_item(dealership_id, message, subject_id))
    return items
