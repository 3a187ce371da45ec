"""Device pairing (F-2): QR code, one-time code, credential, revocation."""

from __future__ import annotations

import base64
import io
import json
from datetime import UTC, datetime, timedelta

import boto3
import pytest
import zxingcpp
from chalice.test import Client
from PIL import Image

from dealerlink.domain.pairing import code_hash
from devstack.template import LocalStack
from tests.integration.tenants import Tenant, call


def _add_device(api: Client, tenant: Tenant, name: str = "atelier-1", app: str = "app") -> dict[str, object]:
    path = f"/v1/dealerships/{tenant.dealership_id}/devices"
    status, created = call(api, "POST", path, tenant.bearer("dealer_manager"), {"name": name, "app": app})
    assert status == 201, created
    return created


def _decode_qr(created: dict[str, object]) -> dict[str, str]:
    pairing = created["pairing"]
    assert isinstance(pairing, dict)
    image = Image.open(io.BytesIO(base64.b64decode(pairing["qr_png_base64"])))
    (barcode,) = zxingcpp.read_barcodes(image)
    return json.loads(barcode.text)


def test_pair_a_phone_from_the_qr_code_then_call_as_the_device(api: Client, tenant_a: Tenant) -> None:
    created = _add_device(api, tenant_a)
    qr = _decode_qr(created)
    assert qr["code"] == created["pairing"]["code"]  # type: ignore[index]
    assert qr["api"].startswith("http")
    assert created["device"]["status"] == "pending"  # type: ignore[index]

    status, paired = call(api, "POST", "/v1/device/pair", body={"code": qr["code"].lower().replace("-", " ")})
    assert status == 200
    headers = {"Authorization": f"Device {paired['credential']}"}
    status, settings = call(api, "GET", "/v1/device/settings", headers)
    assert status == 200
    assert settings["identifier"] == "atelier-1"
    assert settings["dealership"]["id"] == tenant_a.dealership_id
    assert settings["modes"] == ["after_sales", "sales"]
    assert settings["language"] == "fr"

    status, listed = call(
        api, "GET", f"/v1/dealerships/{tenant_a.dealership_id}/devices", tenant_a.bearer("dealer_manager")
    )
    device = next(d for d in listed["items"] if d["name"] == "atelier-1")
    assert device["status"] == "active"
    assert device["paired_at"] and device["last_seen_at"]


def test_a_pairing_code_works_once(api: Client, tenant_a: Tenant) -> None:
    code = _add_device(api, tenant_a)["pairing"]["code"]  # type: ignore[index]
    assert call(api, "POST", "/v1/device/pair", body={"code": code})[0] == 200
    status, answer = call(api, "POST", "/v1/device/pair", body={"code": code})
    assert (status, answer["error"]["field"], answer["error"]["code"]) == (400, "code", "invalid_code")


def test_an_expired_pairing_code_is_refused(api: Client, tenant_a: Tenant, stack: LocalStack) -> None:
    code = _add_device(api, tenant_a)["pairing"]["code"]  # type: ignore[index]
    past = (datetime.now(UTC) - timedelta(seconds=1)).isoformat()
    boto3.client("dynamodb").update_item(
        TableName=stack.environment["TABLE_NAME"],
        Key={"PK": {"S": f"PAIRING#{code_hash(code)}"}, "SK": {"S": "PAIRING"}},
        UpdateExpression="SET expires_at = :past",
        ExpressionAttributeValues={":past": {"S": past}},
    )
    status, answer = call(api, "POST", "/v1/device/pair", body={"code": code})
    assert (status, answer["error"]["code"]) == (400, "code_expired")
    assert call(api, "POST", "/v1/device/pair", body={"code": code})[1]["error"]["code"] == "invalid_code"


@pytest.mark.parametrize(
    ("body", "field"),
    [({"name": "atelier 1"}, "name"), ({"name": ""}, "name"), ({}, "name"), ({"name": "ok", "app": "tv"}, "app")],
)
def test_bad_devices_are_refused(api: Client, tenant_a: Tenant, body: dict[str, str], field: str) -> None:
    path = f"/v1/dealerships/{tenant_a.dealership_id}/devices"
    status, answer = call(api, "POST", path, tenant_a.bearer("dealer_manager"), body)
    assert (status, answer["error"]["field"]) == (400, field)


@pytest.mark.parametrize("code", ["", "ABCD", "!!!!-!!!!-!!!!-!!!!", 12345678])
def test_malformed_codes_are_refused(api: Client, code: object) -> None:
    status, answer = call(api, "POST", "/v1/device/pair", body={"code": code})
    assert (status, answer["error"]["field"]) == (400, "code")


def test_pairing_attempts_are_rate_limited(api: Client) -> None:
    statuses = [call(api, "POST", "/v1/device/pair", body={"code": "AAAA-BBBB-CCCC-DDDD"})[0] for _ in range(12)]
    assert statuses[:10] == [400] * 10
    assert statuses[10:] == [429, 429]


def test_a_revoked_device_is_refused_on_its_very_next_call(api: Client, tenant_a: Tenant) -> None:
    assert tenant_a.device is not None
    assert call(api, "GET", "/v1/device/settings", tenant_a.device_headers())[0] == 200
    path = f"/v1/dealerships/{tenant_a.dealership_id}/devices/{tenant_a.device.device_id}"
    status, revoked = call(api, "POST", f"{path}/revoke", tenant_a.bearer("dealer_manager"))
    assert (status, revoked["status"]) == (200, "revoked")
    status, answer = call(api, "GET", "/v1/device/settings", tenant_a.device_headers())
    assert (status, answer["error"]["code"]) == (401, "device_refused")


def test_rename_a_device(api: Client, tenant_a: Tenant) -> None:
    assert tenant_a.device is not None
    path = f"/v1/dealerships/{tenant_a.dealership_id}/devices/{tenant_a.device.device_id}"
    status, renamed = call(api, "PATCH", path, tenant_a.bearer("dealer_manager"), {"name": "atelier-2"})
    assert (status, renamed["name"]) == (200, "atelier-2")
    assert call(api, "PATCH", path, tenant_a.bearer("dealer_manager"), {"name": "a b"})[0] == 400


@pytest.mark.parametrize(
    "credential",
    ["", "garbage", "dl1.a.b.c", "dl1.{dealership}.{device}.wrong-secret", "dl2.{dealership}.{device}.x"],
)
def test_forged_device_credentials_are_refused(api: Client, tenant_a: Tenant, credential: str) -> None:
    assert tenant_a.device is not None
    forged = credential.format(dealership=tenant_a.dealership_id, device=tenant_a.device.device_id)
    status, _ = call(api, "GET", "/v1/device/settings", {"Authorization": f"Device {forged}"})
    assert status == 401
