"""Steps many integration tests share: make an intervention, upload media the way a phone does,
let the worker deliver what AWS would deliver."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

import requests
from chalice.test import Client

from devstack.worker import Worker
from tests.integration.tenants import Tenant, call

T = TypeVar("T")


def until(worker: Worker, read: Callable[[], T], accept: Callable[[T], bool], ticks: int = 200) -> T:
    """Deliver events until ``accept(read())``; fail with the last value otherwise."""
    value = read()
    for _ in range(ticks):
        if accept(value):
            return value
        if not worker.tick():
            time.sleep(0.05)
        value = read()
    raise AssertionError(f"never reached: {value!r}")


def intervention(api: Client, tenant: Tenant, **fields: Any) -> str:
    body = {"mode": "after_sales", "module": "mechanics", "reference": f"RO-{time.time_ns()}", **fields}
    status, created = call(
        api, "POST", f"/v1/dealerships/{tenant.dealership_id}/interventions", tenant.bearer("back_office"), body
    )
    assert status == 201, created
    return str(created["id"])


def media_path(tenant: Tenant, intervention_id: str, suffix: str = "") -> str:
    return f"/v1/dealerships/{tenant.dealership_id}/interventions/{intervention_id}/media{suffix}"


def sign(api: Client, tenant: Tenant, intervention_id: str, **request: Any) -> tuple[int, Any]:
    return call(api, "POST", media_path(tenant, intervention_id), tenant.bearer("back_office"), request)


def post_form(upload: dict[str, Any], data: bytes, content_type: str = "image/jpeg") -> requests.Response:
    """What a browser does with a signed form: the fields, then the file last."""
    return requests.post(
        upload["url"], data=upload["fields"], files={"file": ("photo.jpg", data, content_type)}, timeout=30
    )


def upload_photo(api: Client, tenant: Tenant, intervention_id: str, data: bytes, **request: Any) -> str:
    status, signed = sign(
        api, tenant, intervention_id, kind="photo", content_type="image/jpeg", size=len(data), **request
    )
    assert status == 201, signed
    assert post_form(signed["upload"], data).status_code in (200, 204)
    return str(signed["media"]["id"])


def put_parts(upload: dict[str, Any], data: bytes) -> list[dict[str, Any]]:
    """Send each part to its signed URL as a phone does; the ETags S3 answers complete the upload."""
    size = upload["part_size"]
    parts = []
    for part in upload["parts"]:
        number = part["part_number"]
        answer = requests.put(part["url"], data=data[(number - 1) * size : number * size], timeout=30)
        assert answer.status_code == 200, answer.text
        parts.append({"part_number": number, "etag": answer.headers["ETag"]})
    return parts


def media_of(api: Client, tenant: Tenant, intervention_id: str, media_id: str) -> dict[str, Any]:
    status, found = call(api, "GET", media_path(tenant, intervention_id, f"/{media_id}"), tenant.bearer("back_office"))
    assert status == 200, found
    return dict(found)
