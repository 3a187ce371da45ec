"""The demo data ``make dev`` starts with: what a new engineer needs to click through."""

from __future__ import annotations

import functools
import secrets
from datetime import UTC, datetime
from typing import Any

DEMO_DEALERSHIP_ID = "01HZZZDEMQDEA1ERSH1P000000"
DEMO_GROUP_ID = "01HZZZDEMQGR0VP000000000000"[:26]
DEMO_PASSWORD = "Demo-1234!"  # noqa: S105 - the local demo account, printed by make dev
DEMO_MANAGER = "manager@demo.dealerlink.example"
DEMO_BACK_OFFICE = "backoffice@demo.dealerlink.example"


def demo_settings() -> dict[str, object]:
    return {
        "name": "Garage Demo Lyon",
        "country": "FR",
        "default_language": "fr",
        "currency": "EUR",
        "vat_rate": "20.00",
        "timezone": "Europe/Paris",
        "address": "12 rue de la République, 69002 Lyon",
        "website": "https://garage-demo.example",
        "brands": [{"code": "peugeot", "name": "Peugeot"}, {"code": "citroen", "name": "Citroën"}],
        "main_brand": "peugeot",
    }


def seed_demo() -> dict[str, str]:
    """Create the demo group, dealership, two staff users and a paired technician phone."""
    from dealerlink.adapters import directory
    from dealerlink.api.security import device_credential
    from dealerlink.domain.dealerships import DealershipSettings
    from dealerlink.domain.pairing import credential_hash
    from dealerlink.ids import new_id
    from dealerlink.store.dealerships import create_dealership, create_group
    from dealerlink.store.devices import Device
    from dealerlink.store.table import dealership_pk
    from dealerlink.store.users import User, create_user

    create_group(DEMO_GROUP_ID, "Groupe Demo")
    create_dealership(DEMO_DEALERSHIP_ID, DealershipSettings.model_validate(demo_settings()), group_id=DEMO_GROUP_ID)
    for email, first, roles in (
        (DEMO_MANAGER, "Marie", ["dealer_manager", "back_office"]),
        (DEMO_BACK_OFFICE, "Bruno", ["back_office"]),
    ):
        user_id = directory.create_account(email, DEMO_PASSWORD, roles)
        create_user(
            User(
                user_id=user_id,
                email=email,
                first_name=first,
                last_name="Demo",
                language="fr",
                roles=roles,
                dealership_ids=[DEMO_DEALERSHIP_ID],
            )
        )
    secret = secrets.token_urlsafe(32)
    now = datetime.now(UTC).isoformat()
    device = Device(
        dealership_pk(DEMO_DEALERSHIP_ID),
        f"DEVICE#{new_id()}",
        dealership_id=DEMO_DEALERSHIP_ID,
        name="demo-phone",
        app="app",
        status="active",
        created_at=now,
        created_by="seed",
        paired_at=now,
        credential_hash=credential_hash(secret),
    )
    device.device_id = device.SK.removeprefix("DEVICE#")
    device.save()
    return {
        "dealership": f"Garage Demo Lyon ({DEMO_DEALERSHIP_ID})",
        "dealer manager": f"{DEMO_MANAGER} / {DEMO_PASSWORD}",
        "back office": f"{DEMO_BACK_OFFICE} / {DEMO_PASSWORD}",
        "sign in": "POST /v1/auth/sign-in {email, password} -> Authorization: Bearer <access_token>",
        "technician phone": f"Authorization: Device {device_credential(device, secret)}",
    }


DEMO_WORKS = [
    {"id": "brakes", "label": "Plaquettes de frein avant", "urgency": "urgent", "price": "180.00"},
    {"id": "wipers", "label": "Balais d'essuie-glace", "urgency": "recommended", "price": "25.00"},
    {"id": "tyres", "label": "Pneus arrière", "urgency": "recommended", "price": "320.00"},
    {"id": "levels", "label": "Contrôle des niveaux", "urgency": "offered", "price": "0.00"},
]


