"""Devices (F-2): adding a phone with its one-time pairing code, pairing it, renaming, revoking.

A pairing code is shown once and stored hashed; the credential a paired phone receives is
stored hashed too, so neither can be read back from the table.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from dealerlink.domain.identity import check_device_name
from dealerlink.domain.pairing import code_expiry, code_hash, credential_hash, device_credential, new_pairing_code
from dealerlink.ids import new_id
from dealerlink.store.devices import Device, create_device, get_device, redeem_pairing_code, set_device
from dealerlink.store.ratelimits import hit


@dataclass(frozen=True)
class NewDevice:
    """A device just added, with the pairing code to show once."""

    device: Device
    code: str
    expires_at: datetime


def add(dealership_id: str, name: str, app: str, actor: str) -> NewDevice:
    """A pending device and its pairing code (valid ten minutes, single use)."""
    now = datetime.now(UTC)
    code = new_pairing_code()
    device = Device(
        device_id=new_id(),
        dealership_id=dealership_id,
        name=check_device_name(name),
        app=app,
        status="pending",
        created_at=now.isoformat(),
        created_by=actor,
    )
    return NewDevice(create_device(device, code_hash(code), code_expiry(now)), code, code_expiry(now))


def pair(code: str, source_ip: str) -> tuple[Device, str]:
    """Redeem a pairing code (rate-limited per address) for the device and its credential."""
    hit(f"pair#{source_ip}", limit=10, window_seconds=60)
    secret = secrets.token_urlsafe(32)
    device = redeem_pairing_code(code_hash(code), credential_hash(secret), datetime.now(UTC))
    return device, device_credential(device.dealership_id, device.device_id, secret)


def rename(dealership_id: str, device_id: str, name: str) -> Device:
    return set_device(get_device(dealership_id, device_id), name=check_device_name(name))


def revoke(dealership_id: str, device_id: str) -> Device:
    """Revoked at once: the credential is forgotten, so the very next call is refused."""
    return set_device(get_device(dealership_id, device_id), status="revoked", credential_hash=None)
