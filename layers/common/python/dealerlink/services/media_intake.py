"""Media intake (F-4.1, F-4.5): judge what arrived in the media bucket and take it in, once.

S3 says an original arrived. This finds the medium it was signed for (bytes nobody signed
for are deleted), copies a form upload to where no form can write (domain.media's layout),
checks size and real type there, then: photos get their renditions at once, videos are
probed for their duration and handed to the transcoder, attachments are ready. Anything
outside the rules is deleted and the medium rejected with its reason; its quota goes back.
Every step is conditional on the medium's status, so a duplicate notification or completion
event finds nothing left to do, and an object posted for a medium that waits for none (a
signed form used again) is deleted.
"""

from __future__ import annotations

from contextlib import suppress
from datetime import UTC, datetime
from functools import partial

from dealerlink.adapters import storage
from dealerlink.adapters.transcoder import TranscodeRequest, transcoder
from dealerlink.domain.media import (
    MediaKind,
    MediaLimits,
    MediaRef,
    MediaRejectedError,
    MediaStatus,
    Rendition,
    check_arrived,
    original_version,
    parse_original_key,
)
from dealerlink.domain.video import JobOutcome, check_duration, probe, video_outputs
from dealerlink.errors import ConflictError
from dealerlink.retry import retry_on_conflict
from dealerlink.store import media as store
from dealerlink.store.dealerships import get_dealership

HEAD_BYTES = 64 * 1024


def take_in(key: str) -> str:
    """Take in the object at ``key``; answers what happened (for logs and metrics)."""
    if key.startswith("templates/"):
        from dealerlink.services import template_images

        return template_images.take_in(key)
    ref = parse_original_key(key)
    if ref is None:
        return "ignored"
    item = store.find(ref)
    if item is None:
        storage.delete(key)  # nobody signed for it, or its medium was deleted meanwhile
        return "stray"
    if item.kind == MediaKind.VIDEO and item.status == MediaStatus.PROCESSING and not item.job_id:
        return _start_transcoding(item)  # a retry after the job could not be started
    if item.status != MediaStatus.UPLOADING:
        return _late(item, key)
    arrived = storage.head(key)
    if arrived is None:
        return "gone"
    source = key if item.kind == MediaKind.VIDEO else ref.checked_key(arrived.etag)
    if source != key:
        try:  # judged on a copy no form can write, so a form posted again cannot change it
            storage.copy(key, source, if_match=arrived.etag)
        except storage.ChangedError:
            return "replaced"  # posted again meanwhile: the newer object's own notification takes it in
        except storage.MissingObjectError:
            return "gone"
    outcome = _judge(item, source, arrived.size)
    if source != key:
        storage.delete(key)
    return outcome


def _judge(item: store.Media, source: str, size: int) -> str:
    """Check what arrived at ``source`` and take it in, or reject it (deleted, quota given back)."""
    limits = get_dealership(item.dealership_id).settings.media.limits()
    try:
        content_type = check_arrived(
            MediaKind(item.kind), storage.read_range(source, 0, HEAD_BYTES), size, int(item.declared_size)
        )
        if item.kind == MediaKind.PHOTO:
            return _photo(item, source, content_type, size)
        if item.kind == MediaKind.VIDEO:
            return _video(item, content_type, size, limits)
        store.accept_attachment(item, source, content_type, size)
        return "ready"
    except MediaRejectedError as rejected:
        storage.delete_prefix(item.ref.prefix)
        store.release(item, status=MediaStatus.REJECTED.value, code=rejected.code, reason=rejected.message)
        return "rejected"


def _late(item: store.Media, key: str) -> str:
    """An object at the upload key of a medium that waits for none: a repeated notification, or a
    signed form posted again while still valid. The judged bytes are elsewhere, so it is deleted
    (with any copy a lost race left); only a video's completed upload is its judged original."""
    judged_before_copies = item.checked_key is None and item.status in (MediaStatus.READY, MediaStatus.PROCESSING)
    if item.checked_key == key or judged_before_copies:
        return "duplicate"  # this object is what was judged
    storage.delete(key)
    for copy in storage.list_keys(item.ref.checked_prefix):
        if copy != item.checked_key:
            storage.delete(copy)
    return "late"


def _photo(item: store.Media, source: str, content_type: str, size: int) -> str:
    from dealerlink.adapters.imaging import photo_renditions  # Pillow: the media function only

    photo = photo_renditions(storage.read(source))
    for rendition in photo.renditions:
        storage.write(item.ref.rendition_key(1, rendition.name), rendition.data, rendition.content_type)
    original = original_version(
        [Rendition(name=r.name, content_type=r.content_type, width=r.width, height=r.height) for r in photo.renditions],
        created_at=datetime.now(UTC).isoformat(),
        created_by=item.created_by,
    )
    store.accept_photo(item, source, content_type, size, width=photo.width, height=photo.height, original=original)
    return "ready"


def _video(item: store.Media, content_type: str, size: int, limits: MediaLimits) -> str:
    key = item.ref.original_key
    info = probe(lambda offset, length: storage.read_range(key, offset, length), size)
    usage, _ = store.usage_and_order(item.dealership_id, item.intervention_id)
    check_duration(info, limits, usage.video_seconds - float(item.counted_seconds))
    try:
        store.count_video(item, round(info.duration_seconds, 3), limits)
    except ConflictError as error:
        if error.code != "quota_exceeded":
            raise
        raise MediaRejectedError(
            "too_long", f"the intervention's videos would last more than {limits.max_total_video_seconds} seconds"
        ) from None
    store.accept_video(item, key, content_type, size, info)
    return _start_transcoding(item)


def _start_transcoding(item: store.Media) -> str:
    """Start the job; the transcoder's idempotency token (the media id) makes a retry start none."""
    ref = item.ref
    job_id = transcoder().start(
        TranscodeRequest(
            token=f"{ref.media_id}-1",
            input_key=item.checked_original,
            output_prefix=ref.video_prefix,
            user_metadata={
                "dealership_id": ref.dealership_id,
                "intervention_id": ref.intervention_id,
                "media_id": ref.media_id,
            },
        )
    )
    with suppress(ConflictError):  # the job finished (and was recorded) before its id could be
        store.set_job(item, job_id)
    return "processing"


def transcode_finished(outcome: JobOutcome) -> str:
    """Mark a video ready (HLS, MP4, poster) or failed; a duplicate event finds it done already."""
    meta = outcome.user_metadata
    ref = MediaRef(meta["dealership_id"], meta["intervention_id"], meta["media_id"])

    def record(_: int) -> str:  # the job id may be recorded at the same moment: re-read and retry
        item = store.find(ref)
        if item is None:
            storage.delete_prefix(ref.video_prefix)  # deleted while transcoding: drop the outputs
            return "stray"
        if item.status != MediaStatus.PROCESSING:
            return "duplicate"
        return _record_outcome(item, outcome)

    stale = partial(ConflictError, "the medium keeps changing; the event will be retried", code="stale_media")
    return retry_on_conflict(record, gave_up=stale)


def _record_outcome(item: store.Media, outcome: JobOutcome) -> str:
    ref = item.ref
    if outcome.status != "COMPLETE":
        storage.delete_prefix(ref.video_prefix)
        store.release(item, status=MediaStatus.FAILED.value, code="transcode_failed", reason=outcome.error or "failed")
        return "failed"
    store.video_ready(item, video_outputs(ref.video_prefix), outcome.job_id)
    return "ready"
