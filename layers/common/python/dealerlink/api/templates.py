"""Page templates (F-9.5) and predefined messages (F-9.4), edited by the dealer manager.

Templates: ``/templates/{template_key}`` with ``template_key = brand.module.language``. A
``?scope=group`` on the same routes edits the template of the dealership's group, for all its
dealerships (group managers only); reading answers the template the customer would get (the
dealership's own, else the group's). Preview renders a sample page with the parts sent, without
saving; then PUT saves them. Images are uploaded by a signed form POST, like photos.
"""

from __future__ import annotations

from typing import Any

from chalice import Response

from dealerlink.adapters import storage
from dealerlink.api import rights
from dealerlink.api.contract.common import Page, WholeListQuery
from dealerlink.api.contract.templates import (
    ImageUpload,
    MessageDeleted,
    MessageEdit,
    MessageOut,
    MessageQuery,
    MessageRead,
    MessagesQuery,
    ScopeQuery,
    TemplateDeleted,
    TemplateImageSigned,
    TemplateOut,
    TemplateSave,
)
from dealerlink.api.edge import Access, Blueprint, html_response, per_request, route
from dealerlink.domain.dealerships import DealershipSettings
from dealerlink.domain.identity import Principal, Role
from dealerlink.domain.templates import PredefinedMessage, Scope, TemplateParts, message_text, parse_template_key
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


def _owner(dealership_id: str, principal: Principal, scope: Scope | None, *, editing: bool) -> tuple[Scope, str]:
    """Whose template the request is about: the dealership's, or with ?scope=group its group's."""
    if scope in (None, Scope.DEALERSHIP):
        if editing and Role.DEALER_MANAGER not in principal.roles:
            raise ForbiddenError("a dealership's templates are edited by its dealer managers", code="not_allowed")
        return Scope.DEALERSHIP, dealership_id
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


def _read(dealership_id: str, key: str, principal: Principal, scope: Scope | None) -> store.PageTemplateItem | None:
    """With a ``scope``, that owner's template; without, the one the customer would get."""
    if scope is None:
        return effective_template(dealership_id, key)
    return store.find_template(*_owner(dealership_id, principal, scope, editing=False), key)


TEMPLATE_PARTS = {
    "a winter offer": {
        "banner_text": "Winter check -20 %",
        "text": "We are here for you all winter.",
        "promo_link": "https://example.com/winter",
    }
}


@route(
    bp, TEMPLATES, "GET", access=Access.STAFF, roles=rights.READ, tags=("templates",),
    query=WholeListQuery, response=Page[TemplateOut],
)  # fmt: skip
def list_templates(dealership_id: str, query: WholeListQuery) -> dict[str, Any]:
    """The dealership's templates, then its group's."""
    found = [t.to_json() for t in store.templates_of(Scope.DEALERSHIP, dealership_id)]
    group_id = _dealership(dealership_id).group_id
    if group_id:
        found += [t.to_json() for t in store.templates_of(Scope.GROUP, group_id)]
    return {"items": found, "next_cursor": None}


@route(
    bp, TEMPLATE, "GET", access=Access.STAFF, roles=rights.READ, tags=("templates",),
    query=ScopeQuery, response=TemplateOut,
)  # fmt: skip
def read_template(dealership_id: str, template_key: str, principal: Principal, query: ScopeQuery) -> dict[str, Any]:
    """One template (``?scope=group`` for the group's; else the one the customer would get)."""
    found = _read(dealership_id, _key(dealership_id, template_key), principal, query.scope)
    if found is None:
        raise NotFoundError("no such template", field="template_key")
    return found.to_json()


@route(
    bp, TEMPLATE, "PUT", access=Access.STAFF, roles=EDITORS, tags=("templates",),
    body=TemplateSave, query=ScopeQuery, response=TemplateOut,
    examples={**TEMPLATE_PARTS, "an edit": {"text": "We are here for you.", "version": 1}},
)  # fmt: skip
def save_template(
    dealership_id: str, template_key: str, principal: Principal, body: TemplateSave, query: ScopeQuery
) -> dict[str, Any]:
    """Save the parts (``version`` of the template edited; none for a new one)."""
    key = _key(dealership_id, template_key)
    scope, owner = _owner(dealership_id, principal, query.scope, editing=True)
    return store.save_template(scope, owner, key, body.parts(), principal.subject, body.version).to_json()


@route(
    bp, TEMPLATE, "DELETE", access=Access.STAFF, roles=EDITORS, tags=("templates",),
    query=ScopeQuery, response=TemplateDeleted,
)  # fmt: skip
def delete_template(dealership_id: str, template_key: str, principal: Principal, query: ScopeQuery) -> dict[str, Any]:
    """Remove a template and its images: the group's (or the default page) shows again."""
    key = _key(dealership_id, template_key)
    scope, owner = _owner(dealership_id, principal, query.scope, editing=True)
    store.delete_template(scope, owner, key)
    storage.delete_prefix(f"templates/{scope.value}/{owner}/{key}/")
    return {"template_key": key, "deleted": True}


