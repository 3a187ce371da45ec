"""Who is calling: every route's access rule, enforced before its view runs.

- staff: ``Authorization: Bearer <Cognito access token>``, verified here, then one read of
  the user's profile for roles and memberships (the only identity read of a request);
- devices: ``Authorization: Device <credential>``; the credential names its dealership and
  device, so it is checked with one read; revoked devices are refused on their next call;
- customers and webhooks carry their own proof (page token, signature), checked by the view.
"""

from __future__ import annotations

import hmac
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from chalice.app import Request

from dealerlink.adapters.tokens import staff_tokens
from dealerlink.domain import pairing
from dealerlink.domain.identity import Principal, Role, authorize
from dealerlink.domain.pairing import DEVICE_PREFIX, credential_hash
from dealerlink.errors import UnauthorizedError
from dealerlink.store.devices import Device, get_device, touch
from dealerlink.store.users import User, get_user

# The staff profile read while authenticating, for views that show it (no second read).
_signed_in: ContextVar[User | None] = ContextVar("signed_in", default=None)


def signed_in_user() -> User:
    """The profile of the staff member calling the current request."""
    user = _signed_in.get()
    if user is None:
        raise UnauthorizedError("no signed-in user", code="unauthenticated")
    return user


def device_credential(device: Device, secret: str) -> str:
    """The credential of ``device`` holding ``secret`` (the seed and the tests make devices)."""
    return pairing.device_credential(device.dealership_id, device.device_id, secret)


def _authorization(request: Request, scheme: str) -> str:
    header = request.headers.get("authorization") or ""
    given, _, value = header.partition(" ")
    if given.lower() != scheme.lower() or not value.strip():
        raise UnauthorizedError(f"an 'Authorization: {scheme} …' header is required", code="unauthenticated")
    return value.strip()


def staff_principal(request: Request) -> Principal:
    token = _authorization(request, "Bearer")
    claims = staff_tokens().verify(token)
    user = get_user(str(claims["sub"]))
    if user is None or user.status != "active":
        raise UnauthorizedError("this account is not active", code="inactive_account")
    _signed_in.set(user)
    return Principal(
        kind="staff",
        subject=user.user_id,
        roles=user.role_set,
        dealership_ids=frozenset(user.dealership_ids),
        access_token=token,
    )


def device_principal(request: Request) -> Principal:
    credential = _authorization(request, "Device")
    parts = credential.split(".")
    refused = UnauthorizedError("this device is not paired or was revoked", code="device_refused")
    if len(parts) != 4 or parts[0] != DEVICE_PREFIX:
        raise refused
    _, dealership_id, device_id, secret = parts
    try:
        device = get_device(dealership_id, device_id)
    except Exception:  # noqa: BLE001 - any lookup failure is the same refusal to the caller
        raise refused from None
    stored = device.credential_hash or ""
    if device.status != "active" or not hmac.compare_digest(stored, credential_hash(secret)):
        raise refused
    touch(device, datetime.now(UTC))
    return Principal(
        kind="device",
        subject=device.device_id,
        roles=frozenset({Role.AUDITOR if device.app == "audit" else Role.TECHNICIAN}),
        dealership_ids=frozenset({device.dealership_id}),
        app=device.app,
        name=device.name,
    )


def authenticate(access: str, roles: tuple[Role, ...], request: Request, path: dict[str, Any]) -> Principal | None:
    """The caller of a route with ``access``, authorized for the path's dealership and roles."""
    _signed_in.set(None)
    if access == "staff":
        principal = staff_principal(request)
    elif access == "device":
        principal = device_principal(request)
    else:
        return None
    authorize(principal, path.get("dealership_id"), roles)
    return principal
