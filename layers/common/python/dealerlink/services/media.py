"""Media use cases (F-4.1-F-4.4): reserve and sign uploads, finish or give them up, edit media.

The API never sees the bytes. A reservation counts the medium against the intervention's
quotas and signs an upload for exactly its key: a form POST for photos and attachments, a
multipart upload with signed part URLs for videos (resumable: the client asks which parts
arrived and gets fresh URLs for the rest). The media function takes it from there when S3
says the object arrived (:mod:`dealerlink.services.media_intake`). Nothing is left half-made:
a multipart upload is never left open without its medium, and a new photo version is never
left without the task that draws it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from dealerlink.adapters import storage
from dealerlink.adapters.tasks import enqueue_media_task
from dealerlink.domain.annotations import Shape
from dealerlink.domain.interventions import check_editable
from dealerlink.domain.media import (
    MediaKind,
    MediaStatus,
    PhotoVersion,
    UploadRequest,
    Visibility,
    annotation_version,
    check_showable,
    check_upload,
    find_version,
    part_count,
    safe_filename,
)
from dealerlink.errors import ConflictError, ValidationError
from dealerlink.ids import check_client_id, new_id
from dealerlink.store import interventions
from dealerlink.store import media as store
from dealerlink.store.dealerships import get_dealership

URLS_PER_ANSWER = 100  # part URLs handed out at once; the client asks for more as it goes


@dataclass(frozen=True)
class Upload:
    """A medium and how to send its bytes now (None once nothing is left to send)."""

    item: store.Media
    instructions: dict[str, Any] | None
    replayed: bool = False  # a retry with the same client_id: the first attempt's medium


def _editable(dealership_id: str, intervention_id: str) -> None:
    """Media change with their intervention: only while it waits to be sent (F-3.2)."""
    check_editable(interventions.get(dealership_id, intervention_id).status)


def _waits_for_bytes(item: store.Media) -> bool:
    return item.status == MediaStatus.UPLOADING and not item.completing


def instructions(item: store.Media) -> dict[str, Any]:
    """How to send the bytes now: a form POST, or the parts still missing of a multipart upload."""
    key = item.ref.original_key
    if item.kind != MediaKind.VIDEO:
        return storage.signed_post(key, item.declared_type, int(item.declared_size))
    assert item.upload_id is not None  # a video waits for its bytes only through its multipart upload
    total = part_count(int(item.declared_size), storage.PART_SIZE)
    try:
        arrived = storage.arrived_parts(key, item.upload_id)
    except storage.NoSuchUploadError:
        raise ConflictError("this upload was completed or aborted", code="not_uploading") from None
    have = {p.part_number for p in arrived}
    missing = [n for n in range(1, total + 1) if n not in have]
    return {
        "method": "multipart",
        "upload_id": item.upload_id,
        "part_size": storage.PART_SIZE,
        "part_count": total,
        "parts_arrived": [{"part_number": p.part_number, "size": p.size, "etag": p.etag} for p in arrived],
        "parts": storage.part_urls(key, item.upload_id, missing[:URLS_PER_ANSWER]),
        "parts_missing": len(missing),
        "expires_at": storage.expires_at(),
    }


def _with_instructions(item: store.Media, *, replayed: bool = False) -> Upload:
    return Upload(item, instructions(item) if _waits_for_bytes(item) else None, replayed)


def reserve(dealership_id: str, intervention_id: str, request: UploadRequest, *, by: str) -> Upload:
    """Reserve a medium within the quotas and sign its upload. A retry with the same client_id
    answers the medium its first attempt reserved (``replayed``); a video's multipart upload is
    aborted whenever no new medium holds it."""
    check_client_id(request.client_id)
    limits = get_dealership(dealership_id).settings.media.limits()
    check_upload(request, limits)
    _editable(dealership_id, intervention_id)
    if request.kind == MediaKind.VIDEO:
        part_count(request.size, storage.PART_SIZE)
    media_id = request.client_id.upper() if request.client_id else new_id()
    item = store.Media(
        media_id=media_id,
        intervention_id=intervention_id,
        dealership_id=dealership_id,
        kind=request.kind.value,
        visibility=request.visibility.value,
        declared_type=request.content_type,
        declared_size=request.size,
        declared_seconds=request.duration_seconds,
        filename=safe_filename(request.filename, media_id, request.content_type) if request.filename else None,
        client_id=request.client_id,
        created_by=by,
    )
    if request.kind == MediaKind.VIDEO:
        item.upload_id = storage.start_multipart(item.ref.original_key, request.content_type)
    try:
        created = store.reserve(item, limits)
    except store.AlreadyReservedError as retried:
        if item.upload_id:
            storage.abort_multipart(item.ref.original_key, item.upload_id)
        return _with_instructions(retried.media, replayed=True)
    except Exception:
        if item.upload_id:  # nothing half-made: no multipart upload left open without its medium
            storage.abort_multipart(item.ref.original_key, item.upload_id)
        raise
    return _with_instructions(created)


def resume(dealership_id: str, intervention_id: str, media_id: str) -> Upload:
    """The parts that arrived and fresh URLs for the missing ones (or a fresh form)."""
    item = store.get(dealership_id, intervention_id, media_id)
    if not _waits_for_bytes(item):
        raise ConflictError(f"this medium is {item.status}: nothing left to upload", code="not_uploading")
    return Upload(item, instructions(item))


def of_intervention(dealership_id: str, intervention_id: str) -> list[store.Media]:
    """The intervention's media in the customer's order (404 without the intervention)."""
    interventions.get(dealership_id, intervention_id)
    return store.of_intervention(dealership_id, intervention_id)


def get(dealership_id: str, intervention_id: str, media_id: str) -> store.Media:
    return store.get(dealership_id, intervention_id, media_id)


def complete(dealership_id: str, intervention_id: str, media_id: str, parts: list[tuple[int, str]]) -> store.Media:
    """Join a video's parts, only once: the claim in the store lets one call through, a second
    one is 409 and changes nothing; parts S3 refuses give the claim back so the client can retry."""
    item = store.get(dealership_id, intervention_id, media_id)
    if item.kind != MediaKind.VIDEO:
        raise ValidationError("only videos are sent in parts", field="media_id", code="not_multipart")
    done = ConflictError("this upload was completed already", code="already_completed")
    if not _waits_for_bytes(item) or not item.upload_id:
        raise done
    upload_id = item.upload_id
    store.start_completing(item, upload_id)
    try:
        storage.complete_multipart(item.ref.original_key, upload_id, parts)
    except storage.NoSuchUploadError:
        raise done from None
    except storage.PartsRefusedError as refused:
        store.stop_completing(item)
        raise ValidationError(f"S3 refused the parts: {refused.code}", field="parts", code="invalid_parts") from None
    return item


def abort(dealership_id: str, intervention_id: str, media_id: str) -> None:
    """Give up an upload: S3 drops the parts, the medium and its quota go."""
    item = store.get(dealership_id, intervention_id, media_id)
    if not _waits_for_bytes(item):
        raise ConflictError(f"this medium is {item.status}: delete it instead", code="not_uploading")
    if item.upload_id:
        storage.abort_multipart(item.ref.original_key, item.upload_id)
    store.delete(item)


def set_visibility(dealership_id: str, intervention_id: str, media_id: str, visibility: Visibility) -> store.Media:
    """Private media never reach the customer page (F-4.3)."""
    _editable(dealership_id, intervention_id)
    return store.set_visibility(store.get(dealership_id, intervention_id, media_id), visibility)


def delete(dealership_id: str, intervention_id: str, media_id: str) -> None:
    """Delete a medium, its renditions and outputs (and an open upload); its quota is given back."""
    _editable(dealership_id, intervention_id)
    item = store.get(dealership_id, intervention_id, media_id)
    if item.upload_id and not item.completing:
        storage.abort_multipart(item.ref.original_key, item.upload_id)
    storage.delete_prefix(item.ref.prefix)
    store.delete(item)


def reorder(dealership_id: str, intervention_id: str, order: list[str]) -> list[store.Media]:
    """Set the order the customer sees the media in: ``order`` lists every medium id once."""
    _editable(dealership_id, intervention_id)
    current = {m.media_id for m in store.of_intervention(dealership_id, intervention_id)}
    if sorted(order) != sorted(current):
        raise ValidationError("order must list every medium of the intervention once", field="order")
    store.set_order(dealership_id, intervention_id, order)
    return store.of_intervention(dealership_id, intervention_id)


def annotate(dealership_id: str, intervention_id: str, media_id: str, shapes: list[Shape], *, by: str) -> store.Media:
    """Add a version with ``shapes`` drawn on the shown one and queue its drawing; if the task
    cannot be queued the versions go back to what they were, so no version waits for ever."""
    _editable(dealership_id, intervention_id)
    item = store.get(dealership_id, intervention_id, media_id)
    if item.kind != MediaKind.PHOTO:
        raise ValidationError("only photos are annotated", field="media_id", code="not_a_photo")
    versions = item.photo_versions
    if item.status != MediaStatus.READY:
        raise ConflictError("this photo is still being processed; retry in a moment", code="not_ready")
    version = annotation_version(
        versions,
        int(item.current_version),
        [shape.model_dump(mode="json") for shape in shapes],
        created_at=datetime.now(UTC).isoformat(),
        created_by=by,
    )
    store.add_version(item, version)
    try:
        enqueue_media_task(
            {
                "task": "annotate",
                "dealership_id": item.dealership_id,
                "intervention_id": item.intervention_id,
                "media_id": item.media_id,
                "version": version.version,
            }
        )
    except Exception:
        store.set_versions(item, versions)  # nothing left half-made
        raise
    return item


def choose_version(dealership_id: str, intervention_id: str, media_id: str, wanted: int) -> store.Media:
    """Undo or redo: show any ready version of a photo, the original (version 1) included."""
    _editable(dealership_id, intervention_id)
    item = store.get(dealership_id, intervention_id, media_id)
    check_showable(item.photo_versions, wanted)
    return store.choose_version(item, wanted)


def view_urls(item: store.Media, versions: list[PhotoVersion] | None = None) -> dict[str, str] | None:
    """Short-lived URLs to show a ready medium: the shown photo version's renditions, or a
    video's MP4 and poster; None before (``versions``: the photo's, when already read)."""
    if item.kind == MediaKind.PHOTO:
        number = int(item.current_version)
        current = find_version(item.photo_versions if versions is None else versions, number)
        if current is None or current.status != MediaStatus.READY:
            return None
        return {r.name: storage.signed_view(item.ref.rendition_key(number, r.name)) for r in current.renditions or []}
    if item.kind == MediaKind.VIDEO and item.status == MediaStatus.READY:
        outputs = item.output_keys
        return {name: storage.signed_view(outputs[name]) for name in ("mp4", "poster") if name in outputs}
    return None
