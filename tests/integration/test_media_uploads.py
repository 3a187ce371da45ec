"""F-4.1/F-4.2: uploads go straight to S3 on signed requests; the API only reserves and signs."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import boto3
import pytest
from chalice.test import Client
from ulid import ULID

from dealerlink.domain.media import MIB
from dealerlink.store import media as store
from devstack.template import LocalStack
from devstack.worker import Worker
from tests.integration.flows import intervention, media_of, media_path, post_form, put_parts, sign, until
from tests.integration.tenants import Tenant, call
from tests.samples import jpeg


def _objects(stack: LocalStack, prefix: str) -> list[str]:
    found = boto3.client("s3").list_objects_v2(Bucket=stack.environment["MEDIA_BUCKET"], Prefix=prefix)
    return [o["Key"] for o in found.get("Contents", [])]


def test_a_photo_is_signed_for_its_exact_key_type_and_size_for_five_minutes(api: Client, tenant_a: Tenant) -> None:
    intervention_id = intervention(api, tenant_a)
    status, signed = sign(api, tenant_a, intervention_id, kind="photo", content_type="image/jpeg", size=123_456)
    assert status == 201, signed
    media, upload = signed["media"], signed["upload"]
    assert (media["status"], media["kind"], media["visibility"]) == ("uploading", "photo", "public")
    key = f"dealerships/{tenant_a.dealership_id}/interventions/{intervention_id}/media/{media['id']}/original"
    assert upload["method"] == "POST" and upload["fields"]["key"] == key
    policy = json.loads(base64.b64decode(upload["fields"]["policy"]))
    assert {"key": key} in policy["conditions"]
    assert {"Content-Type": "image/jpeg"} in policy["conditions"]
    assert ["content-length-range", 1, 123_456] in policy["conditions"]
    expires = datetime.fromisoformat(policy["expiration"].replace("Z", "+00:00"))
    assert expires <= datetime.now(UTC) + timedelta(minutes=5, seconds=5)


def test_a_phone_signs_uploads_for_its_dealership_and_retries_safely(
    api: Client, tenant_a: Tenant, tenant_b: Tenant
) -> None:
    intervention_id = intervention(api, tenant_a)
    path = f"/v1/device/interventions/{intervention_id}/media"
    request = {"kind": "photo", "content_type": "image/jpeg", "size": 1000, "client_id": "01JD0000000000000000000000"}
    first = call(api, "POST", path, tenant_a.device_headers(), request)
    again = call(api, "POST", path, tenant_a.device_headers(), request)
    assert (first[0], again[0]) == (201, 200)
    assert first[1]["media"]["id"] == again[1]["media"]["id"] == "01JD0000000000000000000000"
    assert again[1]["upload"]["fields"]["key"] == first[1]["upload"]["fields"]["key"]
    assert store.usage_and_order(tenant_a.dealership_id, intervention_id)[0].photos == 1
    assert call(api, "POST", path, tenant_b.device_headers(), request)[0] == 404


def test_bad_requests_name_their_field(api: Client, tenant_a: Tenant) -> None:
    intervention_id = intervention(api, tenant_a)
    cases = [
        ({"kind": "sticker", "content_type": "image/jpeg", "size": 10}, "kind"),
        ({"kind": "photo", "content_type": "image/svg+xml", "size": 10}, "content_type"),
        ({"kind": "photo", "content_type": "image/jpeg", "size": 0}, "size"),
        ({"kind": "photo", "content_type": "image/jpeg", "size": 26 * MIB}, "size"),
        ({"kind": "video", "content_type": "video/mp4", "size": 10}, "duration_seconds"),
        ({"kind": "video", "content_type": "video/mp4", "size": 10, "duration_seconds": 360}, "duration_seconds"),
        ({"kind": "photo", "content_type": "image/jpeg", "size": 10, "client_id": "not-a-ulid"}, "client_id"),
        ({"kind": "photo", "content_type": "image/jpeg", "size": 10, "key": "dealerships/x/evil"}, "key"),
    ]
    for body, field in cases:
        status, answer = sign(api, tenant_a, intervention_id, **body)
        assert (status, answer["error"]["field"]) == (400, field), body
    assert store.usage_and_order(tenant_a.dealership_id, intervention_id)[0].photos == 0
    assert store.of_intervention(tenant_a.dealership_id, intervention_id) == []


@pytest.mark.parametrize(
    "client_id",
    [
        "00000000000000000000000000",  # the zero ULID
        "7ZZZZZZZZZZZZZZZZZZZZZZZZZ",  # made past what a date can hold
        "01JD000000000000000000000",  # 25 characters
        "01JDU000000000000000000000",  # U is not Crockford base32
        "01JD000000000000000000000I",
        "ZZZZZZZZZZZZZZZZZZZZZZZZZZ",  # more than 128 bits
    ],
)
def test_media_client_ids_are_checked_like_interventions(api: Client, tenant_a: Tenant, client_id: str) -> None:
    intervention_id = intervention(api, tenant_a)
    request = {"kind": "photo", "content_type": "image/jpeg", "size": 10, "client_id": client_id}
    status, answer = sign(api, tenant_a, intervention_id, **request)
    assert (status, answer["error"]["field"]) == (400, "client_id"), answer
    device = call(api, "POST", f"/v1/device/interventions/{intervention_id}/media", tenant_a.device_headers(), request)
    assert (device[0], device[1]["error"]["field"]) == (400, "client_id")
    assert store.of_intervention(tenant_a.dealership_id, intervention_id) == []
    made_later = str(ULID.from_datetime(datetime.now(UTC) + timedelta(days=1)))
    status, answer = sign(api, tenant_a, intervention_id, **{**request, "client_id": made_later})
    assert (status, answer["error"]["field"]) == (400, "client_id"), answer


def test_the_51st_photo_is_refused_and_nothing_is_left_behind(api: Client, tenant_a: Tenant) -> None:
    intervention_id = intervention(api, tenant_a)
    for _ in range(50):
        assert sign(api, tenant_a, intervention_id, kind="photo", content_type="image/jpeg", size=1000)[0] == 201
    status, answer = sign(api, tenant_a, intervention_id, kind="photo", content_type="image/jpeg", size=1000)
    assert (status, answer["error"]["code"]) == (409, "quota_exceeded")
    assert store.usage_and_order(tenant_a.dealership_id, intervention_id)[0].photos == 50
    assert len(store.of_intervention(tenant_a.dealership_id, intervention_id)) == 50
    # Videos and attachments have quotas of their own.
    status, _ = sign(
        api, tenant_a, intervention_id, kind="attachment", content_type="application/pdf", size=10, filename="q.pdf"
    )
    assert status == 201


def test_ten_minutes_of_video_in_all(api: Client, tenant_a: Tenant) -> None:
    intervention_id = intervention(api, tenant_a)
    video = {"kind": "video", "content_type": "video/mp4", "size": 5 * MIB}
    assert sign(api, tenant_a, intervention_id, **video, duration_seconds=300)[0] == 201
    assert sign(api, tenant_a, intervention_id, **video, duration_seconds=240)[0] == 201
    status, answer = sign(api, tenant_a, intervention_id, **video, duration_seconds=61)
    assert (status, answer["error"]["code"], answer["error"]["field"]) == (409, "quota_exceeded", "duration_seconds")
    assert sign(api, tenant_a, intervention_id, **video, duration_seconds=60)[0] == 201


def test_a_video_arrives_in_parts_resumably_and_completes_once(
    api: Client, tenant_a: Tenant, stack: LocalStack
) -> None:
    intervention_id = intervention(api, tenant_a)
    data = bytes(range(256)) * (36 * 1024 + 100)  # just over 9 MiB: two parts
    status, signed = sign(
        api, tenant_a, intervention_id, kind="video", content_type="video/mp4", size=len(data), duration_seconds=20
    )
    assert status == 201, signed
    upload, media_id = signed["upload"], signed["media"]["id"]
    assert (upload["method"], upload["part_count"], len(upload["parts"])) == ("multipart", 2, 2)

    first = put_parts({**upload, "parts": upload["parts"][:1]}, data)  # the connection drops after part 1
    resumed = call(
        api, "GET", media_path(tenant_a, intervention_id, f"/{media_id}/upload"), tenant_a.bearer("back_office")
    )[1]
    assert [p["part_number"] for p in resumed["upload"]["parts_arrived"]] == [1]
    assert [p["part_number"] for p in resumed["upload"]["parts"]] == [2]
    rest = put_parts(resumed["upload"], data)

    complete = media_path(tenant_a, intervention_id, f"/{media_id}/complete")
    status, done = call(api, "POST", complete, tenant_a.bearer("back_office"), {"parts": first + rest})
    assert status == 200, done
    key = f"dealerships/{tenant_a.dealership_id}/interventions/{intervention_id}/media/{media_id}/original"
    assert boto3.client("s3").head_object(Bucket=stack.environment["MEDIA_BUCKET"], Key=key)["ContentLength"] == len(
        data
    )
    status, again = call(api, "POST", complete, tenant_a.bearer("back_office"), {"parts": first + rest})
    assert (status, again["error"]["code"]) == (409, "already_completed")
    abort = call(
        api, "DELETE", media_path(tenant_a, intervention_id, f"/{media_id}/upload"), tenant_a.bearer("back_office")
    )
    assert abort[0] == 409


def test_wrong_parts_are_refused_and_the_upload_can_still_complete(api: Client, tenant_a: Tenant) -> None:
    intervention_id = intervention(api, tenant_a)
    data = b"\x00\x00\x00\x18ftypisom" + b"v" * 1000
    status, signed = sign(
        api, tenant_a, intervention_id, kind="video", content_type="video/mp4", size=len(data), duration_seconds=5
    )
    parts = put_parts(signed["upload"], data)
    complete = media_path(tenant_a, intervention_id, f"/{signed['media']['id']}/complete")
    for body, field in (
        ({"parts": [{"part_number": 1, "etag": '"deadbeef"'}]}, "parts"),
        ({"parts": [{"part_number": 0, "etag": "x"}]}, "parts.0.part_number"),
        ({"parts": []}, "parts"),
        ({"parts": [parts[0], parts[0]]}, "parts"),
    ):
        status, answer = call(api, "POST", complete, tenant_a.bearer("back_office"), body)
        assert (status, answer["error"]["field"]) == (400, field), body
    assert call(api, "POST", complete, tenant_a.bearer("back_office"), {"parts": parts})[0] == 200


def test_aborting_an_upload_leaves_nothing_behind(api: Client, tenant_a: Tenant, stack: LocalStack) -> None:
    intervention_id = intervention(api, tenant_a)
    status, signed = sign(
        api, tenant_a, intervention_id, kind="video", content_type="video/mp4", size=10 * MIB, duration_seconds=30
    )
    put_parts({**signed["upload"], "parts": signed["upload"]["parts"][:1]}, bytes(10 * MIB))
    media_id = signed["media"]["id"]
    status, _ = call(
        api, "DELETE", media_path(tenant_a, intervention_id, f"/{media_id}/upload"), tenant_a.bearer("back_office")
    )
    assert status == 200
    assert boto3.client("s3").list_multipart_uploads(Bucket=stack.environment["MEDIA_BUCKET"]).get("Uploads", []) == []
    assert store.of_intervention(tenant_a.dealership_id, intervention_id) == []
    assert store.usage_and_order(tenant_a.dealership_id, intervention_id)[0].video_seconds == 0


def test_bytes_nobody_signed_for_are_deleted(api: Client, tenant_a: Tenant, stack: LocalStack) -> None:
    intervention_id = intervention(api, tenant_a)
    _status, signed = sign(api, tenant_a, intervention_id, kind="photo", content_type="image/jpeg", size=50_000)
    media_id = signed["media"]["id"]
    assert (
        call(api, "DELETE", media_path(tenant_a, intervention_id, f"/{media_id}"), tenant_a.bearer("back_office"))[0]
        == 200
    )
    assert post_form(signed["upload"], jpeg()).status_code in (200, 204)  # the form was still valid
    worker = Worker(stack, schedule_seconds=3600)
    prefix = f"dealerships/{tenant_a.dealership_id}/interventions/{intervention_id}/"
    until(worker, lambda: _objects(stack, prefix), lambda keys: keys == [])


def test_html_disguised_as_a_jpeg_is_deleted_and_the_reason_recorded(
    api: Client, tenant_a: Tenant, stack: LocalStack
) -> None:
    intervention_id = intervention(api, tenant_a)
    html = b"<!doctype html><script>alert(document.cookie)</script>" * 20
    _status, signed = sign(api, tenant_a, intervention_id, kind="photo", content_type="image/jpeg", size=len(html))
    assert post_form(signed["upload"], html).status_code in (200, 204)
    worker = Worker(stack, schedule_seconds=3600)
    media_id = signed["media"]["id"]
    found = until(
        worker, lambda: media_of(api, tenant_a, intervention_id, media_id), lambda m: m["status"] != "uploading"
    )
    assert (found["status"], found["reason"]["code"]) == ("rejected", "type_not_allowed")
    assert _objects(stack, f"dealerships/{tenant_a.dealership_id}/interventions/{intervention_id}/") == []
    assert store.usage_and_order(tenant_a.dealership_id, intervention_id)[0].photos == 0


def test_an_oversize_upload_is_deleted_even_where_s3_did_not_enforce_the_policy(
    api: Client, tenant_a: Tenant, stack: LocalStack
) -> None:
    intervention_id = intervention(api, tenant_a)
    photo = jpeg(1200, 900)
    _status, signed = sign(
        api, tenant_a, intervention_id, kind="photo", content_type="image/jpeg", size=len(photo) // 2
    )
    assert post_form(signed["upload"], photo).status_code in (200, 204)  # moto does not check the policy
    worker = Worker(stack, schedule_seconds=3600)
    media_id = signed["media"]["id"]
    found = until(
        worker, lambda: media_of(api, tenant_a, intervention_id, media_id), lambda m: m["status"] != "uploading"
    )
    assert (found["status"], found["reason"]["code"]) == ("rejected", "too_large")
    assert _objects(stack, f"dealerships/{tenant_a.dealership_id}/interventions/{intervention_id}/") == []


def test_media_change_only_while_the_intervention_waits_to_be_sent(api: Client, tenant_a: Tenant) -> None:
    intervention_id = intervention(api, tenant_a)
    status, signed = sign(api, tenant_a, intervention_id, kind="photo", content_type="image/jpeg", size=1000)
    base = f"/v1/dealerships/{tenant_a.dealership_id}/interventions/{intervention_id}"
    assert call(api, "POST", base + "/close", tenant_a.bearer("back_office"))[0] == 200
    status, answer = sign(api, tenant_a, intervention_id, kind="photo", content_type="image/jpeg", size=1000)
    assert (status, answer["error"]["code"]) == (409, "not_editable")
    edit = call(
        api,
        "PATCH",
        media_path(tenant_a, intervention_id, f"/{signed['media']['id']}"),
        tenant_a.bearer("back_office"),
        {"visibility": "private"},
    )
    assert edit[0] == 409


def test_signed_urls_work_from_a_browser_origin(stack: LocalStack) -> None:
    cors = boto3.client("s3").get_bucket_cors(Bucket=stack.environment["MEDIA_BUCKET"])["CORSRules"][0]
    assert {"POST", "PUT"} <= set(cors["AllowedMethods"]) and "ETag" in cors["ExposeHeaders"]
