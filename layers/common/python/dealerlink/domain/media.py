"""Media (F-4): what may be uploaded, where it lives, and how it is judged once it arrived.

Pure rules. The API signs uploads for exact keys under the dealership's prefix; the media
function then looks at what really arrived (size, magic bytes, duration) and keeps it only
within these rules. S3 enforces the signed policy on AWS; moto does not, so the check after
upload is what every environment relies on.

Layout of one medium in the media bucket (``m`` is the media id, a ULID)::

    dealerships/<d>/interventions/<i>/media/<m>/original         the upload, as sent
    dealerships/<d>/interventions/<i>/media/<m>/checked/<etag>   a form upload as judged
    dealerships/<d>/interventions/<i>/media/<m>/v<n>/<name>      photo renditions of version n
    dealerships/<d>/interventions/<i>/media/<m>/video/...        transcoder outputs (HLS, MP4, poster)

A signed form stays valid for minutes and could be posted again after its bytes were judged,
so a photo or attachment is judged on a copy no form can write (``checked/``, named by the
ETag it was copied from), and everything after reads that copy; ``original`` is deleted. A
video's ``original`` is judged where it is: a completed multipart upload takes no more parts.

Only keys ending in ``/original`` notify the media function (template.yaml filters on that
suffix), so writing checked copies and renditions never wakes it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from dealerlink.errors import ConflictError, ValidationError

MIB = 1024 * 1024
ORIGINAL = "original"


class MediaKind(StrEnum):
    PHOTO = "photo"
    VIDEO = "video"
    ATTACHMENT = "attachment"


class MediaStatus(StrEnum):
    UPLOADING = "uploading"  # signed, waiting for the bytes
    PROCESSING = "processing"  # arrived and accepted; renditions or transcoding under way
    READY = "ready"
    REJECTED = "rejected"  # outside the rules: the bytes were deleted, ``reason`` says why
    FAILED = "failed"  # transcoding failed; of a photo version: its annotation could not be drawn


class Visibility(StrEnum):
    PUBLIC = "public"  # the customer sees it
    PRIVATE = "private"  # internal only: never copied to the site bucket


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOC = "application/msword"
XLS = "application/vnd.ms-excel"

# What each kind accepts, by the type the bytes really have (not the one declared).
ALLOWED_TYPES: dict[MediaKind, frozenset[str]] = {
    MediaKind.PHOTO: frozenset({"image/jpeg", "image/png", "image/webp"}),
    MediaKind.VIDEO: frozenset({"video/mp4", "video/quicktime"}),
    MediaKind.ATTACHMENT: frozenset({"application/pdf", DOC, DOCX, XLS, XLSX, "image/jpeg", "image/png"}),
}

MAX_BYTES: dict[MediaKind, int] = {
    MediaKind.PHOTO: 25 * MIB,
    MediaKind.VIDEO: 2048 * MIB,
    MediaKind.ATTACHMENT: 20 * MIB,
}

EXTENSIONS: dict[str, str] = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "video/mp4": "mp4",
    "video/quicktime": "mov",
    "application/pdf": "pdf",
    DOC: "doc",
    DOCX: "docx",
    XLS: "xls",
    XLSX: "xlsx",
}


@dataclass(frozen=True)
class MediaLimits:
    """F-4.1 quotas, per intervention; a dealership may change them (defaults from the FAQ)."""

    max_photos: int = 50
    max_video_seconds: int = 300
    max_total_video_seconds: int = 600
    max_attachments: int = 20


class MediaRejectedError(Exception):
    """The bytes that arrived break a rule; ``code`` is stable, ``message`` is for a person."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


_ID = r"[0-9A-HJKMNP-TV-Z]{26}"
_UNSAFE_TAG = re.compile(r"[^0-9A-Za-z-]")  # an ETag is quoted hex (and -<parts> for multipart uploads)
_ORIGINAL = re.compile(
    rf"^dealerships/(?P<dealership>{_ID})/interventions/(?P<intervention>{_ID})/media/(?P<media>{_ID})/original$"
)


