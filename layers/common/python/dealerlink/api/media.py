"""Media routes (F-4.1-F-4.4): signed uploads straight to S3, their completion, editing.

The use cases are in :mod:`dealerlink.services.media`; a view here parses, calls one and
serialises. Every route exists for the back office and for paired phones alike.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from chalice import Response
from pydantic import BaseModel

from dealerlink.api import rights
from dealerlink.api.contract.media import (
    COMPLETE_EXAMPLES,
    EXAMPLES,
    AbortedOut,
    AnnotationBody,
    CompleteBody,
    DeletedOut,
    MediaListOut,
    MediaOut,
    MediaUploadOut,
    OrderBody,
    VersionBody,
    VisibilityBody,
)
from dealerlink.api.edge import Access, Blueprint, json_response, route
from dealerlink.domain.identity import Principal, Role
from dealerlink.domain.media import MediaKind, UploadRequest
from dealerlink.services import media
from dealerlink.store import media as store

bp = Blueprint(__name__)
STAFF = "/v1/dealerships/{dealership_id}/interventions/{intervention_id}/media"
DEVICE = "/v1/device/interventions/{intervention_id}/media"

Handler = Callable[..., Any]


def both(
    suffix: str,
    method: str,
    *,
    status: int = 200,
    roles: tuple[Role, ...] = rights.FILES,
    body: type[BaseModel] | None = None,
    response: Any = None,
    examples: Mapping[str, Any] | None = None,
    replayable: bool = False,
) -> Callable[[Handler], Handler]:
    """Declare ``fn(dealership_id, intervention_id, principal, **path)`` for staff and for phones,
    both with the same body, answer and examples (the view gets ``body=`` when one is declared)."""

    def decorate(fn: Handler) -> Handler:
        def for_staff(dealership_id: str, intervention_id: str, principal: Principal, **path: str) -> Any:
            return fn(dealership_id, intervention_id, principal, **path)

        def for_device(intervention_id: str, principal: Principal, **path: str) -> Any:
            return fn(principal.dealership_id, intervention_id, principal, **path)

        for view, name in ((for_staff, "staff"), (for_device, "device")):
            view.__name__, view.__doc__ = f"{fn.__name__}_{name}", fn.__doc__
        contract: dict[str, Any] = {
            "status": status, "body": body, "response": response, "examples": examples, "replayable": replayable,
        }  # fmt: skip
        route(bp, STAFF + suffix, method, access=Access.STAFF, roles=roles, tags=("media",), **contract)(for_staff)
        route(bp, DEVICE + suffix, method, access=Access.DEVICE, tags=("device",), **contract)(for_device)
        return fn

    return decorate


VERSION_KEYS = ("version", "status", "reason", "created_at", "created_by")  # of PhotoVersionOut


def media_json(item: store.Media) -> dict[str, Any]:
    """A medium as the back office and the app see it (:class:`MediaOut`), with short-lived view
    URLs when ready. Also what an intervention lists as its media."""
    body: dict[str, Any] = {
        "id": item.media_id,
        "intervention_id": item.intervention_id,
        "kind": item.kind,
        "status": item.status,
        "visibility": item.visibility,
        "content_type": item.content_type or item.declared_type,
        "size": item.size or item.declared_size,
        "filename": item.filename,
        "width": item.width,
        "height": item.height,
        "duration_seconds": item.duration_seconds,
        "created_at": item.created_at,
        "created_by": item.created_by,
        "revision": item.revision,
        "reason": {"code": item.reason_code, "message": item.reason} if item.reason_code else None,
        "current_version": None,
        "versions": None,
        "urls": None,
    }
    versions = item.photo_versions if item.kind == MediaKind.PHOTO else None
    if versions is not None:
        body["current_version"] = item.current_version
        body["versions"] = [{key: version.stored().get(key) for key in VERSION_KEYS} for version in versions]
    body["urls"] = media.view_urls(item, versions)
    return body


def _upload_json(upload: media.Upload) -> dict[str, Any]:
    return {"media": media_json(upload.item), "upload": upload.instructions}


@both("", "POST", status=201, body=UploadRequest, response=MediaUploadOut, examples=EXAMPLES, replayable=True)
def create_upload(
    dealership_id: str, intervention_id: str, principal: Principal, body: UploadRequest
) -> dict[str, Any] | Response:
    """Reserve a medium within the quotas and sign its upload (201); a retry with the same client_id answers 200."""
    reserved = media.reserve(dealership_id, intervention_id, body, by=principal.subject)
    if reserved.replayed:  # the medium the first attempt reserved
        return json_response(MediaUploadOut.model_validate(_upload_json(reserved)).model_dump(mode="json"), 200)
    return _upload_json(reserved)


@both("", "GET", roles=rights.READ, response=MediaListOut)
def list_media(dealership_id: str, intervention_id: str, principal: Principal) -> dict[str, Any]:
    """The intervention's media in the customer's order."""
    return {"items": [media_json(m) for m in media.of_intervention(dealership_id, intervention_id)]}


@both("/{media_id}", "GET", roles=rights.READ, response=MediaOut)
def read_media(dealership_id: str, intervention_id: str, principal: Principal, media_id: str) -> dict[str, Any]:
    """One medium, with view URLs once ready."""
    return media_json(media.get(dealership_id, intervention_id, media_id))


@both("/{media_id}/upload", "GET", response=MediaUploadOut)
def upload_status(dealership_id: str, intervention_id: str, principal: Principal, media_id: str) -> dict[str, Any]:
    """Resume an upload: the parts that arrived and fresh URLs for the missing ones (or a fresh form)."""
    return _upload_json(media.resume(dealership_id, intervention_id, media_id))


@both("/{media_id}/complete", "POST", body=CompleteBody, response=MediaOut, examples=COMPLETE_EXAMPLES)
def complete_upload(
    dealership_id: str, intervention_id: str, principal: Principal, media_id: str, body: CompleteBody
) -> dict[str, Any]:
    """Join a video's parts. Only once: a second complete is 409 and changes nothing."""
    parts = [(part.part_number, part.etag) for part in body.parts]
    return media_json(media.complete(dealership_id, intervention_id, media_id, parts))


