"""F-4.5 videos: probing uploads, duration quotas, output names and job outcomes.

Real clips are made once per session with the static ffmpeg of imageio-ffmpeg (tiny, 1-2 s);
probe itself reads them from memory, the way it reads ranged GETs on S3.
"""

from __future__ import annotations

import struct
import subprocess
from collections.abc import Callable
from typing import Any

import imageio_ffmpeg
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dealerlink.adapters.events import parse_job_event
from dealerlink.adapters.transcoder import load_settings
from dealerlink.domain.media import MediaLimits, MediaRejectedError
from dealerlink.domain.video import (
    MAX_MOOV_BYTES,
    JobOutcome,
    VideoInfo,
    check_duration,
    probe,
    video_outputs,
)

LAVFI = ["-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30", "-f", "lavfi", "-i", "sine=sample_rate=48000"]
X264 = ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac"]


def _ffmpeg(*args: str) -> None:
    command = [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", "-y", *args]
    subprocess.run(command, check=True, capture_output=True)


@pytest.fixture(scope="session")
def clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """An MP4 with moov at the end (ffmpeg's default), one with faststart, an iPhone-like HEVC .mov."""
    folder = tmp_path_factory.mktemp("clips")
    _ffmpeg(*LAVFI, "-t", "2", *X264, str(folder / "end.mp4"))
    _ffmpeg(*LAVFI, "-t", "1.5", *X264, "-movflags", "+faststart", str(folder / "faststart.mp4"))
    hevc = ["-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=error", "-tag:v", "hvc1"]
    _ffmpeg(*LAVFI, "-t", "1", *hevc, "-c:a", "aac", "-f", "mov", str(folder / "landscape.mov"))
    # A portrait iPhone video: landscape samples plus a quarter-turn display matrix.
    copy = ["-c", "copy", "-tag:v", "hvc1", "-f", "mov"]
    _ffmpeg("-display_rotation", "90", "-i", str(folder / "landscape.mov"), *copy, str(folder / "portrait.mov"))
    return {path.name: path.read_bytes() for path in folder.iterdir()}


class Reader:
    """read(offset, length) over bytes, remembering what was asked (a ranged GET costs a request)."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.requests: list[tuple[int, int]] = []

    def __call__(self, offset: int, length: int) -> bytes:
        self.requests.append((offset, length))
        return self.data[offset : offset + length]


def _probe(data: bytes) -> VideoInfo:
    return probe(Reader(data), len(data))


def _rejected(data: bytes) -> str:
    with pytest.raises(MediaRejectedError) as caught:
        _probe(data)
    return caught.value.code


# ---------------------------------------------------------------- boxes made by hand


def box(kind: bytes, payload: bytes = b"") -> bytes:
    return struct.pack(">I4s", 8 + len(payload), kind) + payload


def large_box(kind: bytes, payload: bytes) -> bytes:
    """A box with a 64-bit size (size field 1), as cameras write mdat beyond 4 GiB."""
    return struct.pack(">I4sQ", 1, kind, 16 + len(payload)) + payload


def to_end_box(kind: bytes, payload: bytes) -> bytes:
    """A box with size 0: it runs to the end of the file."""
    return struct.pack(">I4s", 0, kind) + payload


def mvhd_v1(timescale: int, duration: int) -> bytes:
    return box(b"mvhd", b"\x01\x00\x00\x00" + struct.pack(">QQIQ", 0, 0, timescale, duration) + bytes(80))


def tkhd_v1(width: int, height: int) -> bytes:
    identity = struct.pack(">9i", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)
    body = b"\x01\x00\x00\x07" + struct.pack(">QQIIQ", 0, 0, 1, 0, 0) + bytes(16) + identity
    return box(b"tkhd", body + struct.pack(">II", width << 16, height << 16))


def trak(handler: bytes, entry: bytes, width: int = 1920, height: int = 1080) -> bytes:
    hdlr = box(b"hdlr", bytes(8) + handler + bytes(12))
    stsd = box(b"stsd", bytes(4) + struct.pack(">I", 1) + box(entry, bytes(78)))
    stbl = box(b"stbl", stsd)
    return box(b"trak", tkhd_v1(width, height) + box(b"mdia", hdlr + box(b"minf", stbl)))


FTYP = box(b"ftyp", b"isom\x00\x00\x02\x00isomiso2avc1mp41")


def test_probe_finds_moov_at_the_end_without_reading_the_media(clips: dict[str, bytes]) -> None:
    data = clips["end.mp4"]
    reader = Reader(data)

    info = probe(reader, len(data))

    assert (info.container, info.codec, info.width, info.height) == ("mp4", "avc1", 320, 240)
    assert info.duration_seconds == pytest.approx(2.0, abs=0.1)
    assert sum(length for _, length in reader.requests) < len(data) / 2  # headers and moov only
    assert len(reader.requests) <= 6


def test_probe_reads_a_faststart_mp4(clips: dict[str, bytes]) -> None:
    info = _probe(clips["faststart.mp4"])

    assert (info.container, info.codec, info.width, info.height) == ("mp4", "avc1", 320, 240)
    assert info.duration_seconds == pytest.approx(1.5, abs=0.1)


def test_probe_reads_a_rotated_iphone_hevc_mov_as_displayed(clips: dict[str, bytes]) -> None:
    landscape = _probe(clips["landscape.mov"])
    portrait = _probe(clips["portrait.mov"])

    assert (landscape.container, landscape.codec, landscape.width, landscape.height) == ("mov", "hvc1", 320, 240)
    assert (portrait.container, portrait.codec, portrait.width, portrait.height) == ("mov", "hvc1", 240, 320)
    assert portrait.duration_seconds == pytest.approx(1.0, abs=0.1)


@pytest.mark.parametrize("name", ["end.mp4", "faststart.mp4"])
def test_an_upload_cut_short_is_unreadable(clips: dict[str, bytes], name: str) -> None:
    data = clips[name]

    assert _rejected(data[: len(data) // 2]) == "unreadable"
    assert _rejected(data[:-1]) == "unreadable"


@pytest.mark.parametrize(
    "data",
    [
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="10" height="10"/></svg>',
        b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>",
        b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(100),
        b"",
        box(b"ftyp", b"heic\x00\x00\x00\x00mif1heic") + box(b"meta", bytes(40)),  # a HEIC photo
    ],
    ids=["svg", "html", "jpeg", "empty", "heic"],
)
def test_files_that_are_not_videos_are_rejected_as_such(data: bytes) -> None:
    assert _rejected(data) == "not_a_video"


def test_probe_follows_64_bit_sizes_and_a_last_box_running_to_the_end() -> None:
    moov = mvhd_v1(timescale=1000, duration=12_345) + trak(b"soun", b"mp4a") + trak(b"vide", b"avc3")
    data = FTYP + large_box(b"mdat", bytes(64)) + to_end_box(b"moov", moov)

    assert _probe(data) == VideoInfo("mp4", 12.345, "avc3", 1920, 1080)


def test_probe_stops_walking_a_fragmented_file_soon_after_moov() -> None:
    moov = box(b"moov", mvhd_v1(timescale=1000, duration=300_000) + trak(b"vide", b"avc1"))
    data = FTYP + moov + (box(b"moof", bytes(8)) + box(b"mdat", bytes(32))) * 1000
    reader = Reader(data)

    assert probe(reader, len(data)).duration_seconds == 300.0
    assert len(reader.requests) < 30  # each is a ranged GET on S3


def test_a_video_without_duration_is_rejected() -> None:
    data = FTYP + box(b"moov", mvhd_v1(timescale=600, duration=0) + trak(b"vide", b"hvc1"))

    assert _rejected(data) == "no_duration"


def test_a_sound_recording_is_not_a_video() -> None:
    data = FTYP + box(b"moov", mvhd_v1(timescale=44_100, duration=44_100) + trak(b"soun", b"mp4a"))

    assert _rejected(data) == "not_a_video"


def test_a_moov_larger_than_the_cap_is_refused_without_reading_it() -> None:
    head = FTYP + struct.pack(">I4s", MAX_MOOV_BYTES + 9, b"moov")
    size = len(head) + MAX_MOOV_BYTES + 1
    requests: list[int] = []

    def read(offset: int, length: int) -> bytes:
        requests.append(length)
        return (head + bytes(16))[offset : offset + length]

    with pytest.raises(MediaRejectedError) as caught:
        probe(read, size)

    assert caught.value.code == "unreadable"
    assert max(requests) <= 16


# ---------------------------------------------------------------- robustness


def _only_video_info_or_rejection(data: bytes) -> None:
    reader = Reader(data)
    result: VideoInfo | str
    try:
        result = probe(reader, len(data))
    except MediaRejectedError as error:
        result = error.code
    assert isinstance(result, VideoInfo) or result in {"not_a_video", "no_duration", "unreadable"}
    assert all(length <= MAX_MOOV_BYTES for _, length in reader.requests)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=512))
def test_random_bytes_give_video_info_or_a_rejection(data: bytes) -> None:
    _only_video_info_or_rejection(data)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_mutated_real_headers_give_video_info_or_a_rejection(clips: dict[str, bytes], data: st.DataObject) -> None:
    original = clips[data.draw(st.sampled_from(["faststart.mp4", "portrait.mov"]))]
    head = bytearray(original[:8192])  # ftyp and moov (faststart), or ftyp and the start of mdat
    for _ in range(data.draw(st.integers(1, 8))):
        at = data.draw(st.integers(0, len(head) - 1))
        head[at] = data.draw(st.sampled_from([0x00, 0x01, 0xFF, 0x7F, data.draw(st.integers(0, 255))]))
    cut = data.draw(st.integers(0, len(head)))
    _only_video_info_or_rejection(bytes(head[:cut]))


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_box_sizes_of_any_value_give_video_info_or_a_rejection(clips: dict[str, bytes], data: st.DataObject) -> None:
    """Rewrite one size field (zero, one, absurd, tiny) somewhere in a real moov."""
    original = bytearray(clips["faststart.mp4"])
    sizes = [at - 4 for at in range(4, 4096) if original[at : at + 4] in (b"moov", b"trak", b"mdia", b"stsd")]
    at = data.draw(st.sampled_from(sizes))
    original[at : at + 4] = struct.pack(
        ">I", data.draw(st.sampled_from([0, 1, 7, 8, 0xFFFFFFFF, data.draw(st.integers(0, 2**32 - 1))]))
    )
    _only_video_info_or_rejection(bytes(original))


# ---------------------------------------------------------------- duration quotas


def _video(seconds: float) -> VideoInfo:
    return VideoInfo("mp4", seconds, "avc1", 1920, 1080)


def test_videos_within_the_quotas_are_accepted() -> None:
    limits = MediaLimits(max_video_seconds=300, max_total_video_seconds=600)

    check_duration(_video(300.0), limits, other_videos_seconds=300.0)
    check_duration(_video(300.04), limits, other_videos_seconds=0.0)  # stopped at the limit, a frame over


def test_a_video_longer_than_five_minutes_is_too_long() -> None:
    with pytest.raises(MediaRejectedError) as caught:
        check_duration(_video(301.0), MediaLimits(), other_videos_seconds=0.0)

    assert caught.value.code == "too_long"
    assert "5:01" in caught.value.message


def test_videos_of_an_intervention_beyond_ten_minutes_are_too_long() -> None:
    with pytest.raises(MediaRejectedError) as caught:
        check_duration(_video(120.0), MediaLimits(), other_videos_seconds=500.0)

    assert caught.value.code == "too_long"


def test_a_dealership_may_change_the_quotas() -> None:
    with pytest.raises(MediaRejectedError):
        check_duration(_video(61.0), MediaLimits(max_video_seconds=60), other_videos_seconds=0.0)


# ---------------------------------------------------------------- output names


def _mediaconvert_names(job: dict[str, Any], prefix: str) -> dict[str, list[str]]:
    """The keys MediaConvert writes for video.json, by its naming rules.

    HLS: <destination>.m3u8 (master), <destination><modifier>.m3u8 and
    <destination><modifier>_00001.ts (first segment). File group: <destination><modifier>.<ext>.
    Frame capture: <destination><modifier>.<7-digit index from 0>.<ext>.
    """
    names: dict[str, list[str]] = {"hls": [], "mp4": [], "captures": []}
    for group in job["OutputGroups"]:
        settings_ = group["OutputGroupSettings"]
        kind = settings_["Type"]
        destination = settings_["HlsGroupSettings" if kind == "HLS_GROUP_SETTINGS" else "FileGroupSettings"][
            "Destination"
        ]
        base = destination.replace("s3://{bucket}/{output_prefix}", prefix)
        for output in group["Outputs"]:
            modifier = output.get("NameModifier", "")
            if kind == "HLS_GROUP_SETTINGS":
                names["hls"] += [f"{base}.m3u8", f"{base}{modifier}.m3u8", f"{base}{modifier}_00001.ts"]
            elif output["VideoDescription"]["CodecSettings"]["Codec"] == "FRAME_CAPTURE":
                captures = output["VideoDescription"]["CodecSettings"]["FrameCaptureSettings"]["MaxCaptures"]
                names["captures"] += [f"{base}{modifier}.{i:07d}.{output['Extension']}" for i in range(captures)]
            else:
                names["mp4"].append(f"{base}{modifier}.{output['Extension']}")
    return names


def test_output_names_are_those_mediaconvert_makes_from_video_json() -> None:
    prefix = "dealerships/D/interventions/I/media/M/video/"
    names = _mediaconvert_names(load_settings(), prefix)
    outputs = video_outputs(prefix)

    assert outputs.hls_master == names["hls"][0]
    assert names["mp4"] == [outputs.mp4]
    assert outputs.poster == names["captures"][1]  # the second capture: the first is often black


def _video_descriptions(job: dict[str, Any]) -> list[dict[str, Any]]:
    return [output["VideoDescription"] for group in job["OutputGroups"] for output in group["Outputs"]]


def test_the_poster_is_captured_after_the_first_frame() -> None:
    codecs = [d["CodecSettings"] for d in _video_descriptions(load_settings())]
    capture = next(c["FrameCaptureSettings"] for c in codecs if c["Codec"] == "FRAME_CAPTURE")

    assert capture["MaxCaptures"] >= 2
    seconds_of_second_capture = capture["FramerateDenominator"] / capture["FramerateNumerator"]
    assert 0.5 <= seconds_of_second_capture <= 2  # past a black first frame, within a short clip


def test_outputs_scale_by_height_only_and_never_upscale() -> None:
    descriptions = _video_descriptions(load_settings())

    assert descriptions
    assert all("Width" not in d and d["Height"] > 0 for d in descriptions)  # the width follows the input's aspect
    assert {d["ScalingBehavior"] for d in descriptions} == {"FIT_NO_UPSCALE"}


def test_hls_segments_hold_whole_gops() -> None:
    job = load_settings()
    hls = next(g for g in job["OutputGroups"] if g["OutputGroupSettings"]["Type"] == "HLS_GROUP_SETTINGS")
    segment = hls["OutputGroupSettings"]["HlsGroupSettings"]["SegmentLength"]
    gops = {o["VideoDescription"]["CodecSettings"]["H264Settings"]["GopSize"] for o in hls["Outputs"]}

    assert len(hls["Outputs"]) >= 3  # an adaptive ladder
    assert all(segment % gop == 0 for gop in gops)


# ---------------------------------------------------------------- job outcomes


def _event(**detail: Any) -> dict[str, Any]:
    """A "MediaConvert Job State Change" as EventBridge delivers it (shape from AWS's documentation)."""
    base = {
        "timestamp": 1671476832124,
        "accountId": "111122223333",
        "queue": "arn:aws:mediaconvert:eu-west-1:111122223333:queues/Default",
        "jobId": "1671476818694-phptj0",
        "userMetadata": {"application": "dealerlink", "media_id": "M1"},
    }
    return {
        "version": "0",
        "id": "1234abcd-12ab-34cd-56ef-1234567890ab",
        "detail-type": "MediaConvert Job State Change",
        "source": "aws.mediaconvert",
        "account": "111122223333",
        "time": "2022-12-19T19:07:12Z",
        "region": "eu-west-1",
        "resources": ["arn:aws:mediaconvert:eu-west-1:111122223333:jobs/1671476818694-phptj0"],
        "detail": {**base, **detail},
    }


def test_a_completed_job_is_read_with_its_metadata() -> None:
    assert parse_job_event(_event(status="COMPLETE")) == JobOutcome(
        "1671476818694-phptj0", "COMPLETE", {"application": "dealerlink", "media_id": "M1"}, None
    )


def test_a_failed_job_says_why() -> None:
    outcome = parse_job_event(_event(status="ERROR", errorCode=1040, errorMessage="Unsupported codec"))

    assert outcome is not None
    assert outcome.status == "ERROR"
    assert outcome.error == "Unsupported codec (code 1040)"


@pytest.mark.parametrize(
    "change",
    [
        lambda e: e["detail"].update(status="PROGRESSING"),
        lambda e: e["detail"].update(status="STATUS_UPDATE"),
        lambda e: e["detail"].update(userMetadata={"application": "someone-else"}),
        lambda e: e["detail"].pop("userMetadata"),
        lambda e: e["detail"].pop("jobId"),
        lambda e: e.update(source="aws.s3"),
        lambda e: e.update(detail="not an object"),
    ],
    ids=["progressing", "status_update", "other_application", "no_metadata", "no_job_id", "other_source", "bad_detail"],
)
def test_other_events_are_not_outcomes_of_ours(change: Callable[[dict[str, Any]], object]) -> None:
    event = _event(status="COMPLETE")
    change(event)

    assert parse_job_event(event) is None
