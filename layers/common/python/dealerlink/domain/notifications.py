"""S3 event notifications as the media pipeline sees them (parsed, not yet trusted)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_plus


@dataclass(frozen=True)
class ObjectCreated:
    bucket: str
    key: str
    size: int
    etag: str


def objects_created(notification: dict[str, Any]) -> list[ObjectCreated]:
    """The objects an S3 notification announces; ``s3:TestEvent`` announces none.

    S3 sends keys ``quote_plus``-encoded; they are decoded here, once.
    """
    created = []
    for record in notification.get("Records", []):
        if not str(record.get("eventName", "")).startswith("ObjectCreated"):
            continue
        s3 = record["s3"]
        obj = s3["object"]
        created.append(
            ObjectCreated(
                bucket=s3["bucket"]["name"],
                key=unquote_plus(obj["key"]),
                size=int(obj.get("size", 0)),
                etag=str(obj.get("eTag", "")),
            )
        )
    return created
