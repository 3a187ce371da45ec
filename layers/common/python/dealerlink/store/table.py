"""The single table's base model: generic keys, a type, overloaded GSIs, a TTL.

Every tenant-owned item's PK starts with ``DLR#<dealership id>``; no query crosses it.
Every item is measured before it is written (DynamoDB refuses items over 400 KB with an error
that would be a 500): one too big is a 413 naming its largest field, and nothing is written.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from pynamodb.attributes import DiscriminatorAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DeleteError, PutError, UpdateError
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from dealerlink.errors import DealerLinkError, InvalidCursorError, PayloadTooLargeError

if TYPE_CHECKING:
    from pynamodb.expressions.condition import Condition

MAX_ITEM_BYTES = 400 * 1024  # DynamoDB's limit: UTF-8 bytes of attribute names and values


def _table_name() -> str:
    return os.environ.get("TABLE_NAME", "dealerlink-local-main")


def _region() -> str:
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "eu-west-1"


def dealership_pk(dealership_id: str) -> str:
    return f"DLR#{dealership_id}"


def json_text(value: Any) -> str:
    """JSON for a string attribute, multibyte text kept as is: an 'é' costs 2 bytes, not 6."""
    return json.dumps(value, ensure_ascii=False)


def start_key(
    cursor: Mapping[str, Any] | None, *, equal: Mapping[str, str], prefix: Mapping[str, str]
) -> dict[str, Any] | None:
    """``cursor`` as the start key of a query whose keys are ``equal`` (partition keys, exactly
    these values) and ``prefix`` (sort keys, values starting so); else a 400 ``invalid_cursor``.

    DynamoDB answers a start key of another list, index or dealership with an error (a 500 to
    the client), or worse with that list's items; the query that would use it refuses it here.

    Example::

        start_key(cursor, equal={"PK": dealership_pk(d)}, prefix={"SK": "USER#"})
    """
    if cursor is None:
        return None
    if set(cursor) != {*equal, *prefix}:
        raise InvalidCursorError()
    for name, value in cursor.items():
        if not (isinstance(value, dict) and set(value) == {"S"} and isinstance(value["S"], str)):
            raise InvalidCursorError()
        text = value["S"]
        if (name in equal and text != equal[name]) or (name in prefix and not text.startswith(prefix[name])):
            raise InvalidCursorError()
    return dict(cursor)


def _value_size(value: Mapping[str, Any]) -> int:
    """The bytes DynamoDB counts for one serialized value (``{"S": ...}``, ``{"M": ...}``…)."""
    (kind, data), *_ = value.items()
    if kind == "S":
        return len(str(data).encode())
    if kind == "N":
        digits = str(data).lstrip("-").replace(".", "").strip("0")
        return (len(digits) + 1) // 2 + 1
    if kind == "B":
        return len(data)
    if kind in ("SS", "NS", "BS"):
        return sum(_value_size({kind[0]: element}) for element in data)
    if kind == "L":
        return 3 + sum(1 + _value_size(element) for element in data)
    if kind == "M":
        return 3 + sum(1 + len(key.encode()) + _value_size(element) for key, element in data.items())
    return 1  # BOOL, NULL


def item_size(item: Model) -> int:
    """``item``'s size as DynamoDB counts it, from PynamoDB's serialized form."""
    serialized = item.serialize(null_check=False)
    return sum(len(name.encode()) + _value_size(value) for name, value in serialized.items())


def _largest_field(serialized: Mapping[str, Mapping[str, Any]]) -> str:
    """The attribute taking the most room; in a JSON object attribute, its largest member."""
    name = max(serialized, key=lambda n: _value_size(serialized[n]))
    text = serialized[name].get("S")
    try:
        document = json.loads(text) if isinstance(text, str) else None
    except ValueError:
        document = None
    if isinstance(document, dict) and document:
        return str(max(document, key=lambda key: len(json_text(document[key]).encode())))
    return name


def check_item_size(item: Model) -> None:
    """Refuse, before writing, an item DynamoDB would refuse: a 413 naming what is too big."""
    size = item_size(item)
    if size <= MAX_ITEM_BYTES:
        return
    serialized = item.serialize(null_check=False)
    kind = str(serialized.get("type", {}).get("S", "item")).replace("_", " ")
    raise PayloadTooLargeError(
        f"this {kind} would take {size:,} bytes; an item holds at most {MAX_ITEM_BYTES:,}",
        field=_largest_field(serialized),
    )


class GSI1(GlobalSecondaryIndex["BaseItem"]):  # type: ignore[no-untyped-call]
    class Meta:
        index_name = "GSI1"
        projection = AllProjection()

    GSI1PK = UnicodeAttribute(hash_key=True)
    GSI1SK = UnicodeAttribute(range_key=True)


class GSI2(GlobalSecondaryIndex["BaseItem"]):  # type: ignore[no-untyped-call]
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

    def save(self, condition: Condition | None = None, *, add_version_condition: bool = True) -> dict[str, Any]:
        """Write the item once it is known to fit (store.transactions checks transactions' items)."""
        check_item_size(self)
        return super().save(condition, add_version_condition=add_version_condition)


@contextmanager
def condition_failure_as(error: DealerLinkError) -> Iterator[None]:
    """A write whose condition failed (someone changed the item first) raises ``error``, the
    409 naming what to reload; any other failure passes unchanged."""
    try:
        yield
    except (UpdateError, PutError, DeleteError) as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            raise error from exc
        raise
