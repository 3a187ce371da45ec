"""Customers (F-7): read one, and the communication preferences that disable channels (F-7.3)."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from dealerlink.api.edge import Access, read_json, route
from dealerlink.domain.identity import READERS, Role
from dealerlink.errors import ConflictError, NotFoundError, ValidationError
from dealerlink.store import customers

bp = Blueprint(__name__)
ONE = "/v1/dealerships/{dealership_id}/customers/{customer_id}"


def _get(dealership_id: str, customer_id: str) -> customers.Customer:
    found = customers.get(dealership_id, customer_id)
    if found is None:
        raise NotFoundError("no such customer", field="customer_id")
    return found


@route(bp, ONE, "GET", access=Access.STAFF, roles=READERS, tags=("customers",))
def read_customer(dealership_id: str, customer_id: str) -> dict[str, Any]:
    """A customer's contact and communication preferences."""
    return _get(dealership_id, customer_id).to_json()


@route(bp, ONE + "/preferences", "PUT", access=Access.STAFF, roles=(Role.BACK_OFFICE,), tags=("customers",))
def set_preferences(dealership_id: str, customer_id: str) -> dict[str, Any]:
    """Block email and/or SMS for this customer: sending refuses those channels from now on."""
    body = read_json(bp.current_request)
    for name in ("block_email", "block_sms", "version"):
        if name not in body:
            raise ValidationError(f"{name} is required", field=name)
    for name in ("block_email", "block_sms"):
        if not isinstance(body[name], bool):
            raise ValidationError(f"{name} is true or false", field=name)
    unknown = sorted(set(body) - {"block_email", "block_sms", "version"})
    if unknown:
        raise ValidationError(f"unknown field {unknown[0]!r}", field=unknown[0], code="unknown_field")
    found = _get(dealership_id, customer_id)
    if body["version"] != found.version:
        raise ConflictError("the customer changed meanwhile; reload and retry", field="version", code="stale_version")
    found.update(
        actions=[
            customers.Customer.block_email.set(body["block_email"]),
            customers.Customer.block_sms.set(body["block_sms"]),
            customers.Customer.version.set(found.version + 1),
        ],
        condition=customers.Customer.version == body["version"],
    )
    return found.to_json()
