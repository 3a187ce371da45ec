"""Sending (F-3.7), preview (F-3.8) and the customer's link (F-3.14).

``send`` checks the file can reach its customer (F-3.5 readiness, opted-out channels), issues the
page token the first time, and writes the messages to the outbox in the same transaction as the
status change: a failed request sends nothing, a sent file's messages are never lost.
"""

from __future__ import annotations

from typing import Any

from chalice import Response

from dealerlink.api import rights
from dealerlink.api.contract.sending import LinkRevokedOut, SendBody, SentOut
from dealerlink.api.edge import Access, Blueprint, html_response, route
from dealerlink.domain.identity import Principal
from dealerlink.pages.headers import PAGE_HEADERS
from dealerlink.services import sending

bp = Blueprint(__name__)
ONE = "/v1/dealerships/{dealership_id}/interventions/{intervention_id}"


def _sent(done: sending.Sent) -> dict[str, Any]:
    return {
        "id": done.intervention_id,
        "status": done.status,
        "version": done.version,
        "link": done.link,
        "messages": done.message_ids,
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
    return _sent(sending.send(dealership_id, intervention_id, body.channel, principal.subject, from_device=False))


@route(
    bp, "/v1/device/interventions/{intervention_id}/send", "POST", access=Access.DEVICE, tags=("device",),
    body=SendBody, response=SentOut, examples=SEND_EXAMPLES,
)  # fmt: skip
def send_from_phone(intervention_id: str, principal: Principal, body: SendBody) -> dict[str, Any]:
    """Send straight from the app, where the dealership allows it (F-3.7, F-3.15)."""
    done = sending.send(principal.dealership_id, intervention_id, body.channel, principal.subject, from_device=True)
    return _sent(done)


@route(bp, ONE + "/link", "DELETE", access=Access.STAFF, roles=rights.FILES, tags=("sending",), response=LinkRevokedOut)
def revoke_link(dealership_id: str, intervention_id: str, principal: Principal) -> dict[str, Any]:
    """Revoke the customer's link at once; sending again makes a new one."""
    item = sending.revoke_link(dealership_id, intervention_id, principal.subject)
    return {"id": item.intervention_id, "link": None, "version": item.version}


@route(bp, ONE + "/preview", "GET", access=Access.STAFF, roles=rights.READ, tags=("sending",), media_type="text/html")
def preview_intervention(dealership_id: str, intervention_id: str) -> Response:
    """The customer page exactly as it will be sent, rendered without sending (F-3.8).

    Open it through the site's origin (``/api/v1/...``): the page links its CSS and JS there."""
    return html_response(sending.preview(dealership_id, intervention_id), PAGE_HEADERS)  # CloudFront's page headers
