"""The sending routes' contract (F-3.7, F-3.14): the channel asked for, what a send answers."""

from __future__ import annotations

from pydantic import Field

from dealerlink.api.contract.common import Body, Out
from dealerlink.domain.interventions import Status
from dealerlink.domain.sending import Channel


class SendBody(Body):
    """How the file reaches its customer."""

    channel: Channel = Field(
        description="`email`, `sms`, `both` (an email and an SMS), or `link`: nothing is sent, the link is answered"
    )


class SentOut(Out):
    """A sent file: its link, and the messages put in the outbox with the status change."""

    id: str
    status: Status
    version: int
    link: str = Field(description="the customer's page (the same link on every send until revoked)")
    messages: list[str] = Field(description="ids of the outbox messages (none for `link`)")


class LinkRevokedOut(Out):
    """A file whose link no longer opens anything."""

    id: str
    link: None
    version: int
