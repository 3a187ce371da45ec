"""Media of an intervention on the single table.

- one item per medium, ``DLR#<d>`` / ``MEDIA#<intervention id>#<media id>``: what was signed
  (kind, declared type, size, duration), what really arrived (type, size, dimensions,
  duration), its status, visibility and photo versions;
- one set item per intervention, ``DLR#<d>`` / ``MEDIASET#<intervention id>``: the quota
  counters (photos, attachments, video seconds) and the order the customer sees.

Every reservation, rejection and deletion moves the counters in the same transaction as the
medium, with the limit in the condition: the 51st photo is refused even when two phones
upload at the same moment, and a refused upload leaves no count behind.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Any

from pynamodb.attributes import ListAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.expressions.condition import Condition

from dealerlink.domain.media import MediaKind, MediaLimits, MediaRef, MediaStatus, PhotoVersion, Visibility
from dealerlink.domain.video import VideoInfo, VideoOutputs
from dealerlink.errors import ConflictError, NotFoundError
from dealerlink.retry import NotYet, retry_on_conflict
from dealerlink.store.table import BaseItem, condition_failure_as, dealership_pk
from dealerlink.store.transactions import transaction

REJECTED_KEPT_SECONDS = 7 * 24 * 3600  # a rejected upload's reason stays a week, then TTL removes it


def _now() -> str:
    return datetime.now(UTC).isoformat()


class Media(BaseItem, discriminator="media"):
    media_id = UnicodeAttribute()
    intervention_id = UnicodeAttribute()
    dealership_id = UnicodeAttribute()
    kind = UnicodeAttribute()  # photo | video | attachment
    status = UnicodeAttribute()  # MediaStatus
    visibility = UnicodeAttribute()  # public | private
    declared_type = UnicodeAttribute()
    declared_size = NumberAttribute()
    declared_seconds = NumberAttribute(null=True)
    counted_seconds = NumberAttribute(default=0)  # what this video holds of the intervention's video quota
    filename = UnicodeAttribute(null=True)
    upload_id = UnicodeAttribute(null=True)  # multipart uploads (videos) until completed
    completing = UnicodeAttribute(null=True)  # the upload id a complete call is finishing
    content_type = UnicodeAttribute(null=True)  # by magic bytes, once arrived
    checked_key = UnicodeAttribute(null=True)  # the judged bytes: a form upload's copy, a video's original
    size = NumberAttribute(null=True)
    width = NumberAttribute(null=True)
    height = NumberAttribute(null=True)
    duration_seconds = NumberAttribute(null=True)
    codec = UnicodeAttribute(null=True)
    job_id = UnicodeAttribute(null=True)
    outputs = UnicodeAttribute(null=True)  # video: {"hls_master", "mp4", "poster"} keys (JSON)
    versions = UnicodeAttribute(default="[]")  # photos: [PhotoVersion.stored(), …] (JSON), see photo_versions
    current_version = NumberAttribute(default=1)
    reason_code = UnicodeAttribute(null=True)
    reason = UnicodeAttribute(null=True)
    client_id = UnicodeAttribute(null=True)
    created_by = UnicodeAttribute()
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    revision = NumberAttribute(default=1)  # optimistic lock of every change

    @property
    def ref(self) -> MediaRef:
        return MediaRef(self.dealership_id, self.intervention_id, self.media_id)

    @property
    def checked_original(self) -> str:
        """The key of the bytes that were judged: what downloads, annotations, archives and pages
        read (media judged before checked copies existed kept them at their upload key)."""
        return self.checked_key or self.ref.original_key

    @property
    def photo_versions(self) -> list[PhotoVersion]:
        """A photo's versions, the one place they are read (:func:`_versions_json` writes them)."""
        stored: list[dict[str, Any]] = json.loads(self.versions or "[]")
        return [PhotoVersion.model_validate(version) for version in stored]

    @property
    def version_list(self) -> list[dict[str, Any]]:
        """The versions as stored JSON objects, for readers that index them (customer pages)."""
        return [version.stored() for version in self.photo_versions]

    @property
    def output_keys(self) -> dict[str, str]:
        loaded: dict[str, str] = json.loads(self.outputs) if self.outputs else {}
        return loaded


class MediaSet(BaseItem, discriminator="media_set"):
    intervention_id = UnicodeAttribute()
    photos = NumberAttribute(default=0)
    attachments = NumberAttribute(default=0)
    video_seconds = NumberAttribute(default=0)
    order = ListAttribute[str](null=True)


