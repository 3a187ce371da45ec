"""F-4 on the running local stack: a 12 MP photo through the signed form and an H.264 clip in
signed parts, straight to S3; both become ready with their renditions, HLS playlist and poster."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import requests
from PIL import Image

from devstack.seed import DEMO_DEALERSHIP_ID
from tests.e2e.client import BackOffice, eventually
from tests.e2e.conftest import RunningStack
from tests.samples import clip, jpeg

MEDIA_BUCKET = "dealerlink-local-media-123456789012-eu-west-1"


def test_a_photo_and_a_video_uploaded_straight_to_s3_become_ready(local_stack: RunningStack, tmp_path: Path) -> None:
    office = BackOffice(local_stack)
    created = office.call(
        "POST", "/interventions", {"mode": "after_sales", "module": "bodywork", "reference": "E2E-MEDIA"}, expect=201
    )
    media = f"/interventions/{created['id']}/media"

    photo = jpeg(4000, 3000, orientation=6, gps=True, quality=92)  # a phone's 12 MP photo, held sideways
    signed = office.call("POST", media, {"kind": "photo", "content_type": "image/jpeg", "size": len(photo)}, expect=201)
    form = signed["upload"]
    posted = requests.post(
        form["url"], data=form["fields"], files={"file": ("IMG_0042.jpg", photo, "image/jpeg")}, timeout=30
    )
    assert posted.status_code in (200, 204), posted.text

    video = clip(tmp_path / "walkaround.mp4", 4, size="1280x720", bitrate="20M")
    office.upload_video(created["id"], video, 4, min_parts=2)

    def read() -> list[dict[str, Any]]:
        return list(office.call("GET", f"/interventions/{created['id']}")["media"])

    found = eventually(read, lambda items: {m["status"] for m in items} <= {"ready", "rejected", "failed"}, timeout=120)
    by_kind = {m["kind"]: m for m in found}
    assert by_kind["photo"]["status"] == by_kind["video"]["status"] == "ready", found
    assert (by_kind["photo"]["width"], by_kind["photo"]["height"]) == (3000, 4000)  # EXIF orientation applied
    urls = by_kind["photo"]["urls"]
    assert set(urls) == {"w1280.webp", "w1280.jpg", "w640.webp", "w640.jpg", "w320.webp", "w320.jpg", "thumb.jpg"}
    rendition = Image.open(io.BytesIO(requests.get(urls["w1280.jpg"], timeout=10).content))
    assert rendition.size == (1280, 1707) and not rendition.getexif()  # no GPS, no EXIF at all

    poster = requests.get(by_kind["video"]["urls"]["poster"], timeout=10)
    assert poster.status_code == 200 and Image.open(io.BytesIO(poster.content)).size[0] > 0
    prefix = f"dealerships/{DEMO_DEALERSHIP_ID}/interventions/{created['id']}/media/{by_kind['video']['id']}/video/hls/"
    playlist = local_stack.client("s3").get_object(Bucket=MEDIA_BUCKET, Key=prefix + "index.m3u8")["Body"].read()
    assert b"#EXT-X-STREAM-INF" in playlist
