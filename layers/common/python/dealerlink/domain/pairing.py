"""Pairing codes (F-2.2): single use, short-lived, ≥ 64 bits, easy to type if the QR fails."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from datetime import datetime, timedelta

from dealerlink.errors import ValidationError

DEVICE_PREFIX = "dl1"
CODE_TTL = timedelta(minutes=10)
CODE_BYTES = 10  # 80 bits of entropy


def new_pairing_code() -> str:
    """``ABCD-EFGH-IJKL-MNOP``: 16 base32 characters (80 random bits) in groups of four."""
    raw = base64.b32encode(secrets.token_bytes(CODE_BYTES)).decode()
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def normalise_code(code: object) -> str:
    if not isinstance(code, str):
        raise ValidationError("code is required", field="code")
    compact = code.replace("-", "").replace(" ", "").upper()
    if len(compact) != 16 or any(c not in "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567" for c in compact):
        raise ValidationError("this pairing code is malformed", field="code", code="invalid_code")
    return compact


def code_hash(code: object) -> str:
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def code_expiry(now: datetime) -> datetime:
    return now + CODE_TTL


def qr_payload(api_url: str, code: str) -> str:
    """What the QR code says: the API to talk to and the code to redeem there."""
    return json.dumps({"api": api_url, "code": code}, separators=(",", ":"))


def credential_hash(secret: str) -> str:
    """What the table keeps of a device's secret (it is 256 random bits: no salt needed)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def device_credential(dealership_id: str, device_id: str, secret: str) -> str:
    """``dl1.<dealership>.<device>.<secret>``: the phone sends it as ``Authorization: Device …``."""
    return f"{DEVICE_PREFIX}.{dealership_id}.{device_id}.{secret}"