def media_sk(intervention_id: str, media_id: str) -> str:
    return f"MEDIA#{intervention_id}#{media_id}"


def _set_key(dealership_id: str, intervention_id: str) -> tuple[str, str]:
    return dealership_pk(dealership_id), f"MEDIASET#{intervention_id}"


@dataclass(frozen=True)
class Usage:
    """What an intervention holds of its quotas."""

    photos: int = 0
    attachments: int = 0
    video_seconds: float = 0.0


def _counter_update(item: Media, sign: int) -> tuple[MediaSet, list[Any]]:
    pk, sk = _set_key(item.dealership_id, item.intervention_id)
    media_set = MediaSet(pk, sk)
    actions: list[Any] = [MediaSet.type.set(MediaSet), MediaSet.intervention_id.set(item.intervention_id)]
    if item.kind == MediaKind.PHOTO:
        actions.append(MediaSet.photos.add(sign))
    elif item.kind == MediaKind.ATTACHMENT:
        actions.append(MediaSet.attachments.add(sign))
    elif item.counted_seconds:
        actions.append(MediaSet.video_seconds.add(sign * item.counted_seconds))
    return media_set, actions


def _within(limits: MediaLimits, item: Media) -> Condition:
    """The set's condition that adding ``item`` stays within the limits."""
    if item.kind == MediaKind.PHOTO:
        within: Condition = MediaSet.photos.does_not_exist() | (MediaSet.photos < limits.max_photos)
        return within
    if item.kind == MediaKind.ATTACHMENT:
        within = MediaSet.attachments.does_not_exist() | (MediaSet.attachments < limits.max_attachments)
        return within
    room = limits.max_total_video_seconds - item.counted_seconds
    within = MediaSet.video_seconds.does_not_exist() | (MediaSet.video_seconds <= room)
    return within


class AlreadyReservedError(Exception):
    """A retried create (same client id) finds the medium its first attempt reserved."""

    def __init__(self, media: Media) -> None:
        self.media = media


def reserve(item: Media, limits: MediaLimits) -> Media:
    """Create the medium and count it against the intervention's quotas, all or nothing."""
    item.PK, item.SK = dealership_pk(item.dealership_id), media_sk(item.intervention_id, item.media_id)
    item.created_at = item.updated_at = _now()
    item.status = MediaStatus.UPLOADING.value
    if item.kind == MediaKind.VIDEO:
        item.counted_seconds = item.declared_seconds or 0
    media_set, actions = _counter_update(item, +1)
    over = ConflictError(
        f"this intervention already holds the most {item.kind} media allowed", field="kind", code="quota_exceeded"
    )
    if item.kind == MediaKind.VIDEO:
        over = ConflictError(
            f"this intervention may hold {limits.max_total_video_seconds} seconds of video in all",
            field="duration_seconds",
            code="quota_exceeded",
        )
    exists = ConflictError("medium exists", code="exists")
    try:
        with transaction({(item.PK, item.SK): exists, (media_set.PK, media_set.SK): over}) as tx:
            tx.save(item, condition=Media.PK.does_not_exist())
            tx.update(media_set, actions=actions, condition=_within(limits, item))
    except ConflictError as error:
        if error.code != "exists" or not item.client_id:
            raise
        raise AlreadyReservedError(_reserved_meanwhile(item.ref)) from None
    return item


def _reserved_meanwhile(ref: MediaRef) -> Media:
    """The medium a first attempt with this client id reserved (it may still be committing)."""

    def found(_: int) -> Media:
        item = find(ref)
        if item is None:
            raise NotYet()
        return item

    in_progress = partial(ConflictError, "a create with this client_id is in progress; retry", field="client_id")
    return retry_on_conflict(found, attempts=5, retry=NotYet, pause=0.05, gave_up=in_progress)


def find(ref: MediaRef) -> Media | None:
    try:
        return Media.get(
            dealership_pk(ref.dealership_id), media_sk(ref.intervention_id, ref.media_id), consistent_read=True
        )
    except Media.DoesNotExist:
        return None


def get(dealership_id: str, intervention_id: str, media_id: str) -> Media:
    found = find(MediaRef(dealership_id, intervention_id, media_id))
    if found is None:
        raise NotFoundError("no such medium", field="media_id")
    return found


