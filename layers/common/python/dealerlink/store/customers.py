"""A dealership's customers (F-3.5, F-7): matched by normalised email or phone, created with
the intervention that first names them. Look-ups are items written in the same transaction,
so two files for one new customer cannot make two customers."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute

from dealerlink.errors import ConflictError
from dealerlink.ids import new_id
from dealerlink.store.table import BaseItem, condition_failure_as, dealership_pk


class Customer(BaseItem, discriminator="customer"):
    customer_id = UnicodeAttribute()
    title = UnicodeAttribute(null=True)
    last_name = UnicodeAttribute(null=True)
    first_name = UnicodeAttribute(null=True)
    email = UnicodeAttribute(null=True)
    phone = UnicodeAttribute(null=True)
    language = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    block_email = BooleanAttribute(default=False)  # F-7.3: the customer opted out of this channel
    block_sms = BooleanAttribute(default=False)
    version = NumberAttribute(default=1)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.customer_id,
            **{
                name: getattr(self, name) for name in ("title", "last_name", "first_name", "email", "phone", "language")
            },
            "preferences": {"block_email": bool(self.block_email), "block_sms": bool(self.block_sms)},
            "version": self.version,
            "created_at": self.created_at,
        }


class CustomerLookup(BaseItem, discriminator="customer_lookup"):
    customer_id = UnicodeAttribute()


def _lookup_sks(contact: dict[str, Any]) -> list[str]:
    sks = []
    if contact.get("email"):
        sks.append(f"CUSMAIL#{str(contact['email']).strip().lower()}")
    if contact.get("phone"):
        sks.append(f"CUSTEL#{contact['phone']}")
    return sks


def match(dealership_id: str, contact: dict[str, Any]) -> str | None:
    """The customer with this email, else this phone (email and phone arrive normalised)."""
    for sk in _lookup_sks(contact):
        try:
            return str(CustomerLookup.get(dealership_pk(dealership_id), sk, consistent_read=True).customer_id)
        except CustomerLookup.DoesNotExist:
            continue
    return None


def new_customer(dealership_id: str, contact: dict[str, Any]) -> tuple[str, list[BaseItem]]:
    """A customer id and the items that create it (the customer and its look-ups)."""
    customer_id = new_id()
    pk = dealership_pk(dealership_id)
    customer = Customer(pk, f"CUS#{customer_id}", customer_id=customer_id, created_at=datetime.now(UTC).isoformat())
    for name in ("title", "last_name", "first_name", "email", "phone", "language"):
        setattr(customer, name, contact.get(name))
    items: list[BaseItem] = [customer]
    items += [CustomerLookup(pk, sk, customer_id=customer_id) for sk in _lookup_sks(contact)]
    return customer_id, items


def get(dealership_id: str, customer_id: str) -> Customer | None:
    try:
        return Customer.get(dealership_pk(dealership_id), f"CUS#{customer_id}")
    except Customer.DoesNotExist:
        return None


def set_preferences(customer: Customer, *, block_email: bool, block_sms: bool, expected_version: int) -> Customer:
    """Record the customer's opt-outs if nobody changed the customer since ``expected_version``."""
    stale = ConflictError("the customer changed meanwhile; reload and retry", field="version", code="stale_version")
    with condition_failure_as(stale):
        customer.update(
            actions=[
                Customer.block_email.set(block_email),
                Customer.block_sms.set(block_sms),
                Customer.version.set(expected_version + 1),
            ],
            condition=Customer.version == expected_version,
        )
    return customer
