"""The single table's base model: generic keys, a type, overloaded GSIs, a TTL.

Every tenant-owned item's PK starts with ``DLR#<dealership id>``; no query crosses it.
"""

from __future__ import annotations

import os

from pynamodb.attributes import DiscriminatorAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model


def _table_name() -> str:
    return os.environ.get("TABLE_NAME", "dealerlink-local-main")


def _region() -> str:
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "eu-west-1"


def dealership_pk(dealership_id: str) -> str:
    return f"DLR#{dealership_id}"


class GSI1(GlobalSecondaryIndex["BaseItem"]):
    class Meta:
        index_name = "GSI1"
        projection = AllProjection()

    GSI1PK = UnicodeAttribute(hash_key=True)
    GSI1SK = UnicodeAttribute(range_key=True)


class GSI2(GlobalSecondaryIndex["BaseItem"]):
    class Meta:
        index_name = "GSI2"
        projection = AllProjection()

    GSI2PK = UnicodeAttribute(hash_key=True)
    GSI2SK = UnicodeAttribute(range_key=True)


class BaseItem(Model):
    """Shared keys of every item; each subclass names its ``type`` as a discriminator.

    Example::

        class Dealership(BaseItem, discriminator="dealership"):
            name = UnicodeAttribute()
    """

    class Meta:
        table_name = _table_name()
        region = _region()

    PK = UnicodeAttribute(hash_key=True)
    SK = UnicodeAttribute(range_key=True)
    type = DiscriminatorAttribute()
    GSI1PK = UnicodeAttribute(null=True)
    GSI1SK = UnicodeAttribute(null=True)
    GSI2PK = UnicodeAttribute(null=True)
    GSI2SK = UnicodeAttribute(null=True)
    ttl = NumberAttribute(null=True)

    gsi1 = GSI1()
    gsi2 = GSI2()
