"""Sending (F-3.7), preview (F-3.8) and the customer's link (F-3.14).

``send`` checks the file can reach its customer (F-3.5 readiness, opted-out channels), issues the
page token the first time, and writes the messages to the outbox in the same transaction as the
status change: a failed request sends nothing, a sent file's messages are never lost.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from chalice import Response

from dealerlink.adapters.site import page_url
from dealerlink.api import rights
from dealerlink.api.contract.sending import LinkRevokedOut, SendBody, SentOut
from dealerlink.api.edge import Access, Blueprint, html_response, per_request, route
from dealerlink.domain.dealerships import DealershipSettings
from dealerlink.domain.identity import Principal
from dealerlink.domain.interventions import Contact, Status, check_reply_by
from dealerlink.domain.sending import channels_of, check_device_send, check_send, new_token
from dealerlink.pages.headers import PAGE_HEADERS
from dealerlink.store import customers, media, sending
from dealerlink.store import interventions as store
from dealerlink.store.dealerships import get_dealership

bp = Blueprint(__name__)
ONE = "/v1/dealerships/{dealership_id}/interventions/{intervention_id}"
PREVIEW = "preview"


def _settings(dealership_id: str) -> DealershipSettings:
    return per_request(f"settings#{dealership_id}", lambda: get_dealership(dealership_id).settings)


def _blocked(item: store.Intervention) -> set[str]:
    """F-7.3: the channels the customer opted out of."""
    found = customers.get(item.dealership_id, item.customer_id) if item.customer_id else None
    return {kind for kind, flag in (("email", found and found.block_email), ("sms", found and found.block_sms)) if flag}


def _send(
    dealership_id: str, intervention_id: str, principal: Principal, body: SendBody, *, from_device: bool
) -> dict[str, Any]:
    from dealerlink.services import messages

    channel = body.channel
    item = store.get(dealership_id, intervention_id)
    settings = _settings(dealership_id)
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
        reminders.on_send(item, settings, principal.subject)
        if item.module == "work_report" and item.status == Status.WAITING_TO_SEND
        else []
    )
    sent = sending.send(
        item, token=token, channel=channel.value, actor=principal.subject, messages=outbox, created=made
    )
    for reminder in made:
        if isinstance(reminder, reminders.Reminder):
            reminders.schedule(reminder, settings)
    return {
        "id": sent.intervention_id,
        "status": sent.status,
        "version": sent.version,
        "link": page_url(token),
        "messages": [m.message_id for m in outbox],
    }


SEND_EXAMPLES = {
    "send by email": {"channel": "email"},
    "send by email and SMS": {"channel": "both"},
    "share the link (WhatsApp…)": {"channel": "link"},
}


@route(
    bp, ONE + "/send", "POST", access=Access.STAFF, roles=rights.FILES, tags=("sending",),
    body=SendBody, response=SentOut, examples=SEND_EXAMPLES,
)  # fmt: skip
def send_intervention(dealership_id: str, intervention_id: str, principal: Principal, body: SendBody) -> dict[str, Any]:
    """Send by email, SMS, both, or answer the link to share (``{"channel": ...}``)."""
    return _send(dealership_id, intervention_id, principal, body, from_device=False)


@route(
    bp, "/v1/device/interventions/{intervention_id}/send", "POST", access=Access.DEVICE, tags=("device",),
    body=SendBody, response=SentOut, examples=SEND_EXAMPLES,
)  # fmt: skip
def send_from_phone(intervention_id: str, principal: Principal, body: SendBody) -> dict[str, Any]:
    """Send straight from the app, where the dealership allows it (F-3.7, F-3.15)."""
    return _send(principal.dealership_id, intervention_id, principal, body, from_device=True)


@route(bp, ONE + "/link", "DELETE", access=Access.STAFF, roles=rights.FILES, tags=("sending",), response=LinkRevokedOut)
def revoke_link(dealership_id: str, intervention_id: str, principal: Principal) -> dict[str, Any]:
    """Revoke the customer's link at once; sending again makes a new one."""
    item = sending.revoke_link(store.get(dealership_id, intervention_id), principal.subject)
    return {"id": item.intervention_id, "link": None, "version": item.version}


@route(bp, ONE + "/preview", "GET", access=Access.STAFF, roles=rights.READ, tags=("sending",), media_type="text/html")
def preview_intervention(dealership_id: str, intervention_id: str) -> Response:
    """The customer page exactly as it will be sent, rendered without sending (F-3.8).

    Open it through the site's origin (``/api/v1/...``): the page links its CSS and JS there."""
    from dealerlink.pages.render import render_page
    from dealerlink.services.pages import page_view

    item = store.get(dealership_id, intervention_id)
    view, _ = page_view(
        item,
        _settings(dealership_id),
        media.of_intervention(dealership_id, intervention_id),
        token=PREVIEW,
        preview=True,
    )
    return html_response(render_page(view), PAGE_HEADERS)  # the headers CloudFront gives pages