def of_intervention(dealership_id: str, intervention_id: str) -> list[Media]:
    """Every medium of the intervention in the order the customer sees: the set's order first,
    then the others by when they were made (ULIDs)."""
    pk = dealership_pk(dealership_id)
    items = [
        item
        for item in Media.query(pk, Media.SK.startswith(f"MEDIA#{intervention_id}#"), consistent_read=True)
        if isinstance(item, Media)
    ]
    order = usage_and_order(dealership_id, intervention_id)[1]
    rank = {media_id: index for index, media_id in enumerate(order)}
    return sorted(items, key=lambda m: (rank.get(m.media_id, len(rank)), m.media_id))


def usage_and_order(dealership_id: str, intervention_id: str) -> tuple[Usage, list[str]]:
    try:
        found = MediaSet.get(*_set_key(dealership_id, intervention_id), consistent_read=True)
    except MediaSet.DoesNotExist:
        return Usage(), []
    return Usage(int(found.photos), int(found.attachments), float(found.video_seconds)), list(found.order or [])


def set_order(dealership_id: str, intervention_id: str, order: list[str]) -> None:
    pk, sk = _set_key(dealership_id, intervention_id)
    MediaSet(pk, sk).update(
        actions=[
            MediaSet.type.set(MediaSet),
            MediaSet.intervention_id.set(intervention_id),
            MediaSet.order.set(order),
        ]
    )


def _change(item: Media, actions: list[Any], condition: Condition | None = None) -> Media:
    """Update the medium if nobody changed it since it was read (else 409)."""
    expected = item.revision
    guard = Media.revision == expected
    stale = ConflictError("the medium changed meanwhile; reload and retry", field="media_id", code="stale_media")
    with condition_failure_as(stale):
        item.update(
            actions=[*actions, Media.revision.set(expected + 1), Media.updated_at.set(_now())],
            condition=guard if condition is None else guard & condition,
        )
    return item


def _versions_json(versions: list[PhotoVersion]) -> str:
    """The one writer of ``Media.versions``: the format :attr:`Media.photo_versions` reads."""
    return json.dumps([version.stored() for version in versions])


def start_completing(item: Media, upload_id: str) -> Media:
    """Claim the right to join ``upload_id``'s parts: only one complete call gets it (else 409
    ``already_completed``), and only while that is still the medium's open upload."""
    try:
        return _change(
            item, [Media.completing.set(upload_id)], Media.completing.does_not_exist() & (Media.upload_id == upload_id)
        )
    except ConflictError:
        raise ConflictError("this upload was completed already", code="already_completed") from None


def stop_completing(item: Media) -> Media:
    """Give the claim back (S3 refused the parts): the client may fix its list and complete again."""
    return _change(item, [Media.completing.remove()])


def set_visibility(item: Media, visibility: Visibility) -> Media:
    return _change(item, [Media.visibility.set(visibility.value)])


def add_version(item: Media, version: PhotoVersion) -> Media:
    """Append a new photo version (an annotation to draw); the shown version stays."""
    return set_versions(item, [*item.photo_versions, version])


def set_versions(item: Media, versions: list[PhotoVersion]) -> Media:
    """Write a photo's versions as they are given (e.g. back to what they were)."""
    return _change(item, [Media.versions.set(_versions_json(versions))])


def record_version(item: Media, version: PhotoVersion) -> Media:
    """Replace the version of the same number (drawn or failed); a ready one is shown at once."""
    versions = [version if v.version == version.version else v for v in item.photo_versions]
    actions: list[Any] = [Media.versions.set(_versions_json(versions))]
    if version.status == MediaStatus.READY:
        actions.append(Media.current_version.set(version.version))
    return _change(item, actions)


def choose_version(item: Media, number: int) -> Media:
    """Show version ``number`` of a photo (undo, redo)."""
    return _change(item, [Media.current_version.set(number)])


def _arrived(checked_key: str, content_type: str, size: int, status: MediaStatus) -> list[Any]:
    """What every accepted upload records: its judged bytes, their real type and size."""
    return [
        Media.status.set(status.value),
        Media.checked_key.set(checked_key),
        Media.content_type.set(content_type),
        Media.size.set(size),
        Media.upload_id.remove(),
        Media.completing.remove(),
    ]


def accept_attachment(item: Media, checked_key: str, content_type: str, size: int) -> Media:
    """An attachment judged fine is ready; only a medium still waiting for its upload changes."""
    return _change(
        item, _arrived(checked_key, content_type, size, MediaStatus.READY), Media.status == MediaStatus.UPLOADING
    )


