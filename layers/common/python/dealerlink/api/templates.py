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
from dealerlink.domain.identity import Principal
from dealerlink.domain.templates import PredefinedMessage, TemplateParts
from dealerlink.pages.headers import PAGE_HEADERS
from dealerlink.services import templates
from dealerlink.store.dealerships import Dealership, get_dealership

bp = Blueprint(__name__)
TEMPLATES = "/v1/dealerships/{dealership_id}/templates"
TEMPLATE = TEMPLATES + "/{template_key}"
MESSAGES = "/v1/dealerships/{dealership_id}/messages"
MESSAGE = MESSAGES + "/{message_id}"


def _dealership(dealership_id: str) -> Dealership:
    """The dealership, read once per request (the edge may have read it already)."""
    return per_request(f"dealership#{dealership_id}", lambda: get_dealership(dealership_id))


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
    found = templates.list_templates(_dealership(dealership_id))
    return {"items": [t.to_json() for t in found], "next_cursor": None}


@route(
    bp, TEMPLATE, "GET", access=Access.STAFF, roles=rights.READ, tags=("templates",),
    query=ScopeQuery, response=TemplateOut,
)  # fmt: skip
def read_template(dealership_id: str, template_key: str, principal: Principal, query: ScopeQuery) -> dict[str, Any]:
    """One template (``?scope=group`` for the group's; else the one the customer would get)."""
    return templates.read(_dealership(dealership_id), template_key, principal, query.scope).to_json()


@route(
    bp, TEMPLATE, "PUT", access=Access.STAFF, roles=rights.TEMPLATES, tags=("templates",),
    body=TemplateSave, query=ScopeQuery, response=TemplateOut,
    examples={**TEMPLATE_PARTS, "an edit": {"text": "We are here for you.", "version": 1}},
)  # fmt: skip
def save_template(
    dealership_id: str, template_key: str, principal: Principal, body: TemplateSave, query: ScopeQuery
) -> dict[str, Any]:
    """Save the parts (``version`` of the template edited; none for a new one)."""
    dealership = _dealership(dealership_id)
    return templates.save(dealership, template_key, principal, query.scope, body.parts(), body.version).to_json()


@route(
    bp, TEMPLATE, "DELETE", access=Access.STAFF, roles=rights.TEMPLATES, tags=("templates",),
    query=ScopeQuery, response=TemplateDeleted,
)  # fmt: skip
def delete_template(dealership_id: str, template_key: str, principal: Principal, query: ScopeQuery) -> dict[str, Any]:
    """Remove a template and its images: the group's (or the default page) shows again."""
    key = templates.delete(_dealership(dealership_id), template_key, principal, query.scope)
    return {"template_key": key, "deleted": True}


@route(
    bp, TEMPLATE + "/images", "POST", access=Access.STAFF, roles=rights.TEMPLATES, status=201, tags=("templates",),
    body=ImageUpload, query=ScopeQuery, response=TemplateImageSigned,
    examples={"a banner": {"slot": "banner", "content_type": "image/jpeg", "size": 200_000}},
)  # fmt: skip
def upload_template_image(
    dealership_id: str, template_key: str, principal: Principal, body: ImageUpload, query: ScopeQuery
) -> dict[str, Any]:
    """Sign the upload of the banner or promotional image (``slot``, ``content_type``, ``size``)."""
    signed = templates.sign_image_upload(
        _dealership(dealership_id), template_key, principal, query.scope, body.slot, body.content_type, body.size
    )
    return {"template": signed.template.to_json(), "upload": signed.upload}


@route(
    bp, TEMPLATE + "/preview", "POST", access=Access.STAFF, roles=rights.READ, tags=("templates",),
    body=TemplateParts, query=ScopeQuery, media_type="text/html", examples=TEMPLATE_PARTS,
)  # fmt: skip
def preview_template(
    dealership_id: str, template_key: str, principal: Principal, body: TemplateParts, query: ScopeQuery
) -> Response:
    """A sample customer page (HTML) with the parts sent (and the saved images), nothing saved."""
    html = templates.preview(_dealership(dealership_id), template_key, principal, query.scope, body)
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
    found = templates.messages(dealership_id, query.module)
    return {"items": [m.to_json() for m in found], "next_cursor": None}


@route(
    bp, MESSAGES, "POST", access=Access.STAFF, roles=rights.CONFIGURATION, status=201, tags=("templates",),
    body=PredefinedMessage, response=MessageOut, examples=MESSAGE_EXAMPLE,
)  # fmt: skip
def create_message(dealership_id: str, body: PredefinedMessage) -> dict[str, Any]:
    """A new predefined message: name, optional module, a text per language."""
    return templates.create_message(dealership_id, body).to_json()


@route(
    bp, MESSAGE, "GET", access=Access.STAFF, roles=rights.READ, tags=("templates",),
    query=MessageQuery, response=MessageRead,
)  # fmt: skip
def read_message(dealership_id: str, message_id: str, query: MessageQuery) -> dict[str, Any]:
    """One predefined message; ``?language=`` adds the text a customer of that language gets."""
    found = templates.read_message(dealership_id, message_id)
    body = found.to_json()
    if query.language is not None:
        default_language = _dealership(dealership_id).settings.default_language
        body["preview"] = templates.message_preview(found, query.language, default_language)
    return body


@route(
    bp, MESSAGE, "PUT", access=Access.STAFF, roles=rights.CONFIGURATION, tags=("templates",),
    body=MessageEdit, response=MessageOut,
    examples={"an edit": {**MESSAGE_EXAMPLE["a ready message"], "version": 1}},
)  # fmt: skip
def edit_message(dealership_id: str, message_id: str, body: MessageEdit) -> dict[str, Any]:
    """Replace a predefined message (``version`` required)."""
    return templates.edit_message(dealership_id, message_id, body.message(), body.version).to_json()


@route(
    bp, MESSAGE, "DELETE", access=Access.STAFF, roles=rights.CONFIGURATION, tags=("templates",), response=MessageDeleted
)
def delete_message(dealership_id: str, message_id: str) -> dict[str, Any]:
    """Remove a predefined message."""
    templates.delete_message(dealership_id, message_id)
    return {"id": message_id, "deleted": True}
