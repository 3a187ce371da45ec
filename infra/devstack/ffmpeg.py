"""The local stack's transcoder: ffmpeg writes what MediaConvert would, and says so the same way.

Only the local stack uses it (``TRANSCODER=devstack.ffmpeg:FfmpegTranscoder``; ``transcoder()`` imports this module then):
``imageio-ffmpeg``, which ships a static ffmpeg, is a dev dependency. The ladder (heights,
bitrates, GOP, segment length), the poster's capture rate and every output name are read from
``infra/mediaconvert/video.json``, so the two transcoders cannot drift; rungs taller than the
input are skipped, to stay fast. Completion is announced on EventBridge with MediaConvert's
source, detail type and detail, so the media function's rule and handler cannot tell them apart.

The work runs in a background thread, as a MediaConvert job runs elsewhere: ``start`` returns
the job id at once. HDR is not tone-mapped here (MediaConvert's settings do it on AWS).
"""

from __future__ import annotations

import json
import logging
import secrets
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dealerlink.adapters.aws import client
from dealerlink.adapters.transcoder import TranscodeRequest, load_settings
from dealerlink.config import settings
from dealerlink.domain.media import MediaRejectedError
from dealerlink.domain.video import JOB_SOURCE, JOB_STATE_CHANGE, VideoInfo, probe

log = logging.getLogger(__name__)

_DESTINATION = "s3://{bucket}/{output_prefix}"
_TIMEOUT_SECONDS = 900
_CONTENT_TYPES = {
    ".m3u8": "application/vnd.apple.mpegurl",
    ".ts": "video/MP2T",
    ".mp4": "video/mp4",
    ".jpg": "image/jpeg",
}
_ERROR_UNREADABLE_INPUT = 1010  # local codes, in MediaConvert's range for input errors
_ERROR_TRANSCODE = 1999


class TranscodeError(Exception):
    """ffmpeg could not make the outputs."""


@dataclass(frozen=True)
class Encode:
    """One H.264 + AAC output: ``path`` is relative to the output prefix, without extension."""

    path: str
    height: int
    max_bitrate: int
    gop_seconds: float
    audio_bitrate: int


@dataclass(frozen=True)
class Plan:
    """What video.json asks for, as ffmpeg needs it."""

    hls_master: str  # e.g. "hls/index"
    segment_seconds: int
    rungs: tuple[Encode, ...]
    mp4: Encode
    poster: str  # e.g. "poster/poster"
    poster_extension: str
    poster_rate: tuple[int, int]  # captures per second, as numerator / denominator
    poster_captures: int
    poster_height: int


def plan(job: dict[str, Any]) -> Plan:
    """Read video.json's output groups: the HLS group, the MP4 file group, the frame capture group."""
    groups = job["OutputGroups"]
    hls = _group(groups, lambda g: g["OutputGroupSettings"]["Type"] == "HLS_GROUP_SETTINGS")
    mp4 = _group(groups, lambda g: g["Outputs"][0]["ContainerSettings"]["Container"] == "MP4")
    poster = _group(groups, lambda g: _codec(g["Outputs"][0])["Codec"] == "FRAME_CAPTURE")
    hls_settings = hls["OutputGroupSettings"]["HlsGroupSettings"]
    master = _relative(hls_settings["Destination"])
    capture = _codec(poster["Outputs"][0])["FrameCaptureSettings"]
    return Plan(
        hls_master=master,
        segment_seconds=int(hls_settings["SegmentLength"]),
        rungs=tuple(_encode(master + output["NameModifier"], output) for output in hls["Outputs"]),
        mp4=_encode(_relative(mp4["OutputGroupSettings"]["FileGroupSettings"]["Destination"]), mp4["Outputs"][0]),
        poster=_relative(poster["OutputGroupSettings"]["FileGroupSettings"]["Destination"]),
        poster_extension=poster["Outputs"][0]["Extension"],
        poster_rate=(int(capture["FramerateNumerator"]), int(capture["FramerateDenominator"])),
        poster_captures=int(capture["MaxCaptures"]),
        poster_height=int(poster["Outputs"][0]["VideoDescription"]["Height"]),
    )


