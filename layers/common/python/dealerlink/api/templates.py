"""Page templates (F-9.5) and predefined messages (F-9.4), edited by the dealer manager.

Templates: ``/templates/{template_key}`` with ``template_key = brand.module.language``. A
``?scope=group`` on the same routes edits the template of the dealership's group, for all its
dealerships (group managers only); reading answers the template the customer would get (the
dealership's own, else the group's). Preview renders a sample page with the parts sent, without
saving; then PUT saves them. Images are uploaded by a signed form POST, like photos.
"""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Response

from dealerlink.adapters import storage
from dealerlink.api.edge import Access, html_response, json_response, per_request, read_json, route
from dealerlink.api.paging import whole_list
from dealerlink.domain.dealerships import DealershipSettings
from dealerlink.domain.identity import CONFIGURATION, READERS, Principal, Role
from dealerlink.domain.templates import (
    IMAGE_TYPES,
    MAX_IMAGE_BYTES,
    PredefinedMessage,
    Scope,
    Slot,
    TemplateParts,
    message_text,
    parse_template_key,
)
from dealerlink.domain.validation import parse
from dealerlink.errors import ConflictError, ForbiddenError, NotFoundError, ValidationError
from dealerlink.ids import new_id
from dealerlink.pages.headers import PAGE_HEADERS
from dealerlink.store import templates as store
from dealerlink.store.dealerships import get_dealership

bp = Blueprint(__name__)
TEMPLATES = "/v1/dealerships/{dealership_id}/templates"
TEMPLATE = TEMPLATES + "/{template_key}"
MESSAGES = "/v1/dealerships/{dealership_id}/messages"
MESSAGE = MESSAGES + "/{message_id}"
EDITORS = (Role.DEALER_MANAGER, Role.GROUP_MANAGER)


def _dealership(dealership_id: str) -> Any:
    return per_request(f"dealership#{dealership_id}", lambda: get_dealership(dealership_id))


def _settings(dealership_id: str) -> DealershipSettings:
    settings: DealershipSettings = _dealership(dealership_id).settings
    return settings


def _owner(dealership_id: str, principal: Principal, *, editing: bool) -> tuple[Scope, str]:
    """Whose template the request is about: the dealership's, or with ?scope=group its group's."""
    query: Any = bp.current_request.query_params or {}
    scope = query.get("scope", Scope.DEALERSHIP.value)
    if scope == Scope.DEALERSHIP.value:
        if editing and Role.DEALER_MANAGER not in principal.roles:
            raise ForbiddenError("a dealership's templates are edited by its dealer managers", code="not_allowed")
        return Scope.DEALERSHIP, dealership_id
    if scope != Scope.GROUP.value:
        raise ValidationError("scope is dealership or group", field="scope")
    group_id = _dealership(dealership_id).group_id
    if group_id is None:
        raise ValidationError("this dealership belongs to no group", field="scope", code="no_group")
    if editing and Role.GROUP_MANAGER not in principal.roles:
        raise ForbiddenError("group templates are edited by group managers", field="scope", code="not_allowed")
    return Scope.GROUP, str(group_id)


def _key(dealership_id: str, template_key: str) -> str:
    parse_template_key(template_key, {b.code for b in _settings(dealership_id).brands})
    return template_key


def effective_template(dealership_id: str, template_key: str) -> store.PageTemplateItem | None:
    """The template the customer gets: the dealership's own, else its group's."""
    own = store.find_template(Scope.DEALERSHIP, dealership_id, template_key)
    if own is not None:
        return own
    group_id = get_dealership(dealership_id).group_id
    return store.find_template(Scope.GROUP, group_id, template_key) if group_id else None


@route(bp, TEMPLATES, "GET", access=Access.STAFF, roles=READERS, tags=("templates",))
def list_templates(dealership_id: str) -> dict[str, Any]:
    """The dealership's templates, then its group's."""
    whole_list(bp.current_request)
    found = [t.to_json() for t in store.templates_of(Scope.DEALERSHIP, dealership_id)]
    group_id = _dealership(dealership_id).group_id
    if group_id:
        found += [t.to_json() for t in store.templates_of(Scope.GROUP, group_id)]
    return {"items": found, "next_cursor": None}


@route(bp, TEMPLATE, "GET", access=Access.STAFF, roles=READERS, tags=("templates",))
def read_template(dealership_id: str, template_key: str, principal: Principal) -> dict[str, Any]:
    """One template (``?scope=group`` for the group's; else the one the customer would get)."""
    key = _key(dealership_id, template_key)
    query: Any = bp.current_request.query_params or {}
    if "scope" in query:
        scope, owner = _owner(dealership_id, principal, editing=False)
        found = store.find_template(scope, owner, key)
    else:
        found = effective_template(dealership_id, key)
    if found is None:
        raise NotFoundError("no such template", field="template_key")
    return found.to_json()


@route(bp, TEMPLATE, "PUT", access=Access.STAFF, roles=EDITORS, tags=("templates",))
def save_template(dealership_id: str, template_key: str, principal: Principal) -> dict[str, Any]:
    """Save the parts (``version`` of the template edited; none for a new one)."""
    key = _key(dealership_id, template_key)
    scope, owner = _owner(dealership_id, principal, editing=True)
    body = read_json(bp.current_request)
    version = body.pop("version", None)
    if version is not None and (not isinstance(version, int) or isinstance(version, bool)):
        raise ValidationError("version is the number the template was read with", field="version")
    parts = parse(TemplateParts, body)
    return store.save_template(scope, owner, key, parts, principal.subject, version).to_json()


