"""F-4.5 transcoding: the MediaConvert job as sent, and the local ffmpeg stand-in.

MediaConvert is checked with botocore's Stubber on a real client, which validates the request
against the service's API model; enum values and ranges, which the Stubber skips, are checked
against the same model here. FfmpegTranscoder runs inside moto on template.yaml's resources and
must write the names of ``video_outputs`` and announce its end on EventBridge as MediaConvert does.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.model import Shape, StructureShape
from botocore.stub import ANY, Stubber

from dealerlink.adapters.events import parse_job_event
from dealerlink.adapters.transcoder import (
    SETTINGS_PATH,
    MediaConvertTranscoder,
    TranscodeRequest,
    _endpoint_client,
    load_settings,
    transcoder,
)
from dealerlink.config import settings
from dealerlink.domain.media import MediaRef
from dealerlink.domain.video import JobOutcome, VideoInfo, probe, video_outputs
from dealerlink.ids import new_id
from devstack.ffmpeg import FfmpegTranscoder, ladder, plan
from devstack.template import LocalStack
from tests import samples

ROLE = "arn:aws:iam::123456789012:role/dealerlink-local-MediaConvertRole"
BUCKET = "dealerlink-local-media-123456789012-eu-west-1"


def _request(ref: MediaRef) -> TranscodeRequest:
    return TranscodeRequest(
        token=f"{ref.media_id}-1",
        input_key=ref.original_key,
        output_prefix=ref.video_prefix,
        user_metadata={"media_id": ref.media_id},
    )


def _new_ref() -> MediaRef:
    return MediaRef(new_id(), new_id(), new_id())


@pytest.fixture
def deployed(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The media function's environment on AWS."""
    monkeypatch.setenv("MEDIA_BUCKET", BUCKET)
    monkeypatch.setenv("MEDIACONVERT_ROLE_ARN", ROLE)
    monkeypatch.delenv("MEDIACONVERT_ENDPOINT", raising=False)
    settings.cache_clear()
    transcoder.cache_clear()
    yield
    settings.cache_clear()
    transcoder.cache_clear()


# ---------------------------------------------------------------- MediaConvert


def test_mediaconvert_job_is_video_json_with_the_medium_filled_in(deployed: None) -> None:
    mediaconvert = boto3.client("mediaconvert", region_name="eu-west-1")
    ref = _new_ref()
    request = _request(ref)
    text = SETTINGS_PATH.read_text()
    for placeholder, value in (
        ("{bucket}", BUCKET),
        ("{input_key}", ref.original_key),
        ("{output_prefix}", ref.video_prefix),
    ):
        text = text.replace(placeholder, value)
    expected = json.loads(text)
    assert expected["Inputs"][0]["FileInput"] == f"s3://{BUCKET}/{ref.original_key}"

    with Stubber(mediaconvert) as stub:
        stub.add_response(
            "create_job",
            {"Job": {"Id": "1671476818694-phptj0", "Role": ROLE, "Settings": {}}},
            {
                "Role": ROLE,
                "Settings": expected,
                "ClientRequestToken": request.token,  # MediaConvert's own idempotency
                "UserMetadata": {"media_id": ref.media_id, "application": "dealerlink"},
                "StatusUpdateInterval": ANY,
            },
        )
        job_id = MediaConvertTranscoder(mediaconvert).start(request)
        stub.assert_no_pending_responses()

    assert job_id == "1671476818694-phptj0"
    destinations = [json.dumps(group["OutputGroupSettings"]) for group in expected["OutputGroups"]]
    assert all(f'"s3://{BUCKET}/{ref.video_prefix}' in destination for destination in destinations)


def _invalid(shape: Shape, value: Any, path: str) -> list[str]:
    """What botocore's validation leaves out: unknown members, enum values, numeric ranges."""
    if isinstance(shape, StructureShape):
        unknown = [f"{path}.{key}: unknown" for key in value if key not in shape.members]
        return unknown + [
            problem
            for key, item in value.items()
            if key in shape.members
            for problem in _invalid(shape.members[key], item, f"{path}.{key}")
        ]
    if shape.type_name == "list":
        return [p for i, item in enumerate(value) for p in _invalid(shape.member, item, f"{path}[{i}]")]
    if shape.type_name == "map":
        return [p for key, item in value.items() for p in _invalid(shape.value, item, f"{path}.{key}")]
    enum = getattr(shape, "enum", None)  # only string shapes have one
    if enum and value not in enum:
        return [f"{path}: {value!r} is not one of {enum}"]
    low, high = shape.metadata.get("min"), shape.metadata.get("max")
    if shape.type_name in ("integer", "double") and (
        (low is not None and value < low) or (high is not None and value > high)
    ):
        return [f"{path}: {value} is outside [{low}, {high}]"]
    return []