def demo_photo(caption: str, hue: int) -> bytes:
    """A 1600 x 1200 JPEG with a caption, drawn by Pillow: what a technician's photo stands for."""
    import io

    from PIL import Image, ImageDraw, ImageFont

    image = Image.linear_gradient("L").resize((1600, 1200)).convert("RGB")
    tint = Image.new("RGB", image.size, (hue, 90, 255 - hue))
    image = Image.blend(image, tint, 0.45)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=72)
    draw.rectangle((0, 1000, 1600, 1200), fill=(20, 20, 20))
    draw.text((60, 1050), caption, fill=(255, 255, 255), font=font)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def demo_video(seconds: int = 6) -> bytes:
    """An H.264/AAC MP4 made by the bundled ffmpeg (imageio-ffmpeg): the walk-around video."""
    import subprocess
    import tempfile
    from pathlib import Path

    import imageio_ffmpeg

    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "walkaround.mp4"
        subprocess.run(
            [
                imageio_ffmpeg.get_ffmpeg_exe(),
                *("-v", "error", "-y", "-f", "lavfi", "-i", f"testsrc2=size=640x360:rate=25:duration={seconds}"),
                *("-f", "lavfi", "-i", f"sine=frequency=330:duration={seconds}"),
                *("-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest"),
                *("-movflags", "+faststart", str(out)),
            ],
            check=True,
        )
        return out.read_bytes()


def _upload_media(session: Any, files: str, timeout: float = 90) -> None:
    """Upload two photos (signed form) and a video (signed parts) the way the apps do, and wait
    until the media function has made them ready."""
    import time

    for caption, hue in (("Plaquettes avant : 2 mm", 200), ("Pneu arrière gauche : 1,6 mm", 60)):
        photo = demo_photo(caption, hue)
        signed = session.post(
            f"{files}/media", json={"kind": "photo", "content_type": "image/jpeg", "size": len(photo)}
        )
        signed.raise_for_status()
        form = signed.json()["upload"]
        sent = session.post(form["url"], data=form["fields"], files={"file": ("photo.jpg", photo, "image/jpeg")})
        sent.raise_for_status()
    video = demo_video()
    body = {"kind": "video", "content_type": "video/mp4", "size": len(video), "duration_seconds": 6}
    signed = session.post(f"{files}/media", json=body)
    signed.raise_for_status()
    upload, media_id = signed.json()["upload"], signed.json()["media"]["id"]
    parts = []
    for part in upload["parts"]:
        number = part["part_number"]
        chunk = video[(number - 1) * upload["part_size"] : number * upload["part_size"]]
        put = session.put(part["url"], data=chunk)
        put.raise_for_status()
        parts.append({"part_number": number, "etag": put.headers["ETag"]})
    session.post(f"{files}/media/{media_id}/complete", json={"parts": parts}).raise_for_status()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        media = session.get(files).json()["media"]
        if len(media) == 3 and all(m["status"] in ("ready", "rejected", "failed") for m in media):
            return
        time.sleep(0.3)
    raise RuntimeError("the demo media did not become ready in time")


def seed_customer_page(site: str) -> str:
    """Make a demo intervention through the running API, the way the back office does: works,
    two photos and a short video uploaded straight to S3; send it as a share link and answer
    its customer page URL. The pages function publishes it."""
    import requests

    api = f"{site}/api/v1"
    session = requests.Session()
    session.request = functools.partial(session.request, timeout=30)  # type: ignore[method-assign]
    signed_in = session.post(f"{api}/auth/sign-in", json={"email": DEMO_BACK_OFFICE, "password": DEMO_PASSWORD})
    signed_in.raise_for_status()
    session.headers["Authorization"] = f"Bearer {signed_in.json()['access_token']}"
    base = f"{api}/dealerships/{DEMO_DEALERSHIP_ID}/interventions"
    contact = {
        "title": "mrs",
        "first_name": "Claire",
        "last_name": "Martin",
        "email": "claire.martin@example.com",
        "language": "fr",
    }
    vehicle = {"plate": "AB-123-CD", "make": "Peugeot", "model": "308", "mileage": 48200}
    body = {
        "mode": "after_sales",
        "module": "mechanics",
        "reference": "RO-DEMO-0001",
        "contact": contact,
        "vehicle": vehicle,
        "works": DEMO_WORKS,
        "message": "Bonjour Madame Martin, voici la vidéo de votre 308 et nos recommandations.",
    }
    created = session.post(base, json=body)
    created.raise_for_status()
    files = f"{base}/{created.json()['id']}"
    _upload_media(session, files)
    sent = session.post(f"{files}/send", json={"channel": "link"})
    sent.raise_for_status()
    return str(sent.json()["link"])
