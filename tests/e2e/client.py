"""A back-office client of the running local stack, through "CloudFront" as the browser app calls it."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

import requests

from devstack.seed import DEMO_BACK_OFFICE, DEMO_DEALERSHIP_ID, DEMO_PASSWORD
from tests.e2e.conftest import RunningStack

T = TypeVar("T")


class BackOffice:
    def __init__(self, stack: RunningStack, email: str = DEMO_BACK_OFFICE) -> None:
        self.api = f"{stack.site}/api"
        signed_in = requests.post(
            f"{self.api}/v1/auth/sign-in", json={"email": email, "password": DEMO_PASSWORD}, timeout=10
        )
        assert signed_in.status_code == 200, signed_in.text
        self.headers = {"Authorization": f"Bearer {signed_in.json()['access_token']}"}
        self.base = f"{self.api}/v1/dealerships/{DEMO_DEALERSHIP_ID}"

    def call(self, method: str, path: str, body: Any = None, expect: int = 200) -> Any:
        response = requests.request(method, self.base + path, json=body, headers=self.headers, timeout=30)
        assert response.status_code == expect, (method, path, response.status_code, response.text)
        return response.json()

    def upload_video(self, intervention_id: str, video: bytes, seconds: float, min_parts: int = 1) -> str:
        """Sign a video, PUT each part to its URL as a phone does, complete it; the medium's id."""
        media = f"/interventions/{intervention_id}/media"
        body = {"kind": "video", "content_type": "video/mp4", "size": len(video), "duration_seconds": seconds}
        signed = self.call("POST", media, body, expect=201)
        upload = signed["upload"]
        assert upload["part_count"] >= min_parts, upload
        parts = []
        for part in upload["parts"]:
            number = part["part_number"]
            chunk = video[(number - 1) * upload["part_size"] : number * upload["part_size"]]
            sent = requests.put(part["url"], data=chunk, timeout=60)
            assert sent.status_code == 200, sent.text
            parts.append({"part_number": number, "etag": sent.headers["ETag"]})
        self.call("POST", f"{media}/{signed['media']['id']}/complete", {"parts": parts})
        return str(signed["media"]["id"])


def eventually(read: Callable[[], T], accept: Callable[[T], bool], timeout: float = 60) -> T:
    deadline = time.monotonic() + timeout
    value = read()
    while not accept(value):
        if time.monotonic() > deadline:
            raise AssertionError(f"never reached: {value!r}")
        time.sleep(0.3)
        value = read()
    return value