@route(
    bp, TEMPLATE + "/images", "POST", access=Access.STAFF, roles=EDITORS, status=201, tags=("templates",),
    body=ImageUpload, query=ScopeQuery, response=TemplateImageSigned,
    examples={"a banner": {"slot": "banner", "content_type": "image/jpeg", "size": 200_000}},
)  # fmt: skip
def upload_template_image(
    dealership_id: str, template_key: str, principal: Principal, body: ImageUpload, query: ScopeQuery
) -> dict[str, Any]:
    """Sign the upload of the banner or promotional image (``slot``, ``content_type``, ``size``)."""
    from dealerlink.services.template_images import image_prefix

    key = _key(dealership_id, template_key)
    scope, owner = _owner(dealership_id, principal, query.scope, editing=True)
    item = store.find_template(scope, owner, key)
    if item is None:
        raise ConflictError("save the template before adding images", field="template_key", code="no_template")
    slot, image_id = body.slot.value, new_id()
    previous = item.image_map.get(slot)
    store.set_image(item, slot, {"image_id": image_id, "status": "uploading"})
    if previous:
        storage.delete_prefix(image_prefix(scope, owner, key, slot, previous["image_id"]))
    upload = storage.signed_post(
        image_prefix(scope, owner, key, slot, image_id) + "original", body.content_type, body.size
    )
    return {"template": item.to_json(), "upload": upload}


@route(
    bp, TEMPLATE + "/preview", "POST", access=Access.STAFF, roles=rights.READ, tags=("templates",),
    body=TemplateParts, query=ScopeQuery, media_type="text/html", examples=TEMPLATE_PARTS,
)  # fmt: skip
def preview_template(
    dealership_id: str, template_key: str, principal: Principal, body: TemplateParts, query: ScopeQuery
) -> Response:
    """A sample customer page (HTML) with the parts sent (and the saved images), nothing saved."""
    from dealerlink.services.pages import sample_page

    key = _key(dealership_id, template_key)
    saved = _read(dealership_id, key, principal, query.scope)
    html = sample_page(_settings(dealership_id), key, body, saved.image_map if saved else {})
    return html_response(html, PAGE_HEADERS)  # the headers CloudFront gives pages


MESSAGE_EXAMPLE = {
    "a ready message": {
        "name": "Ready",
        "module": "mechanics",
        "texts": {"fr": "Votre véhicule est prêt.", "de": "Ihr Fahrzeug ist fertig."},
    }
}


@route(
    bp, MESSAGES, "GET", access=Access.STAFF, roles=rights.READ, tags=("templates",),
    query=MessagesQuery, response=Page[MessageOut],
)  # fmt: skip
def list_messages(dealership_id: str, query: MessagesQuery) -> dict[str, Any]:
    """The predefined messages (``?module=`` keeps those of one module and those of every module)."""
    found = [m.to_json() for m in store.messages_of(dealership_id)]
    if query.module:
        found = [m for m in found if m["module"] in (None, query.module)]
    return {"items": sorted(found, key=lambda m: str(m["name"]).lower()), "next_cursor": None}


@route(
    bp, MESSAGES, "POST", access=Access.STAFF, roles=rights.CONFIGURATION, status=201, tags=("templates",),
    body=PredefinedMessage, response=MessageOut, examples=MESSAGE_EXAMPLE,
)  # fmt: skip
def create_message(dealership_id: str, body: PredefinedMessage) -> dict[str, Any]:
    """A new predefined message: name, optional module, a text per language."""
    return store.save_message(dealership_id, new_id(), body, None).to_json()


@route(
    bp, MESSAGE, "GET", access=Access.STAFF, roles=rights.READ, tags=("templates",),
    query=MessageQuery, response=MessageRead,
)  # fmt: skip
def read_message(dealership_id: str, message_id: str, query: MessageQuery) -> dict[str, Any]:
    """One predefined message; ``?language=`` adds the text a customer of that language gets."""
    found = store.get_message(dealership_id, message_id)
    body = found.to_json()
    if query.language is not None:
        texts: dict[str, str] = {str(k): v for k, v in found.message.texts.items()}
        body["preview"] = message_text(texts, query.language, _settings(dealership_id).default_language)
    return body


@route(
    bp, MESSAGE, "PUT", access=Access.STAFF, roles=rights.CONFIGURATION, tags=("templates",),
    body=MessageEdit, response=MessageOut,
    examples={"an edit": {**MESSAGE_EXAMPLE["a ready message"], "version": 1}},
)  # fmt: skip
def edit_message(dealership_id: str, message_id: str, body: MessageEdit) -> dict[str, Any]:
    """Replace a predefined message (``version`` required)."""
    store.get_message(dealership_id, message_id)
    return store.save_message(dealership_id, message_id, body.message(), body.version).to_json()


@route(
    bp, MESSAGE, "DELETE", access=Access.STAFF, roles=rights.CONFIGURATION, tags=("templates",), response=MessageDeleted
)
def delete_message(dealership_id: str, message_id: str) -> dict[str, Any]:
    """Remove a predefined message."""
    store.delete_message(dealership_id, message_id)
    return {"id": message_id, "deleted": True}
