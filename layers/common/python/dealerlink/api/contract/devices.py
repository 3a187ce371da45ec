"""Devices and pairing (F-2): what the back office and the phones send and get."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from dealerlink.api.contract.common import Body, Out

DeviceName = Field(max_length=256, description="1-64 letters, digits, '.', '_' or '-'", examples=["atelier-1"])


class NewDevice(Body):
    name: str = DeviceName
    app: Literal["app", "audit"] = "app"


class DeviceRename(Body):
    name: str = DeviceName


class DeviceOut(Out):
    id: str
    name: str
    app: Literal["app", "audit"]
    status: Literal["pending", "active", "revoked"]
    created_at: str
    paired_at: str | None
    last_seen_at: str | None


class Pairing(Out):
    """Shown once: the phone scans the QR code (or types the code) within 10 minutes."""

    code: str
    expires_at: str
    qr_png_base64: str


class NewDeviceOut(Out):
    device: DeviceOut
    pairing: Pairing


class PairingCode(Body):
    code: str = Field(min_length=1, max_length=64, examples=["K7P-2QX"])


class Paired(Out):
    """Send ``Authorization: Device <credential>`` on every device route."""

    credential: str
    device: DeviceOut


class DeviceDealership(Out):
    id: str
    name: str
    brands: list[str]


class DeviceSettings(Out):
    version: str
    identifier: str
    app: Literal["app", "audit"]
    dealership: DeviceDealership
    modes: list[str]
    language: str
