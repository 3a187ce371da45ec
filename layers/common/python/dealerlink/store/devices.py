"""Devices and their one-time pairing codes (F-2).

The pairing code and the device credential are stored only as SHA-256 hashes: both are
random (≥ 80 and 256 bits), so a fast hash is enough and a table dump reveals neither.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pynamodb.attributes import UnicodeAttribute

from dealerlink.errors import ConflictError, NotFoundError, ValidationError
from dealerlink.store.table import BaseItem, dealership_pk, start_key
from dealerlink.store.transactions import transaction

LAST_SEEN_EVERY = timedelta(minutes=1)


class Device(BaseItem, discriminator="device"):
    device_id = UnicodeAttribute()
    dealership_id = UnicodeAttribute()
    name = UnicodeAttribute()
    app = UnicodeAttribute()
    status = UnicodeAttribute()  # pending | active | revoked
    created_at = UnicodeAttribute()
    created_by = UnicodeAttribute()
    paired_at = UnicodeAttribute(null=True)
    last_seen_at = UnicodeAttribute(null=True)
    credential_hash = UnicodeAttribute(null=True)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.device_id,
            "name": self.name,
            "app": self.app,
            "status": self.status,
            "created_at": self.created_at,
            "paired_at": self.paired_at,
            "last_seen_at": self.last_seen_at,
        }


class PairingCode(BaseItem, discriminator="pairing_code"):
    dealership_id = UnicodeAttribute()
    device_id = UnicodeAttribute()
    expires_at = UnicodeAttribute()


def device_sk(device_id: str) -> str:
    return f"DEVICE#{device_id}"


def create_device(device: Device, code_hash: str, expires_at: datetime) -> Device:
    device.PK, device.SK = dealership_pk(device.dealership_id), device_sk(device.device_id)
    code = PairingCode(
        f"PAIRING#{code_hash}",
        "PAIRING",
        dealership_id=device.dealership_id,
        device_id=device.device_id,
        expires_at=expires_at.isoformat(),
        ttl=int(expires_at.timestamp()) + 3600,
    )
    failures = {
        (device.PK, device.SK): ConflictError("device exists"),
        (code.PK, code.SK): ConflictError("pairing code collision"),
    }
    with transaction(failures) as tx:
        tx.save(device, condition=Device.PK.does_not_exist())
        tx.save(code, condition=PairingCode.PK.does_not_exist())
    return device


def get_device(dealership_id: str, device_id: str) -> Device:
    try:
        return Device.get(dealership_pk(dealership_id), device_sk(device_id))
    except Device.DoesNotExist:
        raise NotFoundError("no such device", field="device_id") from None


def list_devices(dealership_id: str, limit: int, cursor: dict[str, Any] | None) -> tuple[list[Device], Any]:
    pk = dealership_pk(dealership_id)
    start = start_key(cursor, equal={"PK": pk}, prefix={"SK": "DEVICE#"})
    page = Device.query(pk, Device.SK.startswith("DEVICE#"), limit=limit, last_evaluated_key=start)
    return list(page), page.last_evaluated_key


def redeem_pairing_code(code_hash: str, credential_hash: str, now: datetime) -> Device:
    """Use a code once: delete it and activate its device in one transaction."""
    invalid = ValidationError("this pairing code is unknown or already used", field="code", code="invalid_code")
    try:
        code = PairingCode.get(f"PAIRING#{code_hash}", "PAIRING", consistent_read=True)
    except PairingCode.DoesNotExist:
        raise invalid from None
    if datetime.fromisoformat(code.expires_at) <= now:
        code.delete()
        raise ValidationError("this pairing code has expired", field="code", code="code_expired")
    device = get_device(code.dealership_id, code.device_id)
    device.status, device.credential_hash = "active", credential_hash
    device.paired_at = device.last_seen_at = now.isoformat()
    with transaction({(code.PK, code.SK): invalid, (device.PK, device.SK): invalid}) as tx:
        tx.delete(code, condition=PairingCode.PK.exists())
        tx.save(device, condition=Device.status == "pending")
    return device


def set_device(device: Device, **changes: Any) -> Device:
    """Update fields of an existing device (rename, revoke)."""
    device.update(
        actions=[getattr(Device, name).set(value) for name, value in changes.items()],
        condition=Device.PK.exists(),
    )
    return device


def touch(device: Device, now: datetime) -> None:
    """Record ``last_seen_at`` at most once a minute (a write, never a read)."""
    if device.last_seen_at and now - datetime.fromisoformat(device.last_seen_at) < LAST_SEEN_EVERY:
        return
    device.update(actions=[Device.last_seen_at.set(now.isoformat())])
