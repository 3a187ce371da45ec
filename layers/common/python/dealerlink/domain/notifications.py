"""An object S3 announced, as the media pipeline sees it (parsed, not yet trusted):
read from the notification by ``adapters.events.objects_created``."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ObjectCreated:
    bucket: str
    key: str
    size: int
    etag: str