def test_video_json_uses_only_settings_and_values_mediaconvert_knows() -> None:
    model = boto3.client("mediaconvert", region_name="eu-west-1").meta.service_model
    settings_shape = model.operation_model("CreateJob").input_shape.members["Settings"]

    assert _invalid(settings_shape, load_settings(), "Settings") == []


def test_an_account_endpoint_overrides_the_regional_one(deployed: None, monkeypatch: pytest.MonkeyPatch) -> None:
    endpoint = "https://abcd1234.mediaconvert.eu-west-1.amazonaws.com"
    monkeypatch.setenv("MEDIACONVERT_ENDPOINT", endpoint)
    mediaconvert = _endpoint_client(endpoint)  # cached: the adapter gets this very client
    assert mediaconvert.meta.endpoint_url == endpoint

    with Stubber(mediaconvert) as stub:
        stub.add_response("create_job", {"Job": {"Id": "1-abcdef", "Role": ROLE, "Settings": {}}})
        assert MediaConvertTranscoder().start(_request(_new_ref())) == "1-abcdef"
        stub.assert_no_pending_responses()


def test_the_transcoder_is_chosen_by_the_environment(deployed: None, monkeypatch: pytest.MonkeyPatch) -> None:
    assert isinstance(transcoder(), MediaConvertTranscoder)
    assert transcoder() is transcoder()  # one per process

    transcoder.cache_clear()
    monkeypatch.setenv("TRANSCODER", "devstack.ffmpeg:FfmpegTranscoder")
    assert isinstance(transcoder(), FfmpegTranscoder)

    transcoder.cache_clear()
    monkeypatch.setenv("TRANSCODER", "elemental")
    with pytest.raises(ValueError, match="TRANSCODER"):
        transcoder()


def test_lambda_code_never_loads_the_ffmpeg_transcoder() -> None:
    probe_imports = (
        "import sys, dealerlink.adapters.transcoder, functions.media.handler;"
        "print([m for m in sys.modules if 'ffmpeg' in m])"
    )
    env = {**os.environ, "TRANSCODER": "mediaconvert"}
    result = subprocess.run([sys.executable, "-c", probe_imports], capture_output=True, text=True, check=True, env=env)

    assert result.stdout.strip() == "[]"


def test_a_request_token_fits_mediaconvert() -> None:
    with pytest.raises(ValueError, match="64"):
        TranscodeRequest(token="x" * 65, input_key="k", output_prefix="p/", user_metadata={})
    with pytest.raises(ValueError, match="/"):
        TranscodeRequest(token="t", input_key="k", output_prefix="p", user_metadata={})


# ---------------------------------------------------------------- ffmpeg on the local stack


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """2 s of 320x240 H.264/AAC, as a phone would upload (tiny, to stay fast)."""
    return samples.clip(tmp_path_factory.mktemp("clip") / "clip.mp4", 2)


def test_the_local_ladder_is_video_json_without_rungs_taller_than_the_input() -> None:
    job = plan(load_settings())
    hls = next(g for g in load_settings()["OutputGroups"] if g["OutputGroupSettings"]["Type"] == "HLS_GROUP_SETTINGS")
    heights = [output["VideoDescription"]["Height"] for output in hls["Outputs"]]

    full_hd = ladder(job, VideoInfo("mp4", 10.0, "avc1", 1920, 1080))
    portrait_720 = ladder(job, VideoInfo("mov", 10.0, "hvc1", 720, 1280))  # height as displayed
    tiny = ladder(job, VideoInfo("mp4", 10.0, "avc1", 320, 240))

    assert [rung.height for rung in full_hd] == heights
    assert [rung.height for rung in portrait_720] == [h for h in heights if h <= 1280]
    assert [rung.height for rung in tiny] == [min(heights)]  # kept, at the input's size


