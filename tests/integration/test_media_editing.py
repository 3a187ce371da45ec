"""F-4.2-F-4.4 on photos that really went through the media function: renditions without
metadata, annotation into new versions with undo, visibility, order, deletion, downloads."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import boto3
import pytest
import requests
from chalice.test import Client
from PIL import Image

from devstack.template import LocalStack
from devstack.worker import Worker
from tests.integration.flows import intervention, media_of, media_path, until, upload_photo
from tests.integration.tenants import Tenant, call
from tests.samples import jpeg

RENDITIONS = {"w1280.webp", "w1280.jpg", "w640.webp", "w640.jpg", "w320.webp", "w320.jpg", "thumb.jpg"}


@pytest.fixture
def worker(stack: LocalStack) -> Worker:
    return Worker(stack, schedule_seconds=3600)


def _ready(api: Client, tenant: Tenant, worker: Worker, intervention_id: str, data: bytes) -> dict[str, Any]:
    media_id = upload_photo(api, tenant, intervention_id, data)
    found = until(
        worker, lambda: media_of(api, tenant, intervention_id, media_id), lambda m: m["status"] != "uploading"
    )
    assert found["status"] == "ready", found
    return found


def _pixel(image: Image.Image, x: int, y: int) -> tuple[int, int, int]:
    red, green, blue = image.convert("RGB").getpixel((x, y))  # type: ignore[misc]
    return int(red), int(green), int(blue)


def _image(url: str) -> Image.Image:
    answer = requests.get(url, timeout=10)
    assert answer.status_code == 200, answer.text
    return Image.open(io.BytesIO(answer.content))


def _keys(stack: LocalStack, prefix: str) -> list[str]:
    listing = boto3.client("s3").list_objects_v2(Bucket=stack.environment["MEDIA_BUCKET"], Prefix=prefix)
    return sorted(o["Key"] for o in listing.get("Contents", []))


def test_a_phone_photo_is_turned_upright_and_loses_its_position(api: Client, tenant_a: Tenant, worker: Worker) -> None:
    intervention_id = intervention(api, tenant_a)
    photo = _ready(api, tenant_a, worker, intervention_id, jpeg(1600, 1200, orientation=6, gps=True))
    assert (photo["width"], photo["height"]) == (1200, 1600)  # orientation 6: turned a quarter
    assert set(photo["urls"]) == RENDITIONS
    for name, width in (("w640.jpg", 640), ("w320.webp", 320)):
        rendition = _image(photo["urls"][name])
        assert rendition.size == (width, round(1600 * width / 1200))
        assert not rendition.getexif(), name  # no GPS, no orientation, nothing
    assert max(_image(photo["urls"]["thumb.jpg"]).size) <= 320


def test_annotations_make_versions_and_undo_goes_back_to_any(api: Client, tenant_a: Tenant, worker: Worker) -> None:
    intervention_id = intervention(api, tenant_a)
    photo = _ready(api, tenant_a, worker, intervention_id, jpeg(800, 600))
    one = media_path(tenant_a, intervention_id, f"/{photo['id']}")
    office = tenant_a.bearer("back_office")
    rect = {"type": "rect", "x": 0.1, "y": 0.1, "width": 0.3, "height": 0.3, "color": "#FF0000", "stroke": 0.02}
    status, drawing = call(api, "POST", one + "/annotations", office, {"shapes": [rect]})
    assert status == 202, drawing
    assert drawing["versions"][-1]["status"] == "processing" and drawing["current_version"] == 1

    # While version 2 is drawn, a second annotation waits.
    circle = {"type": "circle", "cx": 0.7, "cy": 0.6, "r": 0.1}
    assert call(api, "POST", one + "/annotations", office, {"shapes": [circle]})[1]["error"]["code"] == "not_ready"
    two = until(
        worker, lambda: media_of(api, tenant_a, intervention_id, photo["id"]), lambda m: m["current_version"] == 2
    )
    red = _pixel(_image(two["urls"]["w640.jpg"]), int(0.1 * 640) + 2, 160)
    assert red[0] > 180 and red[1] < 90, red  # the rectangle's left edge is drawn

    status, _ = call(api, "POST", one + "/annotations", office, {"shapes": [circle]})
    three = until(
        worker, lambda: media_of(api, tenant_a, intervention_id, photo["id"]), lambda m: m["current_version"] == 3
    )
    assert [v["version"] for v in three["versions"]] == [1, 2, 3]

    status, undone = call(api, "PUT", one + "/version", office, {"version": 1})
    assert (status, undone["current_version"]) == (200, 1)
    grey = _pixel(_image(undone["urls"]["w640.jpg"]), int(0.1 * 640) + 2, 160)
    assert abs(grey[0] - grey[1]) < 20, grey  # the original, without the red
    assert call(api, "PUT", one + "/version", office, {"version": 3})[1]["current_version"] == 3


def test_bad_annotations_name_their_field(api: Client, tenant_a: Tenant, worker: Worker) -> None:
    intervention_id = intervention(api, tenant_a)
    photo = _ready(api, tenant_a, worker, intervention_id, jpeg(400, 300))
    one = media_path(tenant_a, intervention_id, f"/{photo['id']}")
    office = tenant_a.bearer("back_office")
    bad = [
        ({"shapes": [{"type": "star"}]}, "shapes.0.type"),
        ({"shapes": [{"type": "rect", "x": 0.9, "y": 0.1, "width": 0.3, "height": 0.1}]}, "shapes.0.width"),
        ({"shapes": "rect"}, "shapes"),
    ]
    for body, field in bad:
        status, answer = call(api, "POST", one + "/annotations", office, body)
        assert (status, answer["error"]["field"]) == (400, field), answer
    for body, field in (({"version": 7}, "version"), ({"version": "1"}, "version")):
        status, answer = call(api, "PUT", one + "/version", office, body)
        assert (status, answer["error"]["field"]) == (400, field), answer
    assert media_of(api, tenant_a, intervention_id, photo["id"])["versions"][-1]["version"] == 1


def test_order_visibility_and_deletion(api: Client, tenant_a: Tenant, worker: Worker, stack: LocalStack) -> None:
    intervention_id = intervention(api, tenant_a)
    first = _ready(api, tenant_a, worker, intervention_id, jpeg(400, 300))
    second = _ready(api, tenant_a, worker, intervention_id, jpeg(300, 400))
    office = tenant_a.bearer("back_office")
    all_media = media_path(tenant_a, intervention_id)
    status, listed = call(api, "PUT", all_media, office, {"order": [second["id"], first["id"]]})
    assert status == 200 and [m["id"] for m in listed["items"]] == [second["id"], first["id"]]
    assert call(api, "PUT", all_media, office, {"order": [first["id"]]})[1]["error"]["field"] == "order"

    status, private = call(api, "PATCH", f"{all_media}/{first['id']}", office, {"visibility": "private"})
    assert (status, private["visibility"]) == (200, "private")
    assert call(api, "PATCH", f"{all_media}/{first['id']}", office, {"visibility": "secret"})[0] == 400

    prefix = f"dealerships/{tenant_a.dealership_id}/interventions/{intervention_id}/media/{first['id']}/"
    assert _keys(stack, prefix)
    assert call(api, "DELETE", f"{all_media}/{first['id']}", office)[0] == 200
    assert _keys(stack, prefix) == []
    assert [m["id"] for m in call(api, "GET", all_media, office)[1]["items"]] == [second["id"]]


def test_one_download_and_every_medium_as_a_zip(api: Client, tenant_a: Tenant, worker: Worker) -> None:
    intervention_id = intervention(api, tenant_a)
    original = jpeg(1600, 1200, quality=95)
    photo = _ready(api, tenant_a, worker, intervention_id, original)
    _ready(api, tenant_a, worker, intervention_id, jpeg(640, 480))
    office = tenant_a.bearer("back_office")
    base = f"/v1/dealerships/{tenant_a.dealership_id}/interventions/{intervention_id}"

    status, link = call(api, "GET", f"{base}/media/{photo['id']}/download", office)
    assert status == 200, link
    saved = requests.get(link["url"], timeout=10)
    assert saved.content == original
    assert saved.headers["Content-Disposition"].startswith("attachment")
    status, web = call(api, "GET", f"{base}/media/{photo['id']}/download?quality=web", office)
    assert Image.open(io.BytesIO(requests.get(web["url"], timeout=10).content)).size == (1280, 960)
    assert (
        call(api, "GET", f"{base}/media/{photo['id']}/download?quality=best", office)[1]["error"]["field"] == "quality"
    )

    status, archive = call(api, "POST", f"{base}/archives", office, {"quality": "originals"})
    assert (status, archive["status"]) == (202, "building")
    ready = until(
        worker,
        lambda: call(api, "GET", f"{base}/archives/{archive['id']}", office)[1],
        lambda a: a["status"] != "building",
    )
    assert (ready["status"], ready["files"]) == ("ready", 2), ready
    with zipfile.ZipFile(io.BytesIO(requests.get(ready["url"], timeout=10).content)) as zipped:
        names = zipped.namelist()
        assert len(names) == 2 and names[0].startswith("01-photo-")
        assert zipped.read(names[0]) == original


def _checked_original(tenant: Tenant, intervention_id: str, media_id: str) -> str:
    from dealerlink.services.media_tasks import download_key
    from dealerlink.store import media as store

    return download_key(store.get(tenant.dealership_id, intervention_id, media_id), "originals")[0]


def _settled(api: Client, tenant: Tenant, worker: Worker, intervention_id: str, media_id: str) -> dict[str, Any]:
    """The photo once no version is being drawn any more."""
    return until(
        worker,
        lambda: media_of(api, tenant, intervention_id, media_id),
        lambda m: all(v["status"] != "processing" for v in m["versions"]),
    )


def test_an_annotation_whose_original_is_gone_or_damaged_fails_and_the_next_one_can_be_made(
    api: Client, tenant_a: Tenant, worker: Worker, stack: LocalStack
) -> None:
    intervention_id = intervention(api, tenant_a)
    original = jpeg(800, 600)
    photo = _ready(api, tenant_a, worker, intervention_id, original)
    one = media_path(tenant_a, intervention_id, f"/{photo['id']}")
    office = tenant_a.bearer("back_office")
    s3, bucket = boto3.client("s3"), stack.environment["MEDIA_BUCKET"]
    key = _checked_original(tenant_a, intervention_id, photo["id"])
    rect = {"type": "rect", "x": 0.1, "y": 0.1, "width": 0.3, "height": 0.3}

    s3.delete_object(Bucket=bucket, Key=key)
    assert call(api, "POST", one + "/annotations", office, {"shapes": [rect]})[0] == 202
    failed = _settled(api, tenant_a, worker, intervention_id, photo["id"])
    assert (failed["versions"][1]["status"], failed["versions"][1]["reason"]["code"]) == ("failed", "original_missing")
    assert failed["current_version"] == 1 and failed["status"] == "ready"
    status, refused = call(api, "PUT", one + "/version", office, {"version": 2})
    assert (status, refused["error"]["code"], refused["error"]["field"]) == (409, "version_failed", "version")

    s3.put_object(Bucket=bucket, Key=key, Body=b"\xff\xd8\xff\xe0" + b"not a photo any more" * 50)
    assert call(api, "POST", one + "/annotations", office, {"shapes": [rect]})[0] == 202  # not 409 not_ready
    damaged = _settled(api, tenant_a, worker, intervention_id, photo["id"])
    assert damaged["versions"][2]["status"] == "failed" and damaged["versions"][2]["reason"]["message"]

    s3.put_object(Bucket=bucket, Key=key, Body=original)
    assert call(api, "POST", one + "/annotations", office, {"shapes": [rect]})[0] == 202
    drawn = _settled(api, tenant_a, worker, intervention_id, photo["id"])
    assert (drawn["current_version"], drawn["versions"][3]["status"]) == (4, "ready")
    assert set(drawn["urls"]) == RENDITIONS
    assert _keys(stack, key.rsplit("/", 2)[0] + "/v2/") == []  # a failed version leaves no renditions


def test_an_annotation_that_keeps_failing_is_marked_failed_on_its_last_delivery(
    api: Client, tenant_a: Tenant, worker: Worker, stack: LocalStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

    from dealerlink.adapters import storage
    from dealerlink.services import media_tasks
    from devstack.worker import LocalContext, sqs_record
    from functions.media.handler import handler

    intervention_id = intervention(api, tenant_a)
    photo = _ready(api, tenant_a, worker, intervention_id, jpeg(400, 300))
    one = media_path(tenant_a, intervention_id, f"/{photo['id']}")
    rect = {"type": "rect", "x": 0.1, "y": 0.1, "width": 0.3, "height": 0.3}
    assert call(api, "POST", one + "/annotations", tenant_a.bearer("back_office"), {"shapes": [rect]})[0] == 202
    url = stack.environment["MEDIA_TASKS_QUEUE_URL"]
    (message,) = boto3.client("sqs").receive_message(QueueUrl=url, AttributeNames=["All"])["Messages"]

    def unreachable(key: str) -> bytes:
        raise ConnectionError("S3 is unreachable")

    def delivered(attempt: int) -> bool:
        """Hand the task over as Lambda does on its ``attempt``-th receipt; True if SQS keeps it."""
        record = sqs_record(message, "arn:aws:sqs:eu-west-1:123456789012:media-tasks")
        record["attributes"] = {**record["attributes"], "ApproximateReceiveCount": str(attempt)}
        try:
            answer = handler({"Records": [record]}, LocalContext(function_name="media"))
        except BatchProcessingError:  # the whole batch (of one) failed: the invocation fails
            return True
        return bool(answer["batchItemFailures"])

    monkeypatch.setattr(storage, "read", unreachable)
    for attempt in range(1, media_tasks.ATTEMPTS):
        assert delivered(attempt)  # SQS delivers it again
        assert media_of(api, tenant_a, intervention_id, photo["id"])["versions"][1]["status"] == "processing"
    assert not delivered(media_tasks.ATTEMPTS)  # the last delivery: no dead letter, the version says why
    version = media_of(api, tenant_a, intervention_id, photo["id"])["versions"][1]
    assert (version["status"], version["reason"]["code"]) == ("failed", "annotation_failed")
