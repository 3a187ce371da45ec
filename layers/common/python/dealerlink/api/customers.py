"""Customers (F-7): read one, and the communication preferences that disable channels (F-7.3)."""

from __future__ import annotations

from typing import Any

from dealerlink.api import rights
from dealerlink.api.contract.customers import CustomerOut, Preferences
from dealerlink.api.edge import Access, Blueprint, route
from dealerlink.errors import NotFoundError
from dealerlink.store import customers

bp = Blueprint(__name__)
ONE = "/v1/dealerships/{dealership_id}/customers/{customer_id}"


def _get(dealership_id: str, customer_id: str) -> customers.Customer:
    found = customers.get(dealership_id, customer_id)
    if found is None:
        raise NotFoundError("no such customer", field="customer_id")
    return found


@route(bp, ONE, "GET", access=Access.STAFF, roles=rights.READ, tags=("customers",), response=CustomerOut)
def read_customer(dealership_id: str, customer_id: str) -> dict[str, Any]:
    """A customer's contact and communication preferences."""
    return _get(dealership_id, customer_id).to_json()


@route(
    bp, ONE + "/preferences", "PUT", access=Access.STAFF, roles=rights.CUSTOMER_PREFERENCES, tags=("customers",),
    body=Preferences, response=CustomerOut,
    examples={"no more SMS": {"block_email": False, "block_sms": True, "version": 1}},
)  # fmt: skip
def set_preferences(dealership_id: str, customer_id: str, body: Preferences) -> dict[str, Any]:
    """Block email and/or SMS for this customer: sending refuses those channels from now on."""
    found = customers.set_preferences(
        _get(dealership_id, customer_id),
        block_email=body.block_email,
        block_sms=body.block_sms,
        expected_version=body.version,
    )
    return found.to_json()
