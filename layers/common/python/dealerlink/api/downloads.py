"""Downloads (F-4.4): one medium by a signed GET that saves it, or every medium as one zip.

A zip of an intervention's media may hold gigabytes of video, more than an API call may take:
the API records the request and the media function streams the zip into S3; the client
polls the archive until it is ready and then gets a signed URL.
"""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Response

from dealerlink.adapters import storage
from dealerlink.adapters.tasks import enqueue_media_task
from dealerlink.api.edge import Access, json_response, read_json, route
from dealerlink.domain.identity import READERS, Principal
from dealerlink.domain.media import MediaStatus
from dealerlink.errors import ConflictError, ValidationError
from dealerlink.ids import new_id
from dealerlink.store import archives, interventions
from dealerlink.store import media as store

bp = Blueprint(__name__)
BASE = "/v1/dealerships/{dealership_id}/interventions/{intervention_id}"
QUALITIES = ("originals", "web")


def _quality(value: object) -> str:
    if value not in QUALITIES:
        raise ValidationError(f"quality is one of {', '.join(QUALITIES)}", field="quality")
    return str(value)


@route(bp, BASE + "/media/{media_id}/download", "GET", access=Access.STAFF, roles=READERS, tags=("media",))
def download_media(dealership_id: str, intervention_id: str, media_id: str) -> dict[str, Any]:
    """A URL that saves one medium (``?quality=originals|web``), valid five minutes."""
    from dealerlink.services.media_tasks import download_key

    query: Any = bp.current_request.query_params or {}
    quality = _quality(query.get("quality", "originals"))
    item = store.get(dealership_id, intervention_id, media_id)
    if item.status != MediaStatus.READY:
        raise ConflictError(f"this medium is {item.status}", code="not_ready")
    key, filename = download_key(item, quality)
    return {"url": storage.signed_download(key, filename), "filename": filename, "expires_at": storage.expires_at()}


@route(bp, BASE + "/archives", "POST", access=Access.STAFF, roles=READERS, status=202, tags=("media",))
def request_archive(dealership_id: str, intervention_id: str, principal: Principal) -> Response:
    """Ask for every ready medium as one zip (``quality``: originals or web); poll it until ready."""
    quality = _quality(read_json(bp.current_request).get("quality", "originals"))
    interventions.get(dealership_id, intervention_id)
    item = archives.create(dealership_id, intervention_id, new_id(), quality, principal.subject)
    enqueue_media_task(
        {
            "task": "archive",
            "dealership_id": dealership_id,
            "intervention_id": intervention_id,
            "archive_id": item.archive_id,
        }
    )
    return json_response(item.to_json(), 202)


@route(bp, BASE + "/archives/{archive_id}", "GET", access=Access.STAFF, roles=READERS, tags=("media",))
def read_archive(dealership_id: str, intervention_id: str, archive_id: str) -> dict[str, Any]:
    """The archive's state; once ready, a URL that saves it (valid five minutes)."""
    item = archives.get(dealership_id, intervention_id, archive_id)
    body = item.to_json()
    if item.status == "ready" and item.key:
        body["url"] = storage.signed_download(item.key, f"{intervention_id.lower()}-{item.quality}.zip")
    return body