def accept_photo(
    item: Media, checked_key: str, content_type: str, size: int, *, width: int, height: int, original: PhotoVersion
) -> Media:
    """A photo judged fine is ready with its first version (its renditions written already)."""
    return _change(
        item,
        [
            *_arrived(checked_key, content_type, size, MediaStatus.READY),
            Media.width.set(width),
            Media.height.set(height),
            Media.versions.set(_versions_json([original])),
            Media.current_version.set(original.version),
        ],
        Media.status == MediaStatus.UPLOADING,
    )


def accept_video(item: Media, checked_key: str, content_type: str, size: int, info: VideoInfo) -> Media:
    """A video judged fine is processing (to be transcoded), with what its container says."""
    return _change(
        item,
        [
            *_arrived(checked_key, content_type, size, MediaStatus.PROCESSING),
            Media.width.set(info.width) if info.width else Media.width.remove(),
            Media.height.set(info.height) if info.height else Media.height.remove(),
            Media.duration_seconds.set(round(info.duration_seconds, 3)),
            Media.codec.set(info.codec) if info.codec else Media.codec.remove(),
        ],
        Media.status == MediaStatus.UPLOADING,
    )


def set_job(item: Media, job_id: str) -> Media:
    """Record the transcoding job of a processing video (409 once it finished meanwhile)."""
    return _change(item, [Media.job_id.set(job_id)], Media.status == MediaStatus.PROCESSING)


def video_ready(item: Media, outputs: VideoOutputs, job_id: str) -> Media:
    """A processing video transcoded: ready, with the keys of its outputs."""
    keys = {"hls_master": outputs.hls_master, "mp4": outputs.mp4, "poster": outputs.poster}
    return _change(
        item,
        [Media.status.set(MediaStatus.READY.value), Media.outputs.set(json.dumps(keys)), Media.job_id.set(job_id)],
        Media.status == MediaStatus.PROCESSING,
    )


def release(item: Media, *, status: str, code: str, reason: str) -> Media:
    """Mark the medium rejected or failed, give its quota back and let TTL remove it later."""
    expected = item.revision
    media_set, actions = _counter_update(item, -1)
    item.status, item.reason_code, item.reason = status, code, reason
    item.upload_id = item.completing = None
    item.revision, item.updated_at = expected + 1, _now()
    item.ttl = int(time.time()) + REJECTED_KEPT_SECONDS
    changed = ConflictError("the medium changed meanwhile", code="stale_media")
    with transaction({(item.PK, item.SK): changed}) as tx:
        tx.save(item, condition=Media.revision == expected)
        tx.update(media_set, actions=actions)
    item.counted_seconds = 0
    return item


def delete(item: Media) -> None:
    """Remove the medium and give its quota back (a rejected one gave it back already)."""
    released = item.status in (MediaStatus.REJECTED, MediaStatus.FAILED)
    gone = ConflictError("the medium changed meanwhile; reload and retry", code="stale_media")
    with transaction({(item.PK, item.SK): gone}) as tx:
        tx.delete(item, condition=Media.revision == item.revision)
        if not released:
            media_set, actions = _counter_update(item, -1)
            tx.update(media_set, actions=actions)


def count_video(item: Media, seconds: float, limits: MediaLimits) -> Media:
    """Count the real duration instead of the declared one, within the intervention's total."""
    delta = round(seconds - item.counted_seconds, 3)
    expected = item.revision
    pk, sk = _set_key(item.dealership_id, item.intervention_id)
    over = ConflictError("too_long", code="quota_exceeded")
    stale = ConflictError("the medium changed meanwhile", code="stale_media")
    with transaction({(item.PK, item.SK): stale, (pk, sk): over}) as tx:
        tx.update(
            item,
            actions=[
                Media.counted_seconds.set(seconds),
                Media.revision.set(expected + 1),
                Media.updated_at.set(_now()),
            ],
            condition=(Media.revision == expected) & (Media.status == MediaStatus.UPLOADING),
        )
        tx.update(
            MediaSet(pk, sk),
            actions=[MediaSet.video_seconds.add(delta)],
            condition=MediaSet.video_seconds <= limits.max_total_video_seconds - delta,
        )
    item.counted_seconds, item.revision = seconds, expected + 1
    return item
