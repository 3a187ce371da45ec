"""The transactional outbox: messages written in the same transaction as the change they tell of.

``DLR#<d>`` / ``OUTBOX#<message id>``. A change and its messages commit together or not at all;
the table stream hands each new outbox item to the notify function, which puts it on the outbox
queue (retries, then the DLQ) and delivers it once. So a message is never lost when a request
fails half-way, and never sent for a change that did not happen.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from pynamodb.attributes import UnicodeAttribute

from dealerlink.domain.outbox import EmailMessage, SmsMessage
from dealerlink.store.table import BaseItem, dealership_pk

KEPT_SECONDS = 30 * 24 * 3600


class OutboxItem(BaseItem, discriminator="outbox_message"):
    message_id = UnicodeAttribute()
    dealership_id = UnicodeAttribute()
    subject_id = UnicodeAttribute(null=True)  # the intervention or reminder it tells of
    kind = UnicodeAttribute()  # email | sms
    message = UnicodeAttribute()  # the EmailMessage or SmsMessage, JSON
    status = UnicodeAttribute(default="pending")  # pending | sent | rejected
    provider_id = UnicodeAttribute(null=True)
    error = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()


def outbox_item(dealership_id: str, message: EmailMessage | SmsMessage, subject_id: str | None = None) -> OutboxItem:
    """The item to write beside a change (``tx.save(item)``)."""
    return OutboxItem(
        dealership_pk(dealership_id),
        f"OUTBOX#{message.message_id}",
        message_id=message.message_id,
        dealership_id=dealership_id,
        subject_id=subject_id,
        kind=message.kind,
        message=message.model_dump_json(),
        created_at=datetime.now(UTC).isoformat(),
        ttl=int(time.time()) + KEPT_SECONDS,
    )


def record_outcome(dealership_id: str, message_id: str, *, provider_id: str | None, error: str | None) -> None:
    """What became of a delivery (the notify function); silently nothing for a message that had none."""
    item = OutboxItem(dealership_pk(dealership_id), f"OUTBOX#{message_id}")
    try:
        item.update(
            actions=[
                OutboxItem.status.set("rejected" if error else "sent"),
                OutboxItem.provider_id.set(provider_id) if provider_id else OutboxItem.provider_id.remove(),
                OutboxItem.error.set(error) if error else OutboxItem.error.remove(),
            ],
            condition=OutboxItem.PK.exists(),
        )
    except Exception:  # noqa: BLE001 - the outcome is also in the logs; a lost record must not resend
        return


def of_subject(dealership_id: str, subject_id: str) -> list[OutboxItem]:
    """The messages about one intervention, oldest first (a dealership's outbox is short-lived)."""
    return [
        item
        for item in OutboxItem.query(
            dealership_pk(dealership_id),
            OutboxItem.SK.startswith("OUTBOX#"),
            filter_condition=OutboxItem.subject_id == subject_id,
        )
        if isinstance(item, OutboxItem)
    ]


def save_once(item: OutboxItem) -> bool:
    """Write a message that is not part of a change (a failure notice); False if it exists already,
    so a notice retried after a crash is still sent once."""
    from pynamodb.exceptions import PutError

    try:
        item.save(condition=OutboxItem.PK.does_not_exist())
    except PutError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True
