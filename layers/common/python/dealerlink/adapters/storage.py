"""The media bucket: signed uploads and downloads, multipart bookkeeping, reads and writes.

Bytes never pass through the API: it signs, the phone or browser talks to S3. Every URL
expires within five minutes; a client that needs more time asks for fresh ones.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from botocore.exceptions import ClientError

from dealerlink.adapters.aws import client
from dealerlink.config import settings

if TYPE_CHECKING:
    from mypy_boto3_s3.type_defs import ObjectIdentifierTypeDef

SIGNED_SECONDS = 300
PART_SIZE = 8 * 1024 * 1024  # S3's minimum is 5 MiB for every part but the last


def _bucket() -> str:
    return settings().media_bucket


def expires_at(seconds: int = SIGNED_SECONDS) -> str:
    return (datetime.now(UTC) + timedelta(seconds=seconds)).isoformat()


def signed_post(key: str, content_type: str, max_bytes: int) -> dict[str, Any]:
    """A browser form upload of exactly ``key``, this content type and at most ``max_bytes``."""
    post: dict[str, Any] = client("s3").generate_presigned_post(
        Bucket=_bucket(),
        Key=key,
        Fields={"Content-Type": content_type},
        Conditions=[{"key": key}, {"Content-Type": content_type}, ["content-length-range", 1, max_bytes]],
        ExpiresIn=SIGNED_SECONDS,
    )
    return {"method": "POST", "url": post["url"], "fields": post["fields"], "expires_at": expires_at()}


def start_multipart(key: str, content_type: str) -> str:
    response = client("s3").create_multipart_upload(Bucket=_bucket(), Key=key, ContentType=content_type)
    return str(response["UploadId"])


def part_urls(key: str, upload_id: str, part_numbers: list[int]) -> list[dict[str, Any]]:
    s3 = client("s3")
    return [
        {
            "part_number": number,
            "url": s3.generate_presigned_url(
                "upload_part",
                Params={"Bucket": _bucket(), "Key": key, "UploadId": upload_id, "PartNumber": number},
                ExpiresIn=SIGNED_SECONDS,
            ),
        }
        for number in part_numbers
    ]


@dataclass(frozen=True)
class Part:
    part_number: int
    size: int
    etag: str


class NoSuchUploadError(Exception):
    """The multipart upload was completed or aborted already."""


def _no_such_upload(error: ClientError) -> bool:
    return error.response.get("Error", {}).get("Code") in ("NoSuchUpload", "404")


def arrived_parts(key: str, upload_id: str) -> list[Part]:
    """The parts S3 holds for an open multipart upload (what a resuming client may skip); S3
    answers at most 1,000 parts a page, boto3's paginator follows the markers."""
    pages = client("s3").get_paginator("list_parts").paginate(Bucket=_bucket(), Key=key, UploadId=upload_id)
    try:
        return [Part(p["PartNumber"], p["Size"], p["ETag"]) for page in pages for p in page.get("Parts", [])]
    except ClientError as error:
        if _no_such_upload(error):
            raise NoSuchUploadError(upload_id) from error
        raise


class PartsRefusedError(Exception):
    """S3 would not join the parts (``code`` is S3's: ``InvalidPart``, ``InvalidPartOrder``…);
    the upload stays open, so the parts can be listed again."""

    def __init__(self, upload_id: str, code: str) -> None:
        super().__init__(f"S3 refused the parts of {upload_id}: {code}")
        self.code = code


def complete_multipart(key: str, upload_id: str, parts: list[tuple[int, str]]) -> None:
    """Join the parts: NoSuchUploadError once completed or aborted, PartsRefusedError when S3
    refuses them (unknown parts or ETags, parts too small)."""
    try:
        client("s3").complete_multipart_upload(
            Bucket=_bucket(),
            Key=key,
            UploadId=upload_id,
            MultipartUpload={"Parts": [{"PartNumber": n, "ETag": etag} for n, etag in parts]},
        )
    except ClientError as error:
        if _no_such_upload(error):
            raise NoSuchUploadError(upload_id) from error
        raise PartsRefusedError(upload_id, str(error.response.get("Error", {}).get("Code", ""))) from error


def abort_multipart(key: str, upload_id: str) -> None:
    try:
        client("s3").abort_multipart_upload(Bucket=_bucket(), Key=key, UploadId=upload_id)
    except ClientError as error:
        if not _no_such_upload(error):
            raise


@dataclass(frozen=True)
class Head:
    size: int
    etag: str
    content_type: str | None


def head(key: str) -> Head | None:
    try:
        found = client("s3").head_object(Bucket=_bucket(), Key=key)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            return None
        raise
    return Head(int(found["ContentLength"]), str(found.get("ETag", "")), found.get("ContentType"))


def read_range(key: str, offset: int, length: int) -> bytes:
    """``length`` bytes from ``offset`` (fewer at the end of the object)."""
    if length <= 0:
        return b""
    response = client("s3").get_object(Bucket=_bucket(), Key=key, Range=f"bytes={offset}-{offset + length - 1}")
    data: bytes = response["Body"].read()
    return data


class MissingObjectError(Exception):
    """The object is not (or no longer) in the bucket."""