@both("/{media_id}/upload", "DELETE", response=AbortedOut)
def abort_upload(dealership_id: str, intervention_id: str, principal: Principal, media_id: str) -> dict[str, Any]:
    """Give up an upload: S3 drops the parts, the medium and its quota go."""
    media.abort(dealership_id, intervention_id, media_id)
    return {"id": media_id, "aborted": True}


@both("/{media_id}", "PATCH", body=VisibilityBody, response=MediaOut, examples={"hide": {"visibility": "private"}})
def edit_media(
    dealership_id: str, intervention_id: str, principal: Principal, media_id: str, body: VisibilityBody
) -> dict[str, Any]:
    """Make a medium public or private (F-4.3); private media never reach the customer page."""
    return media_json(media.set_visibility(dealership_id, intervention_id, media_id, body.visibility))


@both("/{media_id}", "DELETE", response=DeletedOut)
def delete_media(dealership_id: str, intervention_id: str, principal: Principal, media_id: str) -> dict[str, Any]:
    """Delete a medium, its renditions and outputs; its quota is given back."""
    media.delete(dealership_id, intervention_id, media_id)
    return {"id": media_id, "deleted": True}


@route(
    bp, STAFF, "PUT", access=Access.STAFF, roles=rights.FILES, tags=("media",), body=OrderBody, response=MediaListOut,
)  # fmt: skip
def reorder_media(dealership_id: str, intervention_id: str, body: OrderBody) -> dict[str, Any]:
    """Set the order the customer sees the media in: ``order`` lists every medium id once."""
    return {"items": [media_json(m) for m in media.reorder(dealership_id, intervention_id, body.order)]}


ANNOTATION_EXAMPLES = {
    "circle a scratch": {"shapes": [{"type": "circle", "cx": 0.62, "cy": 0.41, "r": 0.08, "color": "#FF3B30"}]}
}


@both(
    "/{media_id}/annotations", "POST", status=202, body=AnnotationBody, response=MediaOut, examples=ANNOTATION_EXAMPLES
)
def annotate_photo(
    dealership_id: str, intervention_id: str, principal: Principal, media_id: str, body: AnnotationBody
) -> dict[str, Any]:
    """Draw shapes on a photo (F-4.3): a new version is rendered from the original, which stays."""
    return media_json(media.annotate(dealership_id, intervention_id, media_id, body.shapes, by=principal.subject))


@both("/{media_id}/version", "PUT", body=VersionBody, response=MediaOut, examples={"undo": {"version": 1}})
def choose_version(
    dealership_id: str, intervention_id: str, principal: Principal, media_id: str, body: VersionBody
) -> dict[str, Any]:
    """Undo or redo: show any ready version of a photo, the original (version 1) included."""
    return media_json(media.choose_version(dealership_id, intervention_id, media_id, body.version))
