"""F-4.1/F-4.5: a signed upload is used once. A form re-posted while still valid, or a part
URL re-used, never changes bytes that were checked: downloads, annotations, archives and the
customer page only ever use what the media function judged."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import boto3
import pytest
import requests
from chalice.test import Client
from PIL import Image

from dealerlink.services import media_intake
from dealerlink.services.pages import public_media
from dealerlink.store import media as store
from devstack.template import LocalStack
from devstack.worker import Worker
from tests.integration.flows import intervention, media_of, media_path, post_form, put_parts, sign, until
from tests.integration.tenants import Tenant, call
from tests.samples import jpeg


@pytest.fixture
def worker(stack: LocalStack) -> Worker:
    return Worker(stack, schedule_seconds=3600)


def _keys(stack: LocalStack, prefix: str) -> list[str]:
    listing = boto3.client("s3").list_objects_v2(Bucket=stack.environment["MEDIA_BUCKET"], Prefix=prefix)
    return sorted(o["Key"] for o in listing.get("Contents", []))


def _body(stack: LocalStack, key: str) -> bytes:
    data: bytes = boto3.client("s3").get_object(Bucket=stack.environment["MEDIA_BUCKET"], Key=key)["Body"].read()
    return data


def _reposted(
    api: Client, tenant: Tenant, worker: Worker, stack: LocalStack, checked: bytes, other: bytes, **request: Any
) -> tuple[str, str, dict[str, Any]]:
    """Upload ``checked``, let it be judged ready, then post ``other`` with the same, still valid form."""
    intervention_id = intervention(api, tenant)
    status, signed = sign(api, tenant, intervention_id, size=max(len(checked), len(other)), **request)
    assert status == 201, signed
    media_id, form = signed["media"]["id"], signed["upload"]
    content_type = request["content_type"]
    assert post_form(form, checked, content_type).status_code in (200, 204)
    ready = until(
        worker, lambda: media_of(api, tenant, intervention_id, media_id), lambda m: m["status"] != "uploading"
    )
    assert ready["status"] == "ready", ready
    assert post_form(form, other, content_type).status_code in (200, 204)  # moto checks no expiry: still valid
    until(worker, lambda: _keys(stack, form["fields"]["key"]), lambda keys: keys == [])  # the intake deletes it
    after = media_of(api, tenant, intervention_id, media_id)
    assert {**after, "urls": None} == {**ready, "urls": None}  # and changes nothing (the URLs are signed anew)
    return intervention_id, media_id, form


def test_a_reused_upload_form_cannot_replace_a_checked_photo(
    api: Client, tenant_a: Tenant, worker: Worker, stack: LocalStack
) -> None:
    checked, other = jpeg(800, 600, quality=95), jpeg(300, 600)
    intervention_id, media_id, form = _reposted(
        api, tenant_a, worker, stack, checked, other, kind="photo", content_type="image/jpeg"
    )
    office = tenant_a.bearer("back_office")
    base = f"/v1/dealerships/{tenant_a.dealership_id}/interventions/{intervention_id}"

    status, link = call(api, "GET", f"{base}/media/{media_id}/download", office)
    assert (status, requests.get(link["url"], timeout=10).content) == (200, checked)

    rect = {"type": "rect", "x": 0.1, "y": 0.1, "width": 0.3, "height": 0.3}
    assert (
        call(
            api, "POST", media_path(tenant_a, intervention_id, f"/{media_id}/annotations"), office, {"shapes": [rect]}
        )[0]
        == 202
    )
    drawn = until(
        worker, lambda: media_of(api, tenant_a, intervention_id, media_id), lambda m: m["current_version"] == 2
    )
    annotated = Image.open(io.BytesIO(requests.get(drawn["urls"]["w640.jpg"], timeout=10).content))
    assert annotated.size == (640, 480)  # drawn on the 800 x 600 photo, not the 300 x 600 one

    status, archive = call(api, "POST", f"{base}/archives", office, {"quality": "originals"})
    built = until(
        worker,
        lambda: call(api, "GET", f"{base}/archives/{archive['id']}", office)[1],
        lambda a: a["status"] != "building",
    )
    with zipfile.ZipFile(io.BytesIO(requests.get(built["url"], timeout=10).content)) as zipped:
        assert [zipped.read(name) for name in zipped.namelist()] == [checked]

    # A late or repeated notification of the re-posted object changes nothing either.
    before = store.get(tenant_a.dealership_id, intervention_id, media_id)
    assert media_intake.take_in(form["fields"]["key"]) in ("gone", "late")
    assert store.get(tenant_a.dealership_id, intervention_id, media_id).revision == before.revision


def test_a_reused_upload_form_cannot_replace_a_checked_attachment_on_the_customer_page(
    api: Client, tenant_a: Tenant, worker: Worker, stack: LocalStack
) -> None:
    checked, other = b"%PDF-1.4\n% the quote\n" * 40, b"%PDF-1.7\n% something else\n" * 40
    request = {"kind": "attachment", "content_type": "application/pdf", "filename": "quote.pdf"}
    intervention_id, media_id, _ = _reposted(api, tenant_a, worker, stack, checked, other, **request)
    status, link = call(
        api,
        "GET",
        f"/v1/dealerships/{tenant_a.dealership_id}/interventions/{intervention_id}/media/{media_id}/download",
        tenant_a.bearer("back_office"),
    )
    assert (status, requests.get(link["url"], timeout=10).content) == (200, checked)
    page = public_media(store.of_intervention(tenant_a.dealership_id, intervention_id), "t" * 32)
    assert [_body(stack, copy.source) for copy in page.copies] == [checked]  # what the site bucket receives


def test_a_completed_video_cannot_be_changed_by_a_reused_part_url_or_complete(
    api: Client, tenant_a: Tenant, stack: LocalStack
) -> None:
    intervention_id = intervention(api, tenant_a)
    data = b"\x00\x00\x00\x18ftypisom" + b"v" * 1000
    status, signed = sign(
        api, tenant_a, intervention_id, kind="video", content_type="video/mp4", size=len(data), duration_seconds=5
    )
    media_id, upload = signed["media"]["id"], signed["upload"]
    parts = put_parts(upload, data)
    complete = media_path(tenant_a, intervention_id, f"/{media_id}/complete")
    assert call(api, "POST", complete, tenant_a.bearer("back_office"), {"parts": parts})[0] == 200
    (key,) = _keys(stack, f"dealerships/{tenant_a.dealership_id}/interventions/{intervention_id}/media/{media_id}/")

    try:
        reused = requests.put(upload["parts"][0]["url"], data=b"\x00\x00\x00\x18ftypisom" + b"x" * 1000, timeout=30)
        assert reused.status_code == 404  # NoSuchUpload: a completed upload takes no parts
    except KeyError:  # moto in-process fails on the unknown upload id where S3 answers 404
        pass
    status, again = call(api, "POST", complete, tenant_a.bearer("back_office"), {"parts": parts})
    assert (status, again["error"]["code"]) == (409, "already_completed")
    assert (
        call(api, "GET", media_path(tenant_a, intervention_id, f"/{media_id}/upload"), tenant_a.bearer("back_office"))[
            0
        ]
        == 409
    )
    assert _body(stack, key) == data
