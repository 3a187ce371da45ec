"""What the media pipeline has seen arrive in the media bucket, one item per object key."""

from __future__ import annotations

from datetime import UTC, datetime

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from dealerlink.domain.objects import ObjectKey
from dealerlink.store.table import BaseItem, dealership_pk


class ReceivedObject(BaseItem, discriminator="received_object"):
    """An upload the media handler took in; ``deliveries`` proves it was taken once."""

    key = UnicodeAttribute()
    size = NumberAttribute()
    etag = UnicodeAttribute()
    received_at = UnicodeAttribute()
    deliveries = NumberAttribute(default=0)


def record_received(obj: ObjectKey, *, size: int, etag: str) -> ReceivedObject:
    """Create or count the object's record; callers make it exactly-once with idempotency."""
    item = ReceivedObject(dealership_pk(obj.dealership_id), f"OBJ#{obj.path}")
    item.update(
        actions=[
            ReceivedObject.type.set(ReceivedObject),  # update() does not write the discriminator
            ReceivedObject.key.set(obj.key),
            ReceivedObject.size.set(size),
            ReceivedObject.etag.set(etag),
            ReceivedObject.received_at.set(ReceivedObject.received_at | datetime.now(UTC).isoformat()),
            ReceivedObject.deliveries.add(1),
        ]
    )
    return item


def get_received(obj: ObjectKey) -> ReceivedObject | None:
    try:
        return ReceivedObject.get(dealership_pk(obj.dealership_id), f"OBJ#{obj.path}")
    except ReceivedObject.DoesNotExist:
        return None
