"""Identity on the running local stack: a manager signs in, pairs a phone from the QR code,
the phone calls the API, the manager revokes it, the phone is refused."""

from __future__ import annotations

import base64
import io
import json

import requests
import zxingcpp
from PIL import Image

from devstack.seed import DEMO_DEALERSHIP_ID, DEMO_MANAGER, DEMO_PASSWORD
from tests.e2e.conftest import RunningStack


def test_manager_pairs_a_phone_and_revokes_it(local_stack: RunningStack) -> None:
    api = f"{local_stack.site}/api"  # through "CloudFront", as the back office does
    signed_in = requests.post(
        f"{api}/v1/auth/sign-in", json={"email": DEMO_MANAGER, "password": DEMO_PASSWORD}, timeout=10
    )
    assert signed_in.status_code == 200, signed_in.text
    staff = {"Authorization": f"Bearer {signed_in.json()['access_token']}"}

    created = requests.post(
        f"{api}/v1/dealerships/{DEMO_DEALERSHIP_ID}/devices", json={"name": "e2e-phone"}, headers=staff, timeout=10
    )
    assert created.status_code == 201, created.text
    png = base64.b64decode(created.json()["pairing"]["qr_png_base64"])
    (barcode,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    scanned = json.loads(barcode.text)

    # The phone talks to the API the QR code names.
    paired = requests.post(f"{scanned['api']}/v1/device/pair", json={"code": scanned["code"]}, timeout=10)
    assert paired.status_code == 200, paired.text
    phone = {"Authorization": f"Device {paired.json()['credential']}"}
    settings = requests.get(f"{scanned['api']}/v1/device/settings", headers=phone, timeout=10)
    assert settings.status_code == 200
    assert settings.json()["identifier"] == "e2e-phone"

    device_id = created.json()["device"]["id"]
    revoked = requests.post(
        f"{api}/v1/dealerships/{DEMO_DEALERSHIP_ID}/devices/{device_id}/revoke", headers=staff, timeout=10
    )
    assert revoked.status_code == 200
    refused = requests.get(f"{scanned['api']}/v1/device/settings", headers=phone, timeout=10)
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "device_refused"


def test_make_dev_prints_how_to_sign_in(local_stack: RunningStack) -> None:
    log = local_stack.log.read_text()
    assert DEMO_MANAGER in log
    assert "Authorization: Device dl1." in log