@dataclass(frozen=True)
class MediaRef:
    """Which medium an object key belongs to."""

    dealership_id: str
    intervention_id: str
    media_id: str

    @property
    def prefix(self) -> str:
        return f"dealerships/{self.dealership_id}/interventions/{self.intervention_id}/media/{self.media_id}/"

    @property
    def original_key(self) -> str:
        return self.prefix + ORIGINAL

    @property
    def checked_prefix(self) -> str:
        return self.prefix + "checked/"

    def checked_key(self, etag: str) -> str:
        """Where the bytes of the upload with ``etag`` are kept to be judged (no form signs it)."""
        return self.checked_prefix + (_UNSAFE_TAG.sub("", etag) or "object")

    def rendition_key(self, version: int, name: str) -> str:
        return f"{self.prefix}v{version}/{name}"

    @property
    def video_prefix(self) -> str:
        return self.prefix + "video/"


def parse_original_key(key: str) -> MediaRef | None:
    """The medium an uploaded original belongs to; None for any other key."""
    match = _ORIGINAL.match(key)
    if not match:
        return None
    return MediaRef(match["dealership"], match["intervention"], match["media"])


def sniff(head: bytes) -> str | None:
    """The content type the first bytes of a file prove, among the types we accept.

    HTML, SVG or anything else that is not one of them answers None, whatever its name or
    declared type says.
    """
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):  # OLE2: legacy Word or Excel
        return XLS if b"W\x00o\x00r\x00k\x00b\x00o\x00o\x00k" in head else DOC
    if head.startswith(b"PK\x03\x04"):  # OOXML is a zip whose first entries name its parts
        if b"word/" in head:
            return DOCX
        if b"xl/" in head:
            return XLSX
        return None
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"heic", b"heix", b"mif1", b"msf1", b"avif", b"hevc"):
            return None  # HEIF still images, not videos
        return "video/quicktime" if brand == b"qt  " else "video/mp4"
    return None


def check_arrived(kind: MediaKind, head: bytes, size: int, declared_size: int) -> str:
    """The real content type of an arrived upload, or MediaRejectedError saying why not."""
    if size <= 0:
        raise MediaRejectedError("empty", "the file is empty")
    if size > min(declared_size, MAX_BYTES[kind]):
        raise MediaRejectedError(
            "too_large", f"{size} bytes is more than the {min(declared_size, MAX_BYTES[kind])} signed"
        )
    content_type = sniff(head)
    if content_type is None or content_type not in ALLOWED_TYPES[kind]:
        allowed = ", ".join(sorted(ALLOWED_TYPES[kind]))
        raise MediaRejectedError("type_not_allowed", f"the file is not one of {allowed} (by its content)")
    return content_type


MAX_PARTS = 10_000  # S3's limit per multipart upload
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\]+")


class UploadRequest(BaseModel):
    """What a phone or browser asks to upload; the answer is a signed upload for exactly this."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)

    kind: MediaKind
    content_type: str = Field(max_length=120)
    size: int = Field(gt=0)
    filename: str | None = Field(default=None, max_length=255)
    duration_seconds: float | None = Field(default=None, gt=0)
    visibility: Visibility = Visibility.PUBLIC
    client_id: str | None = Field(default=None, max_length=26)


def check_upload(request: UploadRequest, limits: MediaLimits) -> None:
    """Refuse up front what can be known before the bytes: type, size, a video's length."""
    allowed = ALLOWED_TYPES[request.kind]
    if request.content_type not in allowed:
        raise ValidationError(
            f"a {request.kind} must be one of {', '.join(sorted(allowed))}",
            field="content_type",
            code="type_not_allowed",
        )
    if request.size > MAX_BYTES[request.kind]:
        raise ValidationError(
            f"a {request.kind} is at most {MAX_BYTES[request.kind] // MIB} MiB", field="size", code="too_large"
        )
    if request.kind == MediaKind.VIDEO:
        if request.duration_seconds is None:
            raise ValidationError("a video's duration_seconds is required", field="duration_seconds")
        if request.duration_seconds > limits.max_video_seconds:
            raise ValidationError(
                f"a video is at most {limits.max_video_seconds} seconds", field="duration_seconds", code="too_long"
            )
    if request.kind == MediaKind.ATTACHMENT and not request.filename:
        raise ValidationError("an attachment needs its filename", field="filename")


def safe_filename(name: str | None, media_id: str, content_type: str) -> str:
    """A download name without paths or control characters, with the extension of its type."""
    base = _UNSAFE_NAME.sub("_", (name or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]).strip(" ._")[:120]
    extension = EXTENSIONS.get(content_type, "bin")
    if not base:
        return f"{media_id.lower()}.{extension}"
    return base if base.lower().endswith(f".{extension}") else f"{base}.{extension}"


