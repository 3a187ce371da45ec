"""Devices (F-2): dealer managers add, list, rename and revoke them; phones pair with the
QR code's one-time code and then call device routes with their credential."""

from __future__ import annotations

import base64
from typing import Any

from dealerlink import __version__
from dealerlink.adapters.qr import qr_png
from dealerlink.api import rights
from dealerlink.api.contract.common import ListQuery, Page
from dealerlink.api.contract.devices import (
    DeviceOut,
    DeviceRename,
    DeviceSettings,
    NewDevice,
    NewDeviceOut,
    Paired,
    PairingCode,
)
from dealerlink.api.edge import Access, Blueprint, route
from dealerlink.api.paging import decode_cursor, page
from dealerlink.domain.identity import Principal
from dealerlink.domain.pairing import qr_payload
from dealerlink.services import devices as devices_service
from dealerlink.store.dealerships import get_dealership
from dealerlink.store.devices import get_device, list_devices

bp = Blueprint(__name__)
DEVICES = "/v1/dealerships/{dealership_id}/devices"


def _api_url() -> str:
    """The API base the phone should use: the one this request came through."""
    request = bp.current_request
    headers = request.headers
    host = headers.get("x-forwarded-host") or headers.get("host") or "localhost"
    proto = headers.get("x-forwarded-proto") or ("http" if host.startswith(("127.", "localhost")) else "https")
    stage = (request.context or {}).get("stage")
    prefix = f"/{stage}" if stage and stage not in ("api", "$default") and "execute-api" in host else ""
    return f"{proto}://{host}{prefix}"


@route(
    bp, DEVICES, "POST", access=Access.STAFF, roles=rights.CONFIGURATION, status=201, tags=("devices",),
    body=NewDevice, response=NewDeviceOut, examples={"a workshop phone": {"name": "atelier-1", "app": "app"}},
)  # fmt: skip
def add_device(dealership_id: str, principal: Principal, body: NewDevice) -> dict[str, Any]:
    """Add a device; the answer holds its pairing QR code (PNG) and code, shown only once."""
    added = devices_service.add(dealership_id, body.name, body.app, principal.subject)
    png = qr_png(qr_payload(_api_url(), added.code))
    return {
        "device": added.device.to_json(),
        "pairing": {
            "code": added.code,
            "expires_at": added.expires_at.isoformat(),
            "qr_png_base64": base64.b64encode(png).decode(),
        },
    }


@route(
    bp, DEVICES, "GET", access=Access.STAFF, roles=rights.CONFIGURATION, tags=("devices",),
    query=ListQuery, response=Page[DeviceOut],
)  # fmt: skip
def devices(dealership_id: str, query: ListQuery) -> dict[str, Any]:
    """The dealership's devices: name, app, paired at, last seen."""
    items, last = list_devices(dealership_id, query.limit, decode_cursor(query.cursor))
    return page([d.to_json() for d in items], last)


@route(
    bp, DEVICES + "/{device_id}", "GET", access=Access.STAFF, roles=rights.CONFIGURATION, tags=("devices",),
    response=DeviceOut,
)  # fmt: skip
def read_device(dealership_id: str, device_id: str) -> dict[str, Any]:
    """One device."""
    return get_device(dealership_id, device_id).to_json()


@route(
    bp, DEVICES + "/{device_id}", "PATCH", access=Access.STAFF, roles=rights.CONFIGURATION, tags=("devices",),
    body=DeviceRename, response=DeviceOut,
)  # fmt: skip
def rename_device(dealership_id: str, device_id: str, body: DeviceRename) -> dict[str, Any]:
    """Rename a device (its identifier in the app)."""
    return devices_service.rename(dealership_id, device_id, body.name).to_json()


@route(
    bp, DEVICES + "/{device_id}/revoke", "POST", access=Access.STAFF, roles=rights.CONFIGURATION, tags=("devices",),
    response=DeviceOut,
)  # fmt: skip
def revoke_device(dealership_id: str, device_id: str) -> dict[str, Any]:
    """Revoke a device: its very next call is refused."""
    return devices_service.revoke(dealership_id, device_id).to_json()


@route(
    bp, "/v1/device/pair", "POST", access=Access.PUBLIC, tags=("device",), body=PairingCode, response=Paired,
    examples={"pair a phone": {"code": "K7P-2QX"}},
)  # fmt: skip
def pair(body: PairingCode) -> dict[str, Any]:
    """Redeem a pairing code (once, within 10 minutes) for this device's credential."""
    source = ((bp.current_request.context or {}).get("identity") or {}).get("sourceIp") or "unknown"
    device, credential = devices_service.pair(body.code, source)
    return {"credential": credential, "device": device.to_json()}


@route(bp, "/v1/device/settings", "GET", access=Access.DEVICE, tags=("device",), response=DeviceSettings)
def device_settings(principal: Principal) -> dict[str, Any]:
    """What the app shows (F-2.4): version, identifier, dealership, allowed modes, language."""
    settings = get_dealership(principal.dealership_id).settings
    return {
        "version": __version__,
        "identifier": principal.name,
        "app": principal.app,
        "dealership": {
            "id": principal.dealership_id,
            "name": settings.name,
            "brands": [b.code for b in settings.brands],
        },
        "modes": list(settings.modes) if principal.app == "app" else ["audit"],
        "language": settings.default_language,
    }
