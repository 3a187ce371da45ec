"""F-4.5 videos: uploaded in parts, probed, transcoded (ffmpeg behind the MediaConvert port), ready
with an HLS ladder, an MP4 and a poster; the rules checked on what really arrived."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3
from chalice.test import Client

from dealerlink.adapters import transcoder
from dealerlink.services import media_intake
from dealerlink.store import media as store
from devstack.template import LocalStack
from devstack.worker import Worker
from tests.integration.flows import intervention, media_of, media_path, put_parts, sign, until
from tests.integration.tenants import Tenant, call
from tests.samples import clip


def _upload_video(api: Client, tenant: Tenant, intervention_id: str, data: bytes, declared: float) -> str:
    status, signed = sign(
        api, tenant, intervention_id, kind="video", content_type="video/mp4", size=len(data), duration_seconds=declared
    )
    assert status == 201, signed
    parts = put_parts(signed["upload"], data)
    complete = media_path(tenant, intervention_id, f"/{signed['media']['id']}/complete")
    assert call(api, "POST", complete, tenant.bearer("back_office"), {"parts": parts})[0] == 200
    return str(signed["media"]["id"])


def _keys(stack: LocalStack, prefix: str) -> list[str]:
    listing = boto3.client("s3").list_objects_v2(Bucket=stack.environment["MEDIA_BUCKET"], Prefix=prefix)
    return sorted(o["Key"] for o in listing.get("Contents", []))


def test_a_video_becomes_ready_with_hls_mp4_and_poster_exactly_once(
    api: Client, tenant_a: Tenant, stack: LocalStack, tmp_path: Path
) -> None:
    intervention_id = intervention(api, tenant_a)
    data = clip(tmp_path / "clip.mp4", 3, size="640x360", bitrate="25M")  # over 8 MiB: two parts
    assert len(data) > 8 * 1024 * 1024
    media_id = _upload_video(api, tenant_a, intervention_id, data, declared=3)
    worker = Worker(stack, schedule_seconds=3600)

    ready = until(
        worker,
        lambda: media_of(api, tenant_a, intervention_id, media_id),
        lambda m: m["status"] in ("ready", "rejected", "failed"),
        ticks=600,
    )
    assert ready["status"] == "ready", ready
    assert (ready["width"], ready["height"], round(ready["duration_seconds"])) == (640, 360, 3)
    assert set(ready["urls"]) == {"mp4", "poster"}
    prefix = f"dealerships/{tenant_a.dealership_id}/interventions/{intervention_id}/media/{media_id}/video/"
    keys = _keys(stack, prefix)
    assert prefix + "hls/index.m3u8" in keys and prefix + "mp4/video.mp4" in keys
    assert prefix + "poster/poster.0000001.jpg" in keys
    assert any(k.endswith(".ts") for k in keys)
    assert store.usage_and_order(tenant_a.dealership_id, intervention_id)[0].video_seconds == round(
        ready["duration_seconds"], 3
    )
    assert worker.invocations["MediaFunction/EventBridgeRule"] == 1

    # S3 and EventBridge may both deliver twice: no second job, no change.
    item = store.get(tenant_a.dealership_id, intervention_id, media_id)
    event = _completion_event(item.job_id or "", tenant_a.dealership_id, intervention_id, media_id)
    from functions.media.handler import handler

    assert handler(event, _context())["outcome"] == "duplicate"
    assert store.get(tenant_a.dealership_id, intervention_id, media_id).revision == item.revision


def test_a_six_minute_video_declared_short_is_rejected_after_upload(
    api: Client, tenant_a: Tenant, stack: LocalStack, tmp_path: Path
) -> None:
    intervention_id = intervention(api, tenant_a)
    data = clip(tmp_path / "long.mp4", 360, size="64x48", rate=5)
    media_id = _upload_video(api, tenant_a, intervention_id, data, declared=60)
    worker = Worker(stack, schedule_seconds=3600)
    found = until(
        worker, lambda: media_of(api, tenant_a, intervention_id, media_id), lambda m: m["status"] != "uploading"
    )
    assert (found["status"], found["reason"]["code"]) == ("rejected", "too_long")
    assert _keys(stack, f"dealerships/{tenant_a.dealership_id}/interventions/{intervention_id}/") == []
    assert store.usage_and_order(tenant_a.dealership_id, intervention_id)[0].video_seconds == 0
    assert worker.invocations.get("MediaFunction/EventBridgeRule", 0) == 0  # no job was started


def test_a_duplicate_upload_notification_starts_no_second_job(
    api: Client, tenant_a: Tenant, stack: LocalStack, tmp_path: Path, monkeypatch: Any
) -> None:
    started: list[str] = []
    real = transcoder.transcoder()
    monkeypatch.setattr(media_intake, "transcoder", lambda: _Counting(real, started))
    intervention_id = intervention(api, tenant_a)
    media_id = _upload_video(api, tenant_a, intervention_id, clip(tmp_path / "c.mp4", 2), declared=2)
    sqs = boto3.client("sqs")
    url = stack.environment["MEDIA_UPLOADS_QUEUE_URL"]
    notices = [
        m for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"] if "Records" in m["Body"]
    ]
    for message in notices:  # S3 delivers it a second time
        sqs.send_message(QueueUrl=url, MessageBody=message["Body"])
        sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0)
    worker = Worker(stack, schedule_seconds=3600)
    until(
        worker, lambda: media_of(api, tenant_a, intervention_id, media_id), lambda m: m["status"] == "ready", ticks=600
    )
    assert started == [media_id]


class _Counting:
    def __init__(self, real: transcoder.Transcoder, started: list[str]) -> None:
        self.real, self.started = real, started

    def start(self, request: transcoder.TranscodeRequest) -> str:
        self.started.append(request.user_metadata["media_id"])
        return self.real.start(request)


def _completion_event(job_id: str, dealership_id: str, intervention_id: str, media_id: str) -> dict[str, Any]:
    return {
        "version": "0",
        "id": "e-1",
        "detail-type": "MediaConvert Job State Change",
        "source": "aws.mediaconvert",
        "detail": {
            "status": "COMPLETE",
            "jobId": job_id,
            "userMetadata": {
                "application": "dealerlink",
                "dealership_id": dealership_id,
                "intervention_id": intervention_id,
                "media_id": media_id,
            },
        },
    }


def _context() -> Any:
    from devstack.worker import LocalContext

    return LocalContext(function_name="media")


def test_completion_events_of_unknown_media_drop_their_outputs(stack: LocalStack) -> None:
    from functions.media.handler import handler

    event = _completion_event(
        "job-x", "01HZZZDEMQDEA1ERSH1P000000", "01HZZZDEMQDEA1ERSH1P000001", "01HZZZDEMQDEA1ERSH1P000002"
    )
    assert handler(event, _context())["outcome"] == "stray"
