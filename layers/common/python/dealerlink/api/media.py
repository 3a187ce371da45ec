"""Media (F-4.1-F-4.4): signed uploads straight to S3, their completion, editing and downloads.

The API never sees the bytes. It reserves a medium against the intervention's quotas and
signs an upload for exactly its key: a form POST for photos and attachments, a multipart
upload with signed part URLs for videos (resumable: the client can ask which parts arrived
and get fresh URLs for the rest). The media function takes it from there when S3 says the
object arrived. Every route exists for the back office and for paired phones alike.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from chalice import Response
from pydantic import BaseModel

from dealerlink.adapters import storage
from dealerlink.adapters.tasks import enqueue_media_task
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
from dealerlink.api.edge import Access, Blueprint, json_response, per_request, route
from dealerlink.domain.dealerships import DealershipSettings
from dealerlink.domain.identity import Principal, Role
from dealerlink.domain.interventions import check_editable
from dealerlink.domain.media import (
    MediaKind,
    MediaStatus,
    UploadRequest,
    check_upload,
    part_count,
    safe_filename,
)
from dealerlink.errors import ConflictError, ValidationError
from dealerlink.ids import check_client_id, new_id
from dealerlink.store import interventions
from dealerlink.store import media as store
from dealerlink.store.dealerships import get_dealership

bp = Blueprint(__name__)
STAFF = "/v1/dealerships/{dealership_id}/interventions/{intervention_id}/media"
DEVICE = "/v1/device/interventions/{intervention_id}/media"
URLS_PER_ANSWER = 100  # part URLs handed out at once; the client asks for more as it goes

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
        contract: dict[str, Any] = {"status": status, "body": body, "response": response, "examples": examples}
        route(bp, STAFF + suffix, method, access=Access.STAFF, roles=roles, tags=("media",), **contract)(for_staff)
        route(bp, DEVICE + suffix, method, access=Access.DEVICE, tags=("device",), **contract)(for_device)
        return fn

    return decorate


def _settings(dealership_id: str) -> DealershipSettings:
    return per_request(f"settings#{dealership_id}", lambda: get_dealership(dealership_id).settings)


def _editable(dealership_id: str, intervention_id: str) -> None:
    """Media change with their intervention: only while it waits to be sent (F-3.2)."""
    check_editable(interventions.get(dealership_id, intervention_id).status)


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
    if item.kind == MediaKind.PHOTO:
        versions = item.version_list
        body["current_version"] = item.current_version
        body["versions"] = [
            {k: version.get(k) for k in ("version", "status", "reason", "created_at", "created_by")}
            for version in versions
        ]
        current = next((v for v in versions if v["version"] == item.current_version), None)
        if current and current.get("status") == MediaStatus.READY:
            body["urls"] = {
                r["name"]: storage.signed_view(item.ref.rendition_key(int(item.current_version), r["name"]))
                for r in current.get("renditions", [])
            }
    elif item.kind == MediaKind.VIDEO and item.status == MediaStatus.READY:
        outputs = item.output_keys
        body["urls"] = {name: storage.signed_view(outputs[name]) for name in ("mp4", "poster") if name in outputs}
    return body


def _upload_instructions(item: store.Media) -> dict[str, Any]:
    """How to send the bytes now: a form POST, or the parts still missing of a multipart upload."""
    key = item.ref.original_key
    if item.kind != MediaKind.VIDEO:
        return storage.signed_post(key, item.declared_type, int(item.declared_size))
    assert item.upload_id is not None
    total = part_count(int(item.declared_size), storage.PART_SIZE)
    try:
        arrived = storage.arrived_parts(key, item.upload_id)
    except storage.NoSuchUploadError:
        raise ConflictError("this upload was completed or aborted", code="not_uploading") from None
    have = {p.part_number for p in arrived}
    missing = [n for n in range(1, total + 1) if n not in have]
    return {
        "method": "multipart",
        "upload_id": item.upload_id,
        "part_size": storage.PART_SIZE,
        "part_count": total,
        "parts_arrived": [{"part_number": p.part_number, "size": p.size, "etag": p.etag} for p in arrived],
        "parts": storage.part_urls(key, item.upload_id, missing[:URLS_PER_ANSWER]),
        "parts_missing": len(missing),
        "expires_at": storage.expires_at(),
    }


@both("", "POST", status=201, body=UploadRequest, response=MediaUploadOut, examples=EXAMPLES)
def create_upload(
    dealership_id: str, intervention_id: str, principal: Principal, body: UploadRequest
) -> dict[str, Any] | Response:
    """Reserve a medium within the quotas and sign its upload (201); a retry with the same client_id answers 200."""
    request = body
    check_client_id(request.client_id)
    limits = _settings(dealership_id).media.limits()
    check_upload(request, limits)
    _editable(dealership_id, intervention_id)
    if request.kind == MediaKind.VIDEO:
        part_count(request.size, storage.PART_SIZE)
    media_id = request.client_id.upper() if request.client_id else new_id()
    item = store.Media(
        media_id=media_id,
        intervention_id=intervention_id,
        dealership_id=dealership_id,
        kind=request.kind.value,
        visibility=request.visibility.value,
        declared_type=request.content_type,
        declared_size=request.size,
        declared_seconds=request.duration_seconds,
        filename=safe_filename(request.filename, media_id, request.content_type) if request.filename else None,
        client_id=request.client_id,
        created_by=principal.subject,
    )
    if request.kind == MediaKind.VIDEO:
        item.upload_id = storage.start_multipart(item.ref.original_key, request.content_type)
    try:
        created = store.reserve(item, limits)
    except store.AlreadyReservedError as retried:
        if item.upload_id:
            storage.abort_multipart(item.ref.original_key, item.upload_id)
        answer = MediaUploadOut.model_validate(_with_upload(retried.media)).model_dump(mode="json")
        return json_response(answer, 200)  # the medium the first attempt reserved
    except Exception:
        if item.upload_id:  # nothing half-made: no multipart upload left open without its medium
            storage.abort_multipart(item.ref.original_key, item.upload_id)
        raise
    return _with_upload(created)


def _with_upload(item: store.Media) -> dict[str, Any]:
    upload = _upload_instructions(item) if item.status == MediaStatus.UPLOADING and not item.completing else None
    return {"media": media_json(item), "upload": upload}


@both("", "GET", roles=rights.READ, response=MediaListOut)
def list_media(dealership_id: str, intervention_id: str, principal: Principal) -> dict[str, Any]:
    """The intervention's media in the customer's order."""
    interventions.get(dealership_id, intervention_id)
    return {"items": [media_json(m) for m in store.of_intervention(dealership_id, intervention_id)]}


@both("/{media_id}", "GET", roles=rights.READ, response=MediaOut)
def read_media(dealership_id: str, intervention_id: str, principal: Principal, media_id: str) -> dict[str, Any]:
    """One medium, with view URLs once ready."""
    return media_json(store.get(dealership_id, intervention_id, media_id))


@both("/{media_id}/upload", "GET", response=MediaUploadOut)
def upload_status(dealership_id: str, intervention_id: str, principal: Principal, media_id: str) -> dict[str, Any]:
    """Resume an upload: the parts that arrived and fresh URLs for the missing ones (or a fresh form)."""
    item = store.get(dealership_id, intervention_id, media_id)
    if item.status != MediaStatus.UPLOADING or item.completing:
        raise ConflictError(f"this medium is {item.status}: nothing left to upload", code="not_uploading")
    return {"media": media_json(item), "upload": _upload_instructions(item)}


@both("/{media_id}/complete", "POST", body=CompleteBody, response=MediaOut, examples=COMPLETE_EXAMPLES)
def complete_upload(
    dealership_id: str, intervention_id: str, principal: Principal, media_id: str, body: CompleteBody
) -> dict[str, Any]:
    """Join a video's parts. Only once: a second complete is 409 and changes nothing."""
    parts = [(part.part_number, part.etag) for part in body.parts]
    item = store.get(dealership_id, intervention_id, media_id)
    if item.kind != MediaKind.VIDEO:
        raise ValidationError("only videos are sent in parts", field="media_id", code="not_multipart")
    done = ConflictError("this upload was completed already", code="already_completed")
    if item.status != MediaStatus.UPLOADING or item.completing or not item.upload_id:
        raise done
    upload_id = item.upload_id
    try:
        store.change(
            item,
            [store.Media.completing.set(upload_id)],
            store.Media.completing.does_not_exist() & (store.Media.upload_id == upload_id),
        )
    except ConflictError:
        raise done from None
    try:
        storage.complete_multipart(item.ref.original_key, upload_id, parts)
    except storage.NoSuchUploadError:
        raise done from None
    except storage.PartsRefusedError as refused:
        store.change(item, [store.Media.completing.remove()])  # let the client fix its list and retry
        raise ValidationError(f"S3 refused the parts: {refused.code}", field="parts", code="invalid_parts") from None
    return media_json(item)


