"""The media routes' contract (F-4.1-F-4.3): uploads, their completion and editing.

The reservation body is the domain's own :class:`~dealerlink.domain.media.UploadRequest`;
annotations are the domain's shapes (:mod:`dealerlink.domain.annotations`).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, ValidatorFunctionWrapHandler, field_validator

from dealerlink.api.contract.common import Body, Out
from dealerlink.domain.annotations import MAX_SHAPES, Shape, parse_shapes
from dealerlink.domain.media import MAX_PARTS, MediaKind, MediaStatus, Visibility

# --- bodies -----------------------------------------------------------------------------------

PartNumber = Annotated[int, Field(strict=True, ge=1, le=MAX_PARTS, description="1 to 10000")]


class MediaPartIn(Body):
    """One part of a multipart upload, as S3 answered its PUT."""

    part_number: PartNumber
    etag: str = Field(min_length=1, max_length=128, description="the ETag S3 answered for the part")


class CompleteBody(Body):
    """Every uploaded part of a video, in ascending order, each once."""

    parts: list[MediaPartIn] = Field(min_length=1, max_length=MAX_PARTS)

    @field_validator("parts")
    @classmethod
    def _ascending_once(cls, parts: list[MediaPartIn]) -> list[MediaPartIn]:
        numbers = [part.part_number for part in parts]
        if numbers != sorted(set(numbers)):
            raise ValueError("parts must be in ascending order, each once")
        return parts


class VisibilityBody(Body):
    """Make a medium public (the customer sees it) or private."""

    visibility: Visibility


class OrderBody(Body):
    """Every medium id of the intervention once, in the order the customer sees them."""

    order: list[Annotated[str, Field(max_length=26)]]


class AnnotationBody(Body):
    """Shapes to draw on the photo's current version (coordinates relative, 0..1)."""

    shapes: list[Shape] = Field(max_length=MAX_SHAPES)

    @field_validator("shapes", mode="wrap")
    @classmethod
    def _each_by_its_type(cls, value: Any, handler: ValidatorFunctionWrapHandler) -> list[Any]:
        """Each shape validated by the model its ``type`` names, so errors name ``shapes.2.points``
        (a tagged union's would name the tag too, ``shapes.2.path.points``)."""
        return list(parse_shapes(value))


class VersionBody(Body):
    """The version of the photo to show (1 is the original)."""

    version: int = Field(strict=True, ge=1)


# --- answers ----------------------------------------------------------------------------------


class ReasonOut(Out):
    """Why a medium or a photo version was rejected or failed."""

    code: str = Field(examples=["type_not_allowed", "too_long", "original_missing"])
    message: str


class PhotoVersionOut(Out):
    """One version of a photo: 1 is the original, the others annotations of a base version."""

    version: int
    status: MediaStatus
    reason: ReasonOut | None
    created_at: str
    created_by: str


class MediaOut(Out):
    """A medium as the back office and the app see it; ``urls`` (short-lived) once ready."""

    id: str
    intervention_id: str
    kind: MediaKind
    status: MediaStatus
    visibility: Visibility
    content_type: str
    size: int
    filename: str | None
    width: int | None
    height: int | None
    duration_seconds: float | None
    created_at: str
    created_by: str
    revision: int
    reason: ReasonOut | None
    current_version: int | None = Field(description="photos: the version shown")
    versions: list[PhotoVersionOut] | None = Field(description="photos: every version")
    urls: dict[str, str] | None = Field(
        description="once ready: photo renditions (w1280.jpg, thumb.jpg…) or a video's mp4 and poster"
    )


class MediaListOut(Out):
    """The intervention's media in the customer's order (all of them: no cursor)."""

    items: list[MediaOut]


class FormUploadOut(Out):
    """A photo or attachment: POST ``fields`` then the file, as a form, to ``url``."""

    method: Literal["POST"]
    url: str
    fields: dict[str, str]
    expires_at: str


class PartArrivedOut(Out):
    part_number: int
    size: int
    etag: str


class PartUrlOut(Out):
    part_number: int
    url: str = Field(description="PUT the part's bytes here; keep the ETag S3 answers")


class MultipartUploadOut(Out):
    """A video: PUT each part to its URL, then complete with the parts' ETags."""

    method: Literal["multipart"]
    upload_id: str
    part_size: int
    part_count: int
    parts_arrived: list[PartArrivedOut]
    parts: list[PartUrlOut] = Field(description="URLs for the first missing parts (100 at most)")
    parts_missing: int
    expires_at: str


Upload = Annotated[FormUploadOut | MultipartUploadOut, Field(discriminator="method")]


class MediaUploadOut(Out):
    """The medium and how to send its bytes now (null once nothing is left to send)."""

    media: MediaOut
    upload: Upload | None


class AbortedOut(Out):
    id: str
    aborted: bool


class DeletedOut(Out):
    id: str
    deleted: bool


EXAMPLES = {
    "reserve a photo": {"kind": "photo", "content_type": "image/jpeg", "size": 2_400_000, "filename": "IMG_0042.jpg"},
    "reserve a video": {
        "kind": "video",
        "content_type": "video/mp4",
        "size": 48_000_000,
        "duration_seconds": 42.5,
        "client_id": "01JD0000000000000000000000",
    },
}
COMPLETE_EXAMPLES = {
    "two parts": {
        "parts": [
            {"part_number": 1, "etag": '"6f5902ac237024bdd0c176cb93063dc4"'},
            {"part_number": 2, "etag": '"a1b2c3d4e5f60718293a4b5c6d7e8f90"'},
        ]
    }
}