def _finished_events(stack: LocalStack) -> list[dict[str, Any]]:
    """What reached the media function's TranscodeFinished rule (locally: its tap queue)."""
    url = stack.rule_taps[("MediaFunction", "TranscodeFinished")]
    messages = boto3.client("sqs").receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
    return [json.loads(message["Body"]) for message in messages]


def _keys(bucket: str, prefix: str) -> set[str]:
    listed = boto3.client("s3").list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", [])
    return {item["Key"] for item in listed}


def _text(bucket: str, key: str) -> str:
    body: bytes = boto3.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read()
    return body.decode()


def _uris(playlist: str) -> list[str]:
    return [line for line in playlist.splitlines() if line and not line.startswith("#")]


def _ranged(bucket: str, key: str) -> tuple[Any, int]:
    """probe's reader on S3: one ranged GET per call, as the media function reads uploads."""
    s3 = boto3.client("s3")

    def read(offset: int, length: int) -> bytes:
        body: bytes = s3.get_object(Bucket=bucket, Key=key, Range=f"bytes={offset}-{offset + length - 1}")[
            "Body"
        ].read()
        return body

    return read, int(s3.head_object(Bucket=bucket, Key=key)["ContentLength"])


def test_ffmpeg_writes_what_mediaconvert_would_and_announces_it(stack: LocalStack, clip: bytes) -> None:
    bucket = stack.environment["MEDIA_BUCKET"]
    ref = _new_ref()
    boto3.client("s3").put_object(Bucket=bucket, Key=ref.original_key, Body=clip)
    local = FfmpegTranscoder()

    job_id = local.start(_request(ref))
    assert local.start(_request(ref)) == job_id  # a redelivered start: same job, no second transcode
    assert local.wait(job_id, timeout=60)

    outputs = video_outputs(ref.video_prefix)
    keys = _keys(bucket, ref.video_prefix)
    assert {outputs.hls_master, outputs.mp4, outputs.poster} <= keys
    folder = outputs.hls_master.rsplit("/", 1)[0] + "/"
    variants = _uris(_text(bucket, outputs.hls_master))
    hls = next(g for g in load_settings()["OutputGroups"] if g["OutputGroupSettings"]["Type"] == "HLS_GROUP_SETTINGS")
    assert {f"index{output['NameModifier']}.m3u8" for output in hls["Outputs"]} >= set(variants) != set()
    for variant in variants:
        segments = _uris(_text(bucket, folder + variant))
        assert segments
        assert {folder + segment for segment in segments} <= keys
    mp4 = probe(*_ranged(bucket, outputs.mp4))
    assert (mp4.codec, mp4.width, mp4.height) == ("avc1", 320, 240)  # 240p input: no rung upscaled
    assert mp4.duration_seconds == pytest.approx(2.0, abs=0.2)
    head = boto3.client("s3").get_object(Bucket=bucket, Key=outputs.mp4, Range="bytes=0-4095")["Body"].read()
    assert head.find(b"moov") < head.find(b"mdat") or head.find(b"mdat") == -1  # faststart: playable while loading
    poster = boto3.client("s3").get_object(Bucket=bucket, Key=outputs.poster)
    assert (poster["ContentType"], poster["Body"].read()[:3]) == ("image/jpeg", b"\xff\xd8\xff")

    events = _finished_events(stack)
    assert len(events) == 1
    assert parse_job_event(events[0]) == JobOutcome(
        job_id, "COMPLETE", {"media_id": ref.media_id, "application": "dealerlink"}, None
    )
    assert events[0]["detail"]["outputGroupDetails"][0]["playlistFilePaths"] == [f"s3://{bucket}/{outputs.hls_master}"]


def test_ffmpeg_announces_an_error_for_bytes_that_are_no_video(stack: LocalStack) -> None:
    bucket = stack.environment["MEDIA_BUCKET"]
    ref = _new_ref()
    boto3.client("s3").put_object(
        Bucket=bucket, Key=ref.original_key, Body=b"\x00\x00\x00\x18ftypmp42" + os.urandom(4000)
    )
    local = FfmpegTranscoder()

    job_id = local.start(_request(ref))
    assert local.wait(job_id, timeout=60)

    events = _finished_events(stack)
    assert len(events) == 1
    outcome = parse_job_event(events[0])
    assert outcome is not None
    assert (outcome.job_id, outcome.status) == (job_id, "ERROR")
    assert outcome.error
    assert _keys(bucket, ref.video_prefix) == set()
