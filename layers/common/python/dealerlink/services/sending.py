"""Sending a file to its customer (F-3.6-F-3.8): the checks, the messages, the link, and a work
report's reminders, written with the file's new status in one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from dealerlink.adapters.site import page_url
from dealerlink.domain.interventions import Contact, Status, check_reply_by
from dealerlink.domain.sending import Channel, channels_of, check_device_send, check_send, new_token
from dealerlink.store import customers, sending
from dealerlink.store import interventions as store
from dealerlink.store.dealerships import get_dealership

PREVIEW = "preview"


@dataclass(frozen=True)
class Sent:
    """A file sent: its new state, the customer's link and the messages queued."""

    intervention_id: str
    status: str
    version: int
    link: str
    message_ids: list[str]


def _blocked(item: store.Intervention) -> set[str]:
    """F-7.3: the channels the customer opted out of."""
    found = customers.get(item.dealership_id, item.customer_id) if item.customer_id else None
    return {kind for kind, flag in (("email", found and found.block_email), ("sms", found and found.block_sms)) if flag}


def send(dealership_id: str, intervention_id: str, channel: Channel, actor: str, *, from_device: bool) -> Sent:
    """Send (or send again) by ``channel``; a resend keeps the customer's link and deadline."""
    from dealerlink.services import messages

    item = store.get(dealership_id, intervention_id)
    settings = get_dealership(dealership_id).settings
    if from_device:
        check_device_send(settings, item.mode, item.module)
    contact = Contact.model_validate(item.fields["contact"]) if item.fields.get("contact") else None
    check_send(item.status, item.module, contact, channel, _blocked(item))
    reply_by = item.fields.get("reply_by")
    if item.status == Status.WAITING_TO_SEND and reply_by:  # a resend keeps the deadline the customer has
        check_reply_by(datetime.fromisoformat(reply_by), datetime.now(UTC))
    token = item.page_token or new_token()
    outbox = messages.ready(item, settings, token, channels_of(channel))
    from dealerlink.services import reminders  # work reports only: kept off the API's import path

    made = (
        reminders.on_send(item, settings, actor)
        if item.module == "work_report" and item.status == Status.WAITING_TO_SEND
        else []
    )
    sent = sending.send(item, token=token, channel=channel.value, actor=actor, messages=outbox, created=made)
    for reminder in made:
        if isinstance(reminder, reminders.Reminder):
            reminders.schedule(reminder, settings)
    return Sent(sent.intervention_id, sent.status, int(sent.version), page_url(token), [m.message_id for m in outbox])


def revoke_link(dealership_id: str, intervention_id: str, actor: str) -> store.Intervention:
    """Revoke the customer's link at once; sending again makes a new one."""
    return sending.revoke_link(store.get(dealership_id, intervention_id), actor)


def preview(dealership_id: str, intervention_id: str) -> str:
    """The customer page as it will be sent, rendered without sending (F-3.8)."""
    from dealerlink.pages.render import render_page
    from dealerlink.services.pages import page_view
    from dealerlink.store import media

    item = store.get(dealership_id, intervention_id)
    view, _ = page_view(
        item,
        get_dealership(dealership_id).settings,
        media.of_intervention(dealership_id, intervention_id),
        token=PREVIEW,
        preview=True,
    )
    return render_page(view)
