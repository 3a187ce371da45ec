"""Videos (F-4.5): what an uploaded MP4/MOV really is, the duration quotas, and the transcoder's contract.

Pure: ``probe`` reads through a callable (a ranged GET on S3, a seek in a local file), so the
media function learns a 2 GiB upload's duration from a few small reads: ISO BMFF top-level box
headers are walked to ``moov`` wherever the phone put it (start or end), and only ``moov`` is
read whole. Anything malformed answers :class:`MediaRejectedError`, never another exception,
because the bytes come from outside.

The transcoder (MediaConvert on AWS, ffmpeg locally) writes under a medium's video prefix the
files named by :func:`video_outputs`; those names follow from the destinations in
``infra/mediaconvert/video.json`` (a unit test derives them from it). Its completion arrives as
an EventBridge "MediaConvert Job State Change", read by :func:`job_outcome`.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

from dealerlink.domain.media import MIB, MediaLimits, MediaRejectedError

Reader = Callable[[int, int], bytes]  # read(offset, length) -> at most ``length`` bytes

MAX_MOOV_BYTES = 64 * MIB  # a 5-minute phone video has a moov of well under 1 MiB
_MAX_TOP_LEVEL_BOXES = 4096  # phones write a handful; a long walk means garbage, not a video
_BOXES_CHECKED_AFTER_MOOV = 16  # enough to see a cut-short mdat; fragmented files have thousands
_FIRST_BOXES = frozenset({b"ftyp", b"wide", b"free", b"skip", b"mdat", b"moov", b"pnot"})
_ALL_ONES = {0xFFFFFFFF, 0xFFFFFFFFFFFFFFFF}  # mvhd's "duration unknown"
_SLACK_SECONDS = 0.5  # a recording stopped at the limit measures a frame or two longer

APPLICATION = "dealerlink"  # userMetadata "application" marks our jobs among the account's
JOB_STATE_CHANGE = "MediaConvert Job State Change"
JOB_SOURCE = "aws.mediaconvert"


@dataclass(frozen=True)
class VideoInfo:
    """What the container says about an upload.

    ``width``/``height`` are as displayed: swapped when the track is turned a quarter turn, as
    iPhones record portrait video (landscape samples plus a rotation matrix).
    """

    container: Literal["mp4", "mov"]
    duration_seconds: float
    codec: str | None  # the first video track's sample entry: avc1, avc3, hvc1, hev1...
    width: int
    height: int


def probe(read: Reader, size: int) -> VideoInfo:
    """The container, duration, codec and size of an MP4/MOV of ``size`` bytes.

    Example: ``probe(lambda o, n: data[o:o + n], len(data))``.
    """
    if size < 8:
        raise MediaRejectedError("not_a_video", "the file is too short to be a video")
    brand, moov = _walk_top_level(read, size)
    duration = _movie_duration(moov)
    track = _first_video_track(moov)
    if track is None:
        raise MediaRejectedError("not_a_video", "the file has no video track")
    codec, width, height = track
    return VideoInfo("mov" if brand in (None, b"qt  ") else "mp4", duration, codec, width, height)


MIN_SECONDS = 1.0


def check_duration(info: VideoInfo, limits: MediaLimits, other_videos_seconds: float) -> None:
    """F-4.1: one video at most ``max_video_seconds``, an intervention's videos at most the total;
    and at least a second, which also gives the poster a frame past the (often black) first one."""
    if info.duration_seconds < MIN_SECONDS:
        raise MediaRejectedError(
            "too_short", f"the video lasts {info.duration_seconds:.1f} s; at least one second is needed"
        )
    if info.duration_seconds > limits.max_video_seconds + _SLACK_SECONDS:
        raise MediaRejectedError(
            "too_long",
            f"the video lasts {_clock(info.duration_seconds)}; a video may last at most {_clock(limits.max_video_seconds)}",
        )
    total = other_videos_seconds + info.duration_seconds
    if total > limits.max_total_video_seconds + _SLACK_SECONDS:
        raise MediaRejectedError(
            "too_long",
            f"with this one the videos would last {_clock(total)}; an intervention may hold "
            f"{_clock(limits.max_total_video_seconds)} of video",
        )


@dataclass(frozen=True)
class VideoOutputs:
    """Keys of what the transcoder writes: the HLS master playlist, the MP4 fallback, the poster."""

    hls_master: str
    mp4: str
    poster: str


def video_outputs(prefix: str) -> VideoOutputs:
    """The output keys under ``prefix`` (a medium's video prefix, ending with "/").

    The poster is the second frame capture (at 1 s): the first one, at 0 s, is often black.
    """
    return VideoOutputs(
        hls_master=f"{prefix}hls/index.m3u8", mp4=f"{prefix}mp4/video.mp4", poster=f"{prefix}poster/poster.0000001.jpg"
    )


@dataclass(frozen=True)
class JobOutcome:
    """How a transcoding job ended; ``user_metadata`` is what the job was started with."""

    job_id: str
    status: Literal["COMPLETE", "ERROR"]
    user_metadata: dict[str, str]
    error: str | None = None


def job_outcome(source: object, detail_type: object, detail: object) -> JobOutcome | None:
    """The outcome of a "MediaConvert Job State Change" (EventBridge's ``source``, ``detail-type``
    and ``detail``); None unless it is a final state of one of our jobs."""
    if source != JOB_SOURCE or detail_type != JOB_STATE_CHANGE or not isinstance(detail, dict):
        return None
    status, job_id, metadata = detail.get("status"), detail.get("jobId"), detail.get("userMetadata")
    if status not in ("COMPLETE", "ERROR") or not isinstance(job_id, str) or not job_id:
        return None
    if not isinstance(metadata, dict) or metadata.get("application") != APPLICATION:
        return None
    error = None
    if status == "ERROR":
        message = str(detail.get("errorMessage") or "the transcoder failed")
        code = detail.get("errorCode")
        error = f"{message} (code {code})" if code is not None else message
    return JobOutcome(job_id, status, {str(k): str(v) for k, v in metadata.items()}, error)


def _clock(seconds: float) -> str:
    whole = int(seconds + 0.5)
    return f"{whole // 60}:{whole % 60:02d}"


# ---------------------------------------------------------------- ISO BMFF


def _unreadable(why: str) -> MediaRejectedError:
    return MediaRejectedError("unreadable", f"the video cannot be read: {why}")


@dataclass(frozen=True)
class _Box:
    kind: bytes
    start: int
    header: int
    size: int

    @property
    def payload(self) -> int:
        return self.start + self.header

    @property
    def end(self) -> int:
        return self.start + self.size


def _box(head: bytes, start: int, limit: int) -> _Box:
    """The box whose header ``head`` starts at ``start``, which must end by ``limit``.

    Size 1 means a 64-bit size follows; size 0 means "to the end of the file (or parent)".
    """
    if len(head) < 8:
        raise _unreadable("a box header is cut short")
    size, kind = struct.unpack_from(">I4s", head)
    header = 8
    if size == 1:
        if len(head) < 16:
            raise _unreadable("a box header is cut short")
        (size,) = struct.unpack_from(">Q", head, 8)
        header = 16
    elif size == 0:
        size = limit - start
    if size < header:
        raise _unreadable(f"box {kind!r} has an impossible size")
    if start + size > limit:
        raise _unreadable(f"box {kind!r} runs past the end; the file may be incomplete")
    return _Box(kind, start, header, size)


def _walk_top_level(read: Reader, size: int) -> tuple[bytes | None, bytes]:
    """The ftyp major brand and the moov payload, reading only box headers besides.

    Walks on past moov (a few boxes, each one small read), so a file cut short after it is caught too.
    """
    brand: bytes | None = None
    moov: bytes | None = None
    seen_media = False
    offset = after_moov = 0
    for index in range(_MAX_TOP_LEVEL_BOXES):
        if size - offset < 8 or after_moov > _BOXES_CHECKED_AFTER_MOOV:  # the end, or padding bytes
            break
        after_moov += moov is not None
        head = read(offset, min(16, size - offset))[:16]
        if index == 0 and head[4:8] not in _FIRST_BOXES:
            raise MediaRejectedError("not_a_video", "the file is not an MP4 or MOV video")
        box = _box(head, offset, size)
        if box.kind == b"ftyp" and brand is None:
            brand = _read_exactly(read, box.payload, min(4, box.size - box.header))
        elif box.kind == b"moov" and moov is None:
            if box.size - box.header > MAX_MOOV_BYTES:
                raise _unreadable("its index (moov) is larger than any phone writes")
            moov = _read_exactly(read, box.payload, box.size - box.header)
        seen_media = seen_media or box.kind == b"mdat"
        offset = box.end
    else:
        raise _unreadable("too many boxes")
    if moov is None:
        if seen_media:
            raise _unreadable("it has no index (moov); the recording may be incomplete")
        raise MediaRejectedError("not_a_video", "the file holds no video")
    return brand, moov


def _read_exactly(read: Reader, offset: int, length: int) -> bytes:
    data = read(offset, length)[:length]
    if len(data) != length:
        raise _unreadable("the file ends early")
    return data


def _children(data: bytes, start: int, end: int) -> Iterator[_Box]:
    """Child boxes of the container payload ``data[start:end]``; trailing bytes under 8 are ignored."""
    offset = start
    while end - offset >= 8:
        box = _box(data[offset : offset + 16], offset, end)
        yield box
        offset = box.end


def _child(data: bytes, parent: _Box | None, kind: bytes) -> _Box | None:
    start, end = (0, len(data)) if parent is None else (parent.payload, parent.end)
    return next((box for box in _children(data, start, end) if box.kind == kind), None)


def _path(data: bytes, parent: _Box, *kinds: bytes) -> _Box | None:
    box: _Box | None = parent
    for kind in kinds:
        box = _child(data, box, kind) if box is not None else None
    return box


def _fields(data: bytes, box: _Box, fmt: str, offset: int) -> tuple[Any, ...]:
    """Unpack ``fmt`` at ``offset`` of the box payload, or say the box is too short."""
    at = box.payload + offset
    if at + struct.calcsize(fmt) > box.end:
        raise _unreadable(f"box {box.kind!r} is too short")
    return struct.unpack_from(fmt, data, at)


def _movie_duration(moov: bytes) -> float:
    mvhd = _child(moov, None, b"mvhd")
    if mvhd is None:
        raise MediaRejectedError("no_duration", "the video does not say how long it lasts")
    (version,) = _fields(moov, mvhd, ">B", 0)
    if version == 1:
        timescale, duration = _fields(moov, mvhd, ">IQ", 20)
    elif version == 0:
        timescale, duration = _fields(moov, mvhd, ">II", 12)
    else:
        raise _unreadable(f"unknown movie header version {version}")
    if timescale == 0 or duration == 0 or duration in _ALL_ONES:
        raise MediaRejectedError("no_duration", "the video does not say how long it lasts")
    return float(duration) / float(timescale)


def _first_video_track(moov: bytes) -> tuple[str | None, int, int] | None:
    """(sample entry fourcc, displayed width, displayed height) of the first video track."""
    for trak in _children(moov, 0, len(moov)):
        if trak.kind != b"trak":
            continue
        hdlr = _path(moov, trak, b"mdia", b"hdlr")
        if hdlr is None or _fields(moov, hdlr, ">4s", 8)[0] != b"vide":
            continue
        tkhd = _child(moov, trak, b"tkhd")
        if tkhd is None:
            raise _unreadable("the video track has no header")
        codec, entry_size = _sample_entry(moov, _path(moov, trak, b"mdia", b"minf", b"stbl", b"stsd"))
        width, height = _track_size(moov, tkhd)
        if (width == 0 or height == 0) and entry_size is not None:
            width, height = entry_size
        return codec, width, height
    return None


def _track_size(moov: bytes, tkhd: _Box) -> tuple[int, int]:
    """tkhd's 16.16 width and height, swapped when its matrix turns the picture a quarter turn."""
    (version,) = _fields(moov, tkhd, ">B", 0)
    matrix_at = {0: 40, 1: 52}.get(version)
    if matrix_at is None:
        raise _unreadable(f"unknown track header version {version}")
    a, b, _u, c, d = _fields(moov, tkhd, ">iiiii", matrix_at)
    width, height = _fields(moov, tkhd, ">II", matrix_at + 36)
    width, height = width >> 16, height >> 16
    quarter_turn = a == 0 and d == 0 and b != 0 and c != 0
    return (height, width) if quarter_turn else (width, height)


def _sample_entry(moov: bytes, stsd: _Box | None) -> tuple[str | None, tuple[int, int] | None]:
    """The first sample entry's fourcc, and the coded size a visual sample entry carries."""
    if stsd is None:
        return None, None
    (count,) = _fields(moov, stsd, ">I", 4)
    entries = list(_children(moov, stsd.payload + 8, stsd.end)) if count else []
    if not entries:
        return None, None
    entry = entries[0]
    codec = entry.kind.decode("latin-1") if entry.kind.isalnum() else None
    if entry.size - entry.header < 28:
        return codec, None
    width, height = _fields(moov, entry, ">HH", 24)
    return codec, (width, height)