def _group(groups: list[dict[str, Any]], test: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
    found: dict[str, Any] = next(group for group in groups if test(group))
    return found


def _codec(output: dict[str, Any]) -> dict[str, Any]:
    codec: dict[str, Any] = output["VideoDescription"]["CodecSettings"]
    return codec


def _relative(destination: str) -> str:
    if not destination.startswith(_DESTINATION):
        raise ValueError(f"a destination starts with {_DESTINATION}: {destination}")
    return destination.removeprefix(_DESTINATION)


def _encode(path: str, output: dict[str, Any]) -> Encode:
    video = output["VideoDescription"]
    h264 = video["CodecSettings"]["H264Settings"]
    aac = output["AudioDescriptions"][0]["CodecSettings"]["AacSettings"]
    return Encode(path, int(video["Height"]), int(h264["MaxBitrate"]), float(h264["GopSize"]), int(aac["Bitrate"]))


class FfmpegTranscoder:
    """The Transcoder port on ffmpeg; a repeated token answers the first job's id and does nothing."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._jobs: dict[str, str] = {}  # token -> job id
        self._threads: dict[str, threading.Thread] = {}  # job id -> its worker

    def start(self, request: TranscodeRequest) -> str:
        with self._lock:
            if request.token in self._jobs:
                return self._jobs[request.token]
            job_id = f"{int(time.time() * 1000)}-{secrets.token_hex(3)}"  # MediaConvert's id shape
            thread = threading.Thread(target=self._run, args=(job_id, request), name=f"transcode-{job_id}", daemon=True)
            self._jobs[request.token] = job_id
            self._threads[job_id] = thread
        thread.start()
        return job_id

    def wait(self, job_id: str, timeout: float | None = None) -> bool:
        """Block until the job's event is out; True when it is (tests and scripts)."""
        thread = self._threads.get(job_id)
        if thread is None:
            return False
        thread.join(timeout)
        return not thread.is_alive()

    def _run(self, job_id: str, request: TranscodeRequest) -> None:
        detail: dict[str, Any] = {"jobId": job_id, "userMetadata": request.job_metadata()}
        try:
            detail.update(status="COMPLETE", outputGroupDetails=_transcode(request))
        except MediaRejectedError as error:
            detail.update(status="ERROR", errorCode=_ERROR_UNREADABLE_INPUT, errorMessage=error.message)
        except TranscodeError as error:
            log.warning("transcode %s failed: %s", job_id, error)
            detail.update(status="ERROR", errorCode=_ERROR_TRANSCODE, errorMessage=str(error))
        except Exception as error:
            log.exception("transcode %s failed", job_id)
            detail.update(status="ERROR", errorCode=_ERROR_TRANSCODE, errorMessage=str(error) or type(error).__name__)
        try:
            _announce({"timestamp": int(time.time() * 1000), "queue": "local", **detail})
        except Exception:
            log.exception("could not announce the end of transcode %s", job_id)


def _transcode(request: TranscodeRequest) -> list[dict[str, Any]]:
    """Download, transcode, upload; the event's outputGroupDetails."""
    bucket = settings().media_bucket
    with tempfile.TemporaryDirectory(prefix="dealerlink-transcode-") as tmp:
        source, out = Path(tmp) / "input", Path(tmp) / "out"
        with source.open("wb") as written:  # streamed: a long video never sits in memory
            shutil.copyfileobj(client("s3").get_object(Bucket=bucket, Key=request.input_key)["Body"], written)
        info = _probe_file(source)
        job = plan(load_settings())
        rungs = ladder(job, info)
        for relative in (job.hls_master, job.mp4.path, job.poster):
            (out / relative).parent.mkdir(parents=True, exist_ok=True)
        _ffmpeg(_command(source, out, job, rungs, info))
        (out / f"{job.hls_master}.m3u8").write_text(_master_playlist(job, rungs, info), encoding="utf-8")
        captures = sorted(out.glob(f"{job.poster}.*.{job.poster_extension}"))
        if not captures:
            raise TranscodeError("no frame was captured for the poster")
        for path in sorted(p for p in out.rglob("*") if p.is_file()):
            key = request.output_prefix + path.relative_to(out).as_posix()
            content_type = _CONTENT_TYPES.get(path.suffix, "application/octet-stream")
            with path.open("rb") as body:
                client("s3").put_object(Bucket=bucket, Key=key, Body=body, ContentType=content_type)
    return _output_details(f"s3://{bucket}/{request.output_prefix}", job, rungs, info, captures[-1].name)


def _probe_file(path: Path) -> VideoInfo:
    with path.open("rb") as file:

        def read(offset: int, length: int) -> bytes:
            file.seek(offset)
            return file.read(length)

        return probe(read, path.stat().st_size)


def ladder(job: Plan, info: VideoInfo) -> tuple[Encode, ...]:
    """The rungs no taller than the input; at least the smallest (MediaConvert would not upscale it)."""
    fitting = tuple(rung for rung in job.rungs if rung.height <= info.height)
    return fitting or (min(job.rungs, key=lambda rung: rung.height),)


def _size(info: VideoInfo, height: int) -> tuple[int, int]:
    """Even output size of ``height`` at most, keeping the input's displayed aspect, never upscaling."""
    if info.width <= 0 or info.height <= 0:
        return -2, height - height % 2
    target = min(height, info.height)
    target -= target % 2
    return max(2, round(info.width * target / info.height / 2) * 2), max(2, target)


def _h264(label: str, encode: Encode) -> list[str]:
    """Output options for one H.264 + AAC output fed by filter ``label``; fast, keyframes on the GOP."""
    return [
        *("-map", label, "-map", "0:a:0?"),
        *("-c:v", "libx264", "-preset", "veryfast", "-profile:v", "high", "-crf", "23"),
        *("-maxrate", str(encode.max_bitrate), "-bufsize", str(2 * encode.max_bitrate)),
        *("-force_key_frames", f"expr:gte(t,n_forced*{encode.gop_seconds:g})", "-sc_threshold", "0"),
        *("-c:a", "aac", "-b:a", str(encode.audio_bitrate), "-ac", "2", "-ar", "48000"),
    ]


def _command(source: Path, out: Path, job: Plan, rungs: tuple[Encode, ...], info: VideoInfo) -> list[str]:
    """One ffmpeg run (the input is decoded once) writing every rung, the MP4 and the poster frames."""
    import imageio_ffmpeg  # dev-only dependency, loaded when a job runs

    encodes = (*rungs, job.mp4)
    branches = len(encodes) + 1
    graph = [f"[0:v]split={branches}" + "".join(f"[s{i}]" for i in range(branches))]
    for i, encode in enumerate(encodes):
        width, height = _size(info, encode.height)
        graph.append(f"[s{i}]scale={width}:{height},setsar=1,format=yuv420p[v{i}]")
    width, height = _size(info, job.poster_height)
    numerator, denominator = job.poster_rate
    graph.append(f"[s{len(encodes)}]fps={numerator}/{denominator},scale={width}:{height}[poster]")
    args = [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", "-y"]
    args += ["-i", str(source), "-filter_complex", ";".join(graph)]
    for i, rung in enumerate(rungs):
        args += [*_h264(f"[v{i}]", rung), "-f", "hls", "-hls_time", str(job.segment_seconds)]
        args += ["-hls_playlist_type", "vod", "-hls_flags", "independent_segments", "-start_number", "1"]
        args += ["-hls_segment_filename", str(out / f"{rung.path}_%05d.ts"), str(out / f"{rung.path}.m3u8")]
    args += [*_h264(f"[v{len(rungs)}]", job.mp4), "-movflags", "+faststart", str(out / f"{job.mp4.path}.mp4")]
    args += ["-map", "[poster]", "-frames:v", str(job.poster_captures), "-q:v", "3", "-start_number", "0"]
    args += [str(out / f"{job.poster}.%07d.{job.poster_extension}")]
    return args


def _ffmpeg(args: list[str]) -> None:
    result = subprocess.run(args, capture_output=True, text=True, timeout=_TIMEOUT_SECONDS, check=False)
    if result.returncode != 0:
        raise TranscodeError(f"ffmpeg failed: {result.stderr.strip()[-500:]}")


def _master_playlist(job: Plan, rungs: tuple[Encode, ...], info: VideoInfo) -> str:
    """The HLS master playlist, variants in video.json's order (players start with the first)."""
    lines = ["#EXTM3U", "#EXT-X-VERSION:3", "#EXT-X-INDEPENDENT-SEGMENTS"]
    for rung in rungs:
        width, height = _size(info, rung.height)
        resolution = f",RESOLUTION={width}x{height}" if width > 0 else ""
        lines.append(f"#EXT-X-STREAM-INF:BANDWIDTH={rung.max_bitrate + rung.audio_bitrate}{resolution}")
        lines.append(Path(rung.path).name + ".m3u8")
    return "\n".join(lines) + "\n"


def _output_details(
    base: str, job: Plan, rungs: tuple[Encode, ...], info: VideoInfo, last_capture: str
) -> list[dict[str, Any]]:
    """MediaConvert's outputGroupDetails: HLS variants and master, the MP4, the last capture."""
    duration = int(info.duration_seconds * 1000)

    def detail(path: str, height: int) -> dict[str, Any]:
        width, actual = _size(info, height)
        return {
            "outputFilePaths": [base + path],
            "durationInMs": duration,
            "videoDetails": {"widthInPx": width, "heightInPx": actual},
        }

    poster = str(Path(job.poster).parent / last_capture)
    return [
        {
            "type": "HLS_GROUP",
            "playlistFilePaths": [f"{base}{job.hls_master}.m3u8"],
            "outputDetails": [detail(f"{rung.path}.m3u8", rung.height) for rung in rungs],
        },
        {"type": "FILE_GROUP", "outputDetails": [detail(f"{job.mp4.path}.mp4", job.mp4.height)]},
        {"type": "FILE_GROUP", "outputDetails": [detail(poster, job.poster_height)]},
    ]


def _announce(detail: dict[str, Any]) -> None:
    """Put the job's end on the default bus, as MediaConvert does."""
    response = client("events").put_events(
        Entries=[{"Source": JOB_SOURCE, "DetailType": JOB_STATE_CHANGE, "Detail": json.dumps(detail)}]
    )
    if response.get("FailedEntryCount"):
        log.error("EventBridge refused the event of job %s: %s", detail.get("jobId"), response.get("Entries"))
