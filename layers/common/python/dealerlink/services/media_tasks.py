"""Work the API hands to the media function through the tasks queue: annotated photo versions
(F-4.3) and download archives (F-4.4). Each task checks the state it was asked for, so a
redelivered task does nothing twice."""

from __future__ import annotations

import zipfile
from functools import partial
from typing import Any

from dealerlink.adapters import storage
from dealerlink.domain.annotations import parse_shapes
from dealerlink.domain.media import (
    MediaKind,
    MediaRef,
    MediaRejectedError,
    MediaStatus,
    PhotoVersion,
    Rendition,
    find_version,
    safe_filename,
)
from dealerlink.errors import ConflictError
from dealerlink.retry import retry_on_conflict
from dealerlink.store import archives
from dealerlink.store import media as store

STORED = {"image/jpeg", "image/png", "image/webp", "video/mp4", "video/quicktime"}  # compressed already


ATTEMPTS = 3  # deliveries of a task: the tasks queue's maxReceiveCount (template.yaml)


def run(task: dict[str, Any], *, attempt: int) -> str:
    """Run one task on its ``attempt``-th delivery; answers what happened (for logs and metrics)."""
    if task.get("task") == "annotate":
        ref = MediaRef(task["dealership_id"], task["intervention_id"], task["media_id"])
        return annotate(ref, int(task["version"]), last_attempt=attempt >= ATTEMPTS)
    if task.get("task") == "archive":
        return build_archive(task["dealership_id"], task["intervention_id"], task["archive_id"])
    return "unknown"


def annotate(ref: MediaRef, number: int, *, last_attempt: bool = True) -> str:
    """Render version ``number`` of a photo: its shapes drawn on the original, then renditions.

    A version that cannot be made is marked failed with its reason: at once when no retry can
    help (the original is gone or cannot be decoded), else on the task's last delivery. The
    photo never waits for it for ever, and the next annotation can be made.
    """
    item = store.find(ref)
    version = find_version(item.photo_versions, number) if item else None
    if item is None or version is None or version.status != MediaStatus.PROCESSING:
        return "duplicate"
    try:
        renditions = _draw(item, number, version.shapes)
    except MediaRejectedError as rejected:
        return _finish(item, number, failure=(rejected.code, rejected.message))
    except storage.MissingObjectError:
        return _finish(item, number, failure=("original_missing", "the photo's original is no longer stored"))
    except Exception as error:  # anything else may pass: SQS retries it, the last delivery records it
        if not last_attempt:
            raise
        return _finish(
            item, number, failure=("annotation_failed", f"the version could not be made: {type(error).__name__}")
        )
    return _finish(item, number, renditions=renditions)


def _draw(item: store.Media, number: int, shapes: list[dict[str, Any]]) -> list[Rendition]:
    """Write the renditions of version ``number``; answers what the version records of them."""
    from dealerlink.adapters.imaging import annotate as draw
    from dealerlink.adapters.imaging import photo_renditions

    ref = item.ref
    photo = photo_renditions(draw(storage.read(item.checked_original), parse_shapes(shapes)))
    for rendition in photo.renditions:
        storage.write(ref.rendition_key(number, rendition.name), rendition.data, rendition.content_type)
    return [
        Rendition(name=r.name, content_type=r.content_type, width=r.width, height=r.height) for r in photo.renditions
    ]


def _finish(
    item: store.Media,
    number: int,
    *,
    renditions: list[Rendition] | None = None,
    failure: tuple[str, str] | None = None,
) -> str:
    """Record version ``number`` ready (and shown) with its renditions, or failed with its reason."""
    ref = item.ref
    if failure is not None:
        storage.delete_prefix(ref.rendition_key(number, ""))  # whatever was written before it failed

    def record(attempt: int) -> str:  # someone may change the medium meanwhile (visibility…): re-read
        found = item if attempt == 0 else store.find(ref)
        if found is None:
            return "gone"
        version = find_version(found.photo_versions, number)
        if version is None or version.status != MediaStatus.PROCESSING:
            return "duplicate"
        done: PhotoVersion = version.failed(*failure) if failure is not None else version.ready(renditions or [])
        store.record_version(found, done)
        return done.status.value

    stale = partial(ConflictError, "the photo keeps changing; the task will be retried", code="stale_media")
    return retry_on_conflict(record, gave_up=stale)


def download_key(item: store.Media, quality: str) -> tuple[str, str]:
    """The object to hand out for ``quality`` and the name to save it under.

    Originals are what was uploaded, as judged; web quality is the current photo version's largest JPEG
    rendition, the video's MP4, and the attachment itself.
    """
    original_name = safe_filename(item.filename, item.media_id, item.content_type or item.declared_type)
    if quality == "originals" or item.kind == MediaKind.ATTACHMENT:
        return item.checked_original, original_name
    stem = original_name.rsplit(".", 1)[0]
    if item.kind == MediaKind.VIDEO:
        return item.output_keys["mp4"], f"{stem}.mp4"
    version = find_version(item.photo_versions, int(item.current_version))
    if version is None or version.renditions is None:
        raise LookupError(f"photo {item.media_id} shows no drawn version {item.current_version}")
    largest = max(
        (r for r in version.renditions if r.name.endswith(".jpg") and r.name != "thumb.jpg"), key=lambda r: r.width
    )
    return item.ref.rendition_key(int(item.current_version), largest.name), f"{stem}.jpg"


def build_archive(dealership_id: str, intervention_id: str, archive_id: str) -> str:
    """Stream every ready medium into one zip in S3, one chunk in memory at a time."""
    item = archives.get(dealership_id, intervention_id, archive_id)
    if item.status != "building":
        return "duplicate"
    media = [m for m in store.of_intervention(dealership_id, intervention_id) if m.status == MediaStatus.READY]
    key = archives.archive_key(dealership_id, intervention_id, archive_id)
    sink = storage.MultipartSink(key, "application/zip")
    try:
        with zipfile.ZipFile(sink, mode="w", allowZip64=True) as archive:
            for position, medium in enumerate(media, start=1):
                source, filename = download_key(medium, item.quality)
                kind = MediaKind(medium.kind)
                compress = zipfile.ZIP_STORED if (medium.content_type or "") in STORED else zipfile.ZIP_DEFLATED
                entry = zipfile.ZipInfo(f"{position:02d}-{kind}-{filename}")
                entry.compress_type = compress
                with archive.open(entry, mode="w", force_zip64=True) as out:
                    for chunk in storage.stream(source):
                        out.write(chunk)
        size = sink.finish()
    except Exception as error:  # noqa: BLE001 - recorded on the archive, which the client polls
        sink.abort()
        archives.finish(
            item, key=None, size=None, files=0, error=f"could not build the archive: {type(error).__name__}"
        )
        return "failed"
    archives.finish(item, key=key, size=size, files=len(media))
    return "ready"
