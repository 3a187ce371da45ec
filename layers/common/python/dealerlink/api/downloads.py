"""Downloads (F-4.4): one medium by a signed GET that saves it, or every medium as one zip.

A zip of an intervention's media may hold gigabytes of video, more than an API call may take:
the API records the request and the media function streams the zip into S3; the client
polls the archive until it is ready and then gets a signed URL.
"""

from __future__ import annotations

from typing import Any

from dealerlink.adapters import storage
from dealerlink.adapters.tasks import enqueue_media_task
from dealerlink.api import rights
from dealerlink.api.contract.downloads import ArchiveBody, ArchiveOut, DownloadOut, DownloadQuery
from dealerlink.api.edge import Access, Blueprint, route
from dealerlink.domain.identity import Principal
from dealerlink.domain.media import MediaStatus
from dealerlink.errors import ConflictError
from dealerlink.ids import new_id
from dealerlink.store import archives, interventions
from dealerlink.store import media as store

bp = Blueprint(__name__)
BASE = "/v1/dealerships/{dealership_id}/interventions/{intervention_id}"


@route(
    bp, BASE + "/media/{media_id}/download", "GET", access=Access.STAFF, roles=rights.READ, tags=("media",),
    query=DownloadQuery, response=DownloadOut,
)  # fmt: skip
def download_media(dealership_id: str, intervention_id: str, media_id: str, query: DownloadQuery) -> dict[str, Any]:
    """A URL that saves one medium (``?quality=originals|web``), valid five minutes."""
    from dealerlink.services.media_tasks import download_key

    item = store.get(dealership_id, intervention_id, media_id)
    if item.status != MediaStatus.READY:
        raise ConflictError(f"this medium is {item.status}", code="not_ready")
    key, filename = download_key(item, query.quality)
    return {"url": storage.signed_download(key, filename), "filename": filename, "expires_at": storage.expires_at()}


def _archive_json(item: archives.Archive) -> dict[str, Any]:
    url = None
    if item.status == "ready" and item.key:
        url = storage.signed_download(item.key, f"{item.intervention_id.lower()}-{item.quality}.zip")
    return {**item.to_json(), "url": url}


@route(
    bp, BASE + "/archives", "POST", access=Access.STAFF, roles=rights.READ, status=202, tags=("media",),
    body=ArchiveBody, response=ArchiveOut, examples={"web quality": {"quality": "web"}},
)  # fmt: skip
def request_archive(
    dealership_id: str, intervention_id: str, principal: Principal, body: ArchiveBody
) -> dict[str, Any]:
    """Ask for every ready medium as one zip (``quality``: originals or web); poll it until ready."""
    interventions.get(dealership_id, intervention_id)
    item = archives.create(dealership_id, intervention_id, new_id(), body.quality, principal.subject)
    enqueue_media_task(
        {
            "task": "archive",
            "dealership_id": dealership_id,
            "intervention_id": intervention_id,
            "archive_id": item.archive_id,
        }
    )
    return _archive_json(item)


@route(
    bp, BASE + "/archives/{archive_id}", "GET", access=Access.STAFF, roles=rights.READ, tags=("media",),
    response=ArchiveOut,
)  # fmt: skip
def read_archive(dealership_id: str, intervention_id: str, archive_id: str) -> dict[str, Any]:
    """The archive's state; once ready, a URL that saves it (valid five minutes)."""
    return _archive_json(archives.get(dealership_id, intervention_id, archive_id))
