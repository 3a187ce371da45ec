"""What happens to an intervention between the back office and its customer (F-3.7, F-5.3-F-5.5):
sent with a link, opened, rated, a callback asked for, the link revoked.

Each change is one conditional transaction with its history event and the messages that tell
of it (store.outbox), so two concurrent actions cannot both win and no message is sent for a
change that did not happen.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dealerlink.domain.interventions import Status
from dealerlink.errors import ConflictError
from dealerlink.store.interventions import Intervention, history_event, index_item, now
from dealerlink.store.outbox import OutboxItem
from dealerlink.store.pages import PageLink, link_pk, new_link
from dealerlink.store.table import BaseItem, json_text
from dealerlink.store.transactions import transaction


def _stale(item: Intervention) -> dict[tuple[str, str], ConflictError]:
    changed = ConflictError("the intervention changed meanwhile; reload and retry", code="stale_version")
    return {(item.PK, item.SK): changed}


def send(
    item: Intervention,
    *,
    token: str,
    channel: str,
    actor: str,
    messages: Sequence[OutboxItem],
    created: Sequence[BaseItem] = (),
) -> Intervention:
    """Mark the file sent (first time) and queue its messages; a new token gets its link item.

    ``created`` items (a work report's reminders) are written in the same transaction."""
    previous, before = item.version, item.status
    first = before == Status.WAITING_TO_SEND
    fresh_link = item.page_token != token
    if first:
        item.status, item.sent_at = Status.SENT.value, now()
    item.page_token, item.sent_by, item.sent_channel = token, actor, channel
    item.version, item.updated_at = previous + 1, now()
    index_item(item)
    with transaction(_stale(item)) as tx:
        tx.save(item, condition=(Intervention.version == previous) & (Intervention.status == before))
        if fresh_link:
            tx.save(new_link(token, item.dealership_id, item.intervention_id), condition=PageLink.PK.does_not_exist())
        for message in messages:
            tx.save(message, condition=OutboxItem.PK.does_not_exist())
        for extra in created:
            tx.save(extra, condition=BaseItem.PK.does_not_exist())
        tx.save(history_event(item, actor, "sent" if first else "sent_again", {"channel": channel}))
    return item


def revoke_link(item: Intervention, actor: str) -> Intervention:
    """The link stops working at once; the page is taken off the site (pages function)."""
    if not item.page_token:
        raise ConflictError("this intervention has no customer link", code="no_link")
    previous, token = item.version, item.page_token
    item.page_token, item.version, item.updated_at = None, previous + 1, now()
    with transaction(_stale(item)) as tx:
        tx.save(item, condition=Intervention.version == previous)
        tx.delete(PageLink(link_pk(token), "PAGE"))
        tx.save(history_event(item, actor, "link_revoked"))
    return item


def mark_read(item: Intervention, messages: Sequence[BaseItem]) -> bool:
    """F-5.5: the first opening of a sent page makes it read and tells the team; later ones nothing."""
    if item.status != Status.SENT:
        return False
    previous = item.version
    item.status, item.read_at = Status.READ.value, now()
    item.version, item.updated_at = previous + 1, item.read_at
    try:
        with transaction({(item.PK, item.SK): ConflictError("read already", code="read")}) as tx:
            tx.save(item, condition=(Intervention.version == previous) & (Intervention.status == Status.SENT))
            tx.save(history_event(item, "customer", "read"))
            for message in messages:
                tx.save(message)
    except ConflictError:
        return False  # another opening won: it told the team
    return True


def _customer_change(
    item: Intervention, attribute: str, value: dict[str, Any], action: str, messages: Sequence[BaseItem]
) -> Intervention:
    previous = item.version
    value = {**value, "at": now()}
    setattr(item, attribute, json_text(value))
    item.version, item.updated_at = previous + 1, value["at"]
    done = ConflictError(f"the customer's {action.replace('_', ' ')} is recorded already", code=f"already_{action}")
    with transaction({(item.PK, item.SK): done}) as tx:
        tx.save(
            item,
            condition=(Intervention.version == previous) & getattr(Intervention, attribute).does_not_exist(),
        )
        tx.save(history_event(item, "customer", action, value))
        for message in messages:
            tx.save(message)
    return item


def rate(item: Intervention, stars: int, comment: str | None, messages: Sequence[BaseItem]) -> Intervention:
    """F-5.4: one rating per page."""
    if item.rating:
        raise ConflictError("the customer's rating is recorded already", code="already_rated")
    return _customer_change(item, "rating", {"stars": stars, "comment": comment}, "rated", messages)


def request_callback(item: Intervention, message: str | None, messages: Sequence[BaseItem]) -> Intervention:
    """F-5.4: the customer asks to be called back (once; the team is told)."""
    if item.callback:
        raise ConflictError("a callback is requested already", code="already_callback")
    return _customer_change(item, "callback", {"message": message}, "callback", messages)
