"""Customer links: ``PAGE#<token>`` → the page it opens. A revoked link's item is gone, so an
unknown, revoked and malformed token all look the same: not found."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from pynamodb.attributes import UnicodeAttribute

from dealerlink.domain.sending import looks_like_token
from dealerlink.errors import NotFoundError
from dealerlink.store.table import BaseItem

LINK_SK = "PAGE"


class PageLink(BaseItem, discriminator="page_link"):
    dealership_id = UnicodeAttribute()
    subject_id = UnicodeAttribute()  # the intervention (or reminder) the page shows
    kind = UnicodeAttribute()  # intervention | reminder
    created_at = UnicodeAttribute()


def link_pk(token: str) -> str:
    return f"PAGE#{token}"


def new_link(token: str, dealership_id: str, subject_id: str, kind: str = "intervention") -> PageLink:
    return PageLink(
        link_pk(token),
        LINK_SK,
        dealership_id=dealership_id,
        subject_id=subject_id,
        kind=kind,
        created_at=datetime.now(UTC).isoformat(),
    )


@dataclass(frozen=True)
class Opened:
    dealership_id: str
    subject_id: str
    kind: str


def resolve(token: str) -> Opened:
    """What a customer's token opens; one 404 for every token that opens nothing."""
    missing = NotFoundError("no such page", field="token")
    if not looks_like_token(token):
        raise missing
    try:
        link = PageLink.get(link_pk(token), LINK_SK, consistent_read=True)
    except PageLink.DoesNotExist:
        raise missing from None
    return Opened(link.dealership_id, link.subject_id, link.kind)