def part_count(size: int, part_size: int) -> int:
    """How many parts a multipart upload of ``size`` bytes takes."""
    count = -(-size // part_size)
    if count > MAX_PARTS:
        raise ValidationError(f"a file of {size} bytes needs more than {MAX_PARTS} parts", field="size")
    return count


# --- photo versions (F-4.3) -------------------------------------------------------------------

MAX_VERSIONS = 30  # of one photo, the original included


class Rendition(BaseModel):
    """One stored rendition of a photo version (``w1280.jpg``, ``thumb.jpg``…)."""

    model_config = ConfigDict(extra="allow", defer_build=True)

    name: str
    content_type: str
    width: int
    height: int


class VersionReason(BaseModel):
    """Why a version could not be made: a stable ``code`` and a ``message`` for a person."""

    model_config = ConfigDict(extra="allow", defer_build=True)

    code: str
    message: str


class PhotoVersion(BaseModel):
    """One version of a photo: 1 is the original, every other one the shapes of an annotation
    drawn on the original (``shapes`` holds the base's shapes and the new ones, so any version
    is drawn from the original alone and JPEG loss never compounds).

    Unknown keys of stored versions are kept (``extra="allow"``), so reading and writing back a
    version never loses what an older or newer writer put there.
    """

    model_config = ConfigDict(extra="allow", defer_build=True)

    version: int
    base: int | None = None  # None for the original
    shapes: list[dict[str, Any]] = Field(default_factory=list)
    status: MediaStatus
    reason: VersionReason | None = None  # failed versions only
    created_at: str | None = None
    created_by: str | None = None
    renditions: list[Rendition] | None = None  # ready versions only

    def stored(self) -> dict[str, Any]:
        """The version as the medium keeps it (JSON): absent keys stay absent, ``base`` is
        always written (null for the original), as every writer did before this model."""
        data = self.model_dump(mode="json")
        return {key: value for key, value in data.items() if value is not None or key == "base"}

    def ready(self, renditions: list[Rendition]) -> PhotoVersion:
        """This version drawn, with its renditions."""
        return self.model_copy(update={"status": MediaStatus.READY, "renditions": renditions})

    def failed(self, code: str, message: str) -> PhotoVersion:
        """This version given up, with the reason."""
        return self.model_copy(
            update={"status": MediaStatus.FAILED, "reason": VersionReason(code=code, message=message)}
        )


def find_version(versions: list[PhotoVersion], number: int) -> PhotoVersion | None:
    return next((v for v in versions if v.version == number), None)


def original_version(renditions: list[Rendition], *, created_at: str, created_by: str) -> PhotoVersion:
    """Version 1: the photo as it arrived, ready with its renditions."""
    return PhotoVersion(
        version=1,
        base=None,
        shapes=[],
        status=MediaStatus.READY,
        renditions=renditions,
        created_at=created_at,
        created_by=created_by,
    )


def annotation_version(
    versions: list[PhotoVersion], current: int, shapes: list[dict[str, Any]], *, created_at: str, created_by: str
) -> PhotoVersion:
    """The next version of a ready photo: the shown version's shapes and ``shapes``, to be drawn.

    One version is drawn at a time (409 ``not_ready`` while one is), and a photo keeps at most
    :data:`MAX_VERSIONS`.
    """
    if any(v.status == MediaStatus.PROCESSING for v in versions):
        raise ConflictError("this photo is still being processed; retry in a moment", code="not_ready")
    if len(versions) >= MAX_VERSIONS:
        raise ConflictError(f"a photo keeps at most {MAX_VERSIONS} versions", code="too_many_versions")
    base = next(v for v in versions if v.version == current)
    return PhotoVersion(
        version=max(v.version for v in versions) + 1,
        base=base.version,
        shapes=[*base.shapes, *shapes],
        status=MediaStatus.PROCESSING,
        created_at=created_at,
        created_by=created_by,
    )


def check_showable(versions: list[PhotoVersion], wanted: int) -> PhotoVersion:
    """The version to show for undo or redo: it must exist and be ready."""
    found = find_version(versions, wanted)
    if found is None:
        raise ValidationError(f"this photo has no version {wanted}", field="version")
    if found.status == MediaStatus.FAILED:
        reason = found.reason.message if found.reason else "it could not be made"
        raise ConflictError(f"version {wanted} failed: {reason}", field="version", code="version_failed")
    if found.status != MediaStatus.READY:
        raise ConflictError(f"version {wanted} is {found.status}", field="version", code="not_ready")
    return found