@both("/{media_id}/upload", "DELETE", response=AbortedOut)
def abort_upload(dealership_id: str, intervention_id: str, principal: Principal, media_id: str) -> dict[str, Any]:
    """Give up an upload: S3 drops the parts, the medium and its quota go."""
    item = store.get(dealership_id, intervention_id, media_id)
    if item.status != MediaStatus.UPLOADING or item.completing:
        raise ConflictError(f"this medium is {item.status}: delete it instead", code="not_uploading")
    if item.upload_id:
        storage.abort_multipart(item.ref.original_key, item.upload_id)
    store.delete(item)
    return {"id": media_id, "aborted": True}


@both("/{media_id}", "PATCH", body=VisibilityBody, response=MediaOut, examples={"hide": {"visibility": "private"}})
def edit_media(
    dealership_id: str, intervention_id: str, principal: Principal, media_id: str, body: VisibilityBody
) -> dict[str, Any]:
    """Make a medium public or private (F-4.3); private media never reach the customer page."""
    _editable(dealership_id, intervention_id)
    item = store.get(dealership_id, intervention_id, media_id)
    return media_json(store.change(item, [store.Media.visibility.set(body.visibility.value)]))


@both("/{media_id}", "DELETE", response=DeletedOut)
def delete_media(dealership_id: str, intervention_id: str, principal: Principal, media_id: str) -> dict[str, Any]:
    """Delete a medium, its renditions and outputs; its quota is given back."""
    _editable(dealership_id, intervention_id)
    item = store.get(dealership_id, intervention_id, media_id)
    if item.upload_id and not item.completing:
        storage.abort_multipart(item.ref.original_key, item.upload_id)
    storage.delete_prefix(item.ref.prefix)
    store.delete(item)
    return {"id": media_id, "deleted": True}