@route(bp, TEMPLATE, "DELETE", access=Access.STAFF, roles=EDITORS, tags=("templates",))
def delete_template(dealership_id: str, template_key: str, principal: Principal) -> dict[str, Any]:
    """Remove a template and its images: the group's (or the default page) shows again."""
    key = _key(dealership_id, template_key)
    scope, owner = _owner(dealership_id, principal, editing=True)
    store.delete_template(scope, owner, key)
    storage.delete_prefix(f"templates/{scope.value}/{owner}/{key}/")
    return {"template_key": key, "deleted": True}


@route(bp, TEMPLATE + "/images", "POST", access=Access.STAFF, roles=EDITORS, status=201, tags=("templates",))
def upload_template_image(dealership_id: str, template_key: str, principal: Principal) -> Response:
    """Sign the upload of the banner or promotional image (``slot``, ``content_type``, ``size``)."""
    from dealerlink.services.template_images import image_prefix

    key = _key(dealership_id, template_key)
    scope, owner = _owner(dealership_id, principal, editing=True)
    body = read_json(bp.current_request)
    try:
        slot = Slot(str(body.get("slot")))
    except ValueError:
        raise ValidationError("slot is banner or promo", field="slot") from None
    content_type = body.get("content_type")
    if content_type not in IMAGE_TYPES:
        raise ValidationError(f"content_type is one of {', '.join(IMAGE_TYPES)}", field="content_type")
    size = body.get("size")
    if not isinstance(size, int) or isinstance(size, bool) or not 1 <= size <= MAX_IMAGE_BYTES:
        raise ValidationError(f"size is 1 to {MAX_IMAGE_BYTES} bytes", field="size")
    item = store.find_template(scope, owner, key)
    if item is None:
        raise ConflictError("save the template before adding images", field="template_key", code="no_template")
    image_id = new_id()
    previous = item.image_map.get(slot.value)
    store.set_image(item, slot.value, {"image_id": image_id, "status": "uploading"})
    if previous:
        storage.delete_prefix(image_prefix(scope, owner, key, slot.value, previous["image_id"]))
    upload = storage.signed_post(image_prefix(scope, owner, key, slot.value, image_id) + "original", content_type, size)
    return json_response({"template": item.to_json(), "upload": upload}, 201)


@route(bp, TEMPLATE + "/preview", "POST", access=Access.STAFF, roles=READERS, tags=("templates",))
def preview_template(dealership_id: str, template_key: str, principal: Principal) -> Response:
    """A sample customer page with the parts sent (and the saved images), nothing saved."""
    from dealerlink.services.pages import sample_page

    key = _key(dealership_id, template_key)
    parts = parse(TemplateParts, read_json(bp.current_request))
    query: Any = bp.current_request.query_params or {}
    saved = (
        store.find_template(*_owner(dealership_id, principal, editing=False), key)
        if "scope" in query
        else effective_template(dealership_id, key)
    )
    html = sample_page(_settings(dealership_id), key, parts, saved.image_map if saved else {})
    return html_response(html, PAGE_HEADERS)  # the headers CloudFront gives pages


def _message_body() -> tuple[PredefinedMessage, int | None]:
    body = read_json(bp.current_request)
    version = body.pop("version", None)
    return parse(PredefinedMessage, body), version


@route(bp, MESSAGES, "GET", access=Access.STAFF, roles=READERS, tags=("templates",))
def list_messages(dealership_id: str) -> dict[str, Any]:
    """The predefined messages (``?module=`` keeps those of one module and those of every module)."""
    whole_list(bp.current_request)
    query: Any = bp.current_request.query_params or {}
    module = query.get("module")
    found = [m.to_json() for m in store.messages_of(dealership_id)]
    if module:
        found = [m for m in found if m["module"] in (None, module)]
    return {"items": sorted(found, key=lambda m: str(m["name"]).lower()), "next_cursor": None}


@route(bp, MESSAGES, "POST", access=Access.STAFF, roles=CONFIGURATION, status=201, tags=("templates",))
def create_message(dealership_id: str) -> dict[str, Any]:
    """A new predefined message: name, optional module, a text per language."""
    message, _ = _message_body()
    return store.save_message(dealership_id, new_id(), message, None).to_json()


@route(bp, MESSAGE, "GET", access=Access.STAFF, roles=READERS, tags=("templates",))
def read_message(dealership_id: str, message_id: str) -> dict[str, Any]:
    """One predefined message; ``?language=`` adds the text a customer of that language gets."""
    found = store.get_message(dealership_id, message_id)
    body = found.to_json()
    query: Any = bp.current_request.query_params or {}
    if "language" in query:
        texts: dict[str, str] = {str(k): v for k, v in found.message.texts.items()}
        body["preview"] = message_text(texts, str(query["language"]), _settings(dealership_id).default_language)
    return body


@route(bp, MESSAGE, "PUT", access=Access.STAFF, roles=CONFIGURATION, tags=("templates",))
def edit_message(dealership_id: str, message_id: str) -> dict[str, Any]:
    """Replace a predefined message (``version`` required)."""
    store.get_message(dealership_id, message_id)
    message, version = _message_body()
    if not isinstance(version, int) or isinstance(version, bool):
        raise ValidationError("version is the number the message was read with", field="version")
    return store.save_message(dealership_id, message_id, message, version).to_json()


@route(bp, MESSAGE, "DELETE", access=Access.STAFF, roles=CONFIGURATION, tags=("templates",))
def delete_message(dealership_id: str, message_id: str) -> dict[str, Any]:
    store.delete_message(dealership_id, message_id)
    return {"id": message_id, "deleted": True}
