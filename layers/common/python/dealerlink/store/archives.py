"""Download archives (F-4.4): one zip of an intervention's media, built by the media function.

``DLR#<d>`` / ``ARCHIVE#<intervention id>#<archive id>``; the zip itself lives two days under
``archives/<d>/`` in the media bucket (a lifecycle rule expires it), the item as long (TTL).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from dealerlink.errors import NotFoundError
from dealerlink.store.table import BaseItem, dealership_pk

KEPT_SECONDS = 2 * 24 * 3600


class Archive(BaseItem, discriminator="media_archive"):
    archive_id = UnicodeAttribute()
    intervention_id = UnicodeAttribute()
    dealership_id = UnicodeAttribute()
    quality = UnicodeAttribute()  # originals | web
    status = UnicodeAttribute()  # building | ready | failed
    key = UnicodeAttribute(null=True)
    size = NumberAttribute(null=True)
    files = NumberAttribute(null=True)
    error = UnicodeAttribute(null=True)
    created_by = UnicodeAttribute()
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.archive_id,
            "intervention_id": self.intervention_id,
            "quality": self.quality,
            "status": self.status,
            "size": self.size,
            "files": self.files,
            "error": self.error,
            "created_at": self.created_at,
        }


def archive_key(dealership_id: str, intervention_id: str, archive_id: str) -> str:
    return f"archives/{dealership_id}/{intervention_id}/{archive_id}.zip"


def create(dealership_id: str, intervention_id: str, archive_id: str, quality: str, actor: str) -> Archive:
    now = datetime.now(UTC).isoformat()
    item = Archive(
        dealership_pk(dealership_id),
        f"ARCHIVE#{intervention_id}#{archive_id}",
        archive_id=archive_id,
        intervention_id=intervention_id,
        dealership_id=dealership_id,
        quality=quality,
        status="building",
        created_by=actor,
        created_at=now,
        updated_at=now,
        ttl=int(time.time()) + KEPT_SECONDS,
    )
    item.save(condition=Archive.PK.does_not_exist())
    return item


def get(dealership_id: str, intervention_id: str, archive_id: str) -> Archive:
    try:
        return Archive.get(
            dealership_pk(dealership_id), f"ARCHIVE#{intervention_id}#{archive_id}", consistent_read=True
        )
    except Archive.DoesNotExist:
        raise NotFoundError("no such archive", field="archive_id") from None


def finish(item: Archive, *, key: str | None, size: int | None, files: int, error: str | None = None) -> Archive:
    item.update(
        actions=[
            Archive.status.set("failed" if error else "ready"),
            Archive.key.set(key) if key else Archive.key.remove(),
            Archive.size.set(size) if size is not None else Archive.size.remove(),
            Archive.files.set(files),
            Archive.error.set(error) if error else Archive.error.remove(),
            Archive.updated_at.set(datetime.now(UTC).isoformat()),
        ],
        condition=Archive.status == "building",
    )
    return item