@route(
    bp, STAFF, "PUT", access=Access.STAFF, roles=rights.FILES, tags=("media",), body=OrderBody, response=MediaListOut,
)  # fmt: skip
def reorder_media(dealership_id: str, intervention_id: str, body: OrderBody) -> dict[str, Any]:
    """Set the order the customer sees the media in: ``order`` lists every medium id once."""
    _editable(dealership_id, intervention_id)
    current = {m.media_id for m in store.of_intervention(dealership_id, intervention_id)}
    if sorted(body.order) != sorted(current):
        raise ValidationError("order must list every medium of the intervention once", field="order")
    store.set_order(dealership_id, intervention_id, body.order)
    return {"items": [media_json(m) for m in store.of_intervention(dealership_id, intervention_id)]}


MAX_VERSIONS = 30


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
    shapes = body.shapes
    _editable(dealership_id, intervention_id)
    item = store.get(dealership_id, intervention_id, media_id)
    if item.kind != MediaKind.PHOTO:
        raise ValidationError("only photos are annotated", field="media_id", code="not_a_photo")
    versions = item.version_list
    if item.status != MediaStatus.READY or any(v["status"] == MediaStatus.PROCESSING for v in versions):
        raise ConflictError("this photo is still being processed; retry in a moment", code="not_ready")
    if len(versions) >= MAX_VERSIONS:
        raise ConflictError(f"a photo keeps at most {MAX_VERSIONS} versions", code="too_many_versions")
    base = next(v for v in versions if v["version"] == item.current_version)
    number = max(v["version"] for v in versions) + 1
    added = [shape.model_dump(mode="json") for shape in shapes]
    version = {
        "version": number,
        "base": base["version"],
        "shapes": [*base.get("shapes", []), *added],
        "status": MediaStatus.PROCESSING.value,
        "created_at": storage.expires_at(0),
        "created_by": principal.subject,
    }
    store.change(item, [store.Media.versions.set(json.dumps([*versions, version]))])
    try:
        enqueue_media_task({"task": "annotate", **_ids(item), "version": number})
    except Exception:
        store.change(item, [store.Media.versions.set(json.dumps(versions))])  # nothing left half-made
        raise
    return media_json(item)


def _ids(item: store.Media) -> dict[str, str]:
    return {"dealership_id": item.dealership_id, "intervention_id": item.intervention_id, "media_id": item.media_id}


@both("/{media_id}/version", "PUT", body=VersionBody, response=MediaOut, examples={"undo": {"version": 1}})
def choose_version(
    dealership_id: str, intervention_id: str, principal: Principal, media_id: str, body: VersionBody
) -> dict[str, Any]:
    """Undo or redo: show any ready version of a photo, the original (version 1) included."""
    wanted = body.version
    _editable(dealership_id, intervention_id)
    item = store.get(dealership_id, intervention_id, media_id)
    found = next((v for v in item.version_list if v["version"] == wanted), None)
    if found is None:
        raise ValidationError(f"this photo has no version {wanted}", field="version")
    if found["status"] == MediaStatus.FAILED:
        reason = (found.get("reason") or {}).get("message", "it could not be made")
        raise ConflictError(f"version {wanted} failed: {reason}", field="version", code="version_failed")
    if found["status"] != MediaStatus.READY:
        raise ConflictError(f"version {wanted} is {found['status']}", field="version", code="not_ready")
    return media_json(store.change(item, [store.Media.current_version.set(wanted)]))