class ChangedError(Exception):
    """The object is no longer the one that was looked at: its ETag changed."""


def copy(source: str, target: str, *, if_match: str) -> None:
    """Copy ``source`` to ``target`` inside the bucket, only if ``source`` still has ETag ``if_match``.

    One request, server-side (objects up to 5 GB): ChangedError when the object was replaced
    since it was looked at, MissingObjectError when it is gone.
    """
    bucket = _bucket()
    try:
        client("s3").copy_object(
            Bucket=bucket, Key=target, CopySource={"Bucket": bucket, "Key": source}, CopySourceIfMatch=if_match
        )
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code")
        if code in ("PreconditionFailed", "412"):
            raise ChangedError(source) from error
        if code in ("404", "NoSuchKey", "NotFound"):
            raise MissingObjectError(source) from error
        raise


def read(key: str) -> bytes:
    """The whole object; MissingObjectError when there is none at ``key``."""
    try:
        data: bytes = client("s3").get_object(Bucket=_bucket(), Key=key)["Body"].read()
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            raise MissingObjectError(key) from error
        raise
    return data


def stream(key: str, chunk_size: int = 1024 * 1024) -> Iterator[bytes]:
    """An object's bytes in chunks, never all of it in memory."""
    body = client("s3").get_object(Bucket=_bucket(), Key=key)["Body"]
    try:
        yield from body.iter_chunks(chunk_size)
    finally:
        body.close()


def write(key: str, data: bytes, content_type: str) -> None:
    client("s3").put_object(Bucket=_bucket(), Key=key, Body=data, ContentType=content_type)


def delete_prefix(prefix: str) -> int:
    """Delete every object under ``prefix``; returns how many went."""
    s3 = client("s3")
    deleted = 0
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=_bucket(), Prefix=prefix):
        keys: list[ObjectIdentifierTypeDef] = [{"Key": obj["Key"]} for obj in page.get("Contents", [])]
        if keys:
            s3.delete_objects(Bucket=_bucket(), Delete={"Objects": keys, "Quiet": True})
            deleted += len(keys)
    return deleted


def list_keys(prefix: str) -> list[str]:
    s3 = client("s3")
    keys: list[str] = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=_bucket(), Prefix=prefix):
        keys += [obj["Key"] for obj in page.get("Contents", [])]
    return keys


def delete(key: str) -> None:
    client("s3").delete_object(Bucket=_bucket(), Key=key)


def signed_download(key: str, filename: str, seconds: int = SIGNED_SECONDS) -> str:
    """A GET URL that makes the browser save the file under ``filename``."""
    disposition = f"attachment; filename*=UTF-8''{quote(filename, safe='')}"
    url: str = client("s3").generate_presigned_url(
        "get_object",
        Params={"Bucket": _bucket(), "Key": key, "ResponseContentDisposition": disposition},
        ExpiresIn=seconds,
    )
    return url


def origin() -> str:
    """The scheme://host[:port] signed URLs point at (a preview's CSP allows it)."""
    parts = urlsplit(signed_view("origin"))
    return f"{parts.scheme}://{parts.netloc}"


def signed_view(key: str, seconds: int = SIGNED_SECONDS) -> str:
    """A GET URL to show an object in the back office (renditions, posters)."""
    url: str = client("s3").generate_presigned_url(
        "get_object", Params={"Bucket": _bucket(), "Key": key}, ExpiresIn=seconds
    )
    return url


class MultipartSink:
    """A write-only file that streams into one S3 object by multipart upload.

    ``zipfile`` writes an archive into it without seeking (it then adds data descriptors), so a
    zip of gigabytes is built with one part in memory at a time.
    """

    def __init__(self, key: str, content_type: str, part_size: int = PART_SIZE) -> None:
        self.key = key
        self.part_size = part_size
        self.upload_id = start_multipart(key, content_type)
        self.parts: list[tuple[int, str]] = []
        self.buffer = bytearray()
        self.position = 0

    def write(self, data: bytes) -> int:
        self.buffer += data
        self.position += len(data)
        while len(self.buffer) >= self.part_size:
            self._send(bytes(self.buffer[: self.part_size]))
            del self.buffer[: self.part_size]
        return len(data)

    def tell(self) -> int:
        return self.position

    def seekable(self) -> bool:
        return False

    def seek(self, *_: object) -> int:
        raise OSError("a multipart upload cannot seek")

    def flush(self) -> None:
        return

    def _send(self, data: bytes) -> None:
        number = len(self.parts) + 1
        response = client("s3").upload_part(
            Bucket=_bucket(), Key=self.key, UploadId=self.upload_id, PartNumber=number, Body=data
        )
        self.parts.append((number, str(response["ETag"])))

    def close(self) -> None:
        """``zipfile`` closes what it wrote into; the upload ends with :meth:`finish` or :meth:`abort`."""

    def finish(self) -> int:
        """Send what is left and join the parts; returns the object's size."""
        if self.buffer or not self.parts:
            self._send(bytes(self.buffer))
            self.buffer.clear()
        complete_multipart(self.key, self.upload_id, self.parts)
        return self.position

    def abort(self) -> None:
        abort_multipart(self.key, self.upload_id)
