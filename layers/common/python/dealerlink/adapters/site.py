"""The site bucket behind CloudFront: customer pages, their public media and the shared assets.

Layout: ``p/<token>/index.html`` (the page, never cached), ``p/<token>/m/...`` (copies of the
public media, immutable keys), ``p/assets/<hash>/...`` (CSS/JS named by content). Media are
copied bucket to bucket by S3 itself: no bytes pass through the function.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from botocore.exceptions import ClientError

from dealerlink.adapters.aws import client
from dealerlink.config import settings

if TYPE_CHECKING:
    from mypy_boto3_s3.type_defs import ObjectIdentifierTypeDef

PAGE_CACHE = "no-cache"  # re-rendered on every change: always revalidate
IMMUTABLE = "public, max-age=31536000, immutable"


def _bucket() -> str:
    return settings().site_bucket


def page_prefix(token: str) -> str:
    return f"p/{token}/"


def page_url(token: str) -> str:
    """The customer's link."""
    return f"{settings().site_url.rstrip('/')}/{page_prefix(token)}"


@dataclass(frozen=True)
class Copy:
    """One public media object as the page serves it."""

    source: str  # key in the media bucket
    target: str  # key in the site bucket
    content_type: str
    download_name: str | None = None  # attachments are saved, not shown


def write_page(token: str, html: str) -> None:
    client("s3").put_object(
        Bucket=_bucket(),
        Key=page_prefix(token) + "index.html",
        Body=html.encode(),
        ContentType="text/html; charset=utf-8",
        CacheControl=PAGE_CACHE,
    )


def keys_under(prefix: str) -> set[str]:
    s3 = client("s3")
    keys: set[str] = set()
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=_bucket(), Prefix=prefix):
        keys.update(obj["Key"] for obj in page.get("Contents", []))
    return keys


def sync_media(token: str, copies: list[Copy]) -> tuple[int, int]:
    """Make ``p/<token>/m/`` hold exactly ``copies``: copy what is missing, delete the rest
    (media made private or deleted leave the site). Returns (copied, deleted)."""
    s3 = client("s3")
    present = keys_under(page_prefix(token) + "m/")
    wanted = {c.target: c for c in copies}
    for target in sorted(set(wanted) - present):
        copy = wanted[target]
        extra: dict[str, Any] = {}
        if copy.download_name:
            extra["ContentDisposition"] = f"attachment; filename*=UTF-8''{quote(copy.download_name, safe='')}"
        s3.copy_object(
            Bucket=_bucket(),
            Key=target,
            CopySource={"Bucket": settings().media_bucket, "Key": copy.source},
            MetadataDirective="REPLACE",
            ContentType=copy.content_type,
            CacheControl=IMMUTABLE,
            **extra,
        )
    stale = sorted(present - set(wanted))
    _delete(stale)
    return len(set(wanted) - present), len(stale)


def _delete(keys: list[str]) -> None:
    s3 = client("s3")
    for start in range(0, len(keys), 1000):
        chunk: list[ObjectIdentifierTypeDef] = [{"Key": key} for key in keys[start : start + 1000]]
        s3.delete_objects(Bucket=_bucket(), Delete={"Objects": chunk, "Quiet": True})


def remove_page(token: str) -> int:
    """Take a page and its media off the site (revoked link, deleted intervention)."""
    keys = sorted(keys_under(page_prefix(token)))
    _delete(keys)
    return len(keys)


_uploaded: set[str] = set()  # asset keys this process knows are in the bucket (content-hashed: never stale)


def ensure_assets(files: dict[str, tuple[bytes, str]]) -> None:
    """Upload the shared CSS/JS once: their keys carry their content hash."""
    s3 = client("s3")
    for key, (data, content_type) in files.items():
        if key in _uploaded:
            continue
        try:
            s3.head_object(Bucket=_bucket(), Key=key)
        except ClientError:
            s3.put_object(Bucket=_bucket(), Key=key, Body=data, ContentType=content_type, CacheControl=IMMUTABLE)
        _uploaded.add(key)
