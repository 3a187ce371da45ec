"""Page templates (F-9.5) and predefined messages (F-9.4): the use cases behind their routes.

A template belongs to the dealership, or with ``scope=group`` to its group (for all its
dealerships); a dealership's is edited by its dealer managers, a group's by group managers. The
customer gets the dealership's own template, else its group's. The caller passes the dealership
it already loaded, so one request reads it once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dealerlink.adapters import storage
from dealerlink.domain.identity import Principal, Role
from dealerlink.domain.templates import PredefinedMessage, Scope, Slot, TemplateParts, message_text, parse_template_key
from dealerlink.errors import ConflictError, ForbiddenError, NotFoundError, ValidationError
from dealerlink.ids import new_id
from dealerlink.services.template_images import image_prefix
from dealerlink.store import templates as store
from dealerlink.store.dealerships import Dealership
from dealerlink.store.templates import MessageItem, PageTemplateItem


def _owner(dealership: Dealership, principal: Principal, scope: Scope | None, *, editing: bool) -> tuple[Scope, str]:
    """Whose template the request is about: the dealership's, or with ``scope=group`` its group's."""
    if scope in (None, Scope.DEALERSHIP):
        if editing and Role.DEALER_MANAGER not in principal.roles:
            raise ForbiddenError("a dealership's templates are edited by its dealer managers", code="not_allowed")
        return Scope.DEALERSHIP, str(dealership.dealership_id)
    group_id = dealership.group_id
    if group_id is None:
        raise ValidationError("this dealership belongs to no group", field="scope", code="no_group")
    if editing and Role.GROUP_MANAGER not in principal.roles:
        raise ForbiddenError("group templates are edited by group managers", field="scope", code="not_allowed")
    return Scope.GROUP, str(group_id)


def _key(dealership: Dealership, template_key: str) -> str:
    """The key, checked against the brands the dealership sells (``brand.module.language``)."""
    parse_template_key(template_key, {b.code for b in dealership.settings.brands})
    return template_key


def effective_template(dealership: Dealership, template_key: str) -> PageTemplateItem | None:
    """The template the customer gets: the dealership's own, else its group's."""
    own = store.find_template(Scope.DEALERSHIP, str(dealership.dealership_id), template_key)
    if own is not None:
        return own
    group_id = dealership.group_id
    return store.find_template(Scope.GROUP, group_id, template_key) if group_id else None


def _read(dealership: Dealership, key: str, principal: Principal, scope: Scope | None) -> PageTemplateItem | None:
    """With a ``scope``, that owner's template; without, the one the customer would get."""
    if scope is None:
        return effective_template(dealership, key)
    return store.find_template(*_owner(dealership, principal, scope, editing=False), key)


def list_templates(dealership: Dealership) -> list[PageTemplateItem]:
    """The dealership's templates, then its group's."""
    found = store.templates_of(Scope.DEALERSHIP, str(dealership.dealership_id))
    if dealership.group_id:
        found += store.templates_of(Scope.GROUP, dealership.group_id)
    return found


def read(dealership: Dealership, template_key: str, principal: Principal, scope: Scope | None) -> PageTemplateItem:
    """One template: ``scope``'s, or without one the template the customer would get."""
    found = _read(dealership, _key(dealership, template_key), principal, scope)
    if found is None:
        raise NotFoundError("no such template", field="template_key")
    return found


def save(
    dealership: Dealership,
    template_key: str,
    principal: Principal,
    scope: Scope | None,
    parts: TemplateParts,
    version: int | None,
) -> PageTemplateItem:
    """Save the parts (``version`` of the template edited; none for a new one)."""
    key = _key(dealership, template_key)
    owner_scope, owner = _owner(dealership, principal, scope, editing=True)
    return store.save_template(owner_scope, owner, key, parts, principal.subject, version)


def delete(dealership: Dealership, template_key: str, principal: Principal, scope: Scope | None) -> str:
    """Remove a template and its images (so the group's, or the default page, shows again); its key."""
    key = _key(dealership, template_key)
    owner_scope, owner = _owner(dealership, principal, scope, editing=True)
    store.delete_template(owner_scope, owner, key)
    storage.delete_prefix(f"templates/{owner_scope.value}/{owner}/{key}/")
    return key


@dataclass(frozen=True)
class SignedImage:
    """The template with its slot reserved, and the form POST the browser uploads with."""

    template: PageTemplateItem
    upload: dict[str, Any]


def sign_image_upload(
    dealership: Dealership,
    template_key: str,
    principal: Principal,
    scope: Scope | None,
    slot: Slot,
    content_type: str,
    size: int,
) -> SignedImage:
    """Reserve the slot for a new image (the previous one is deleted) and sign its upload."""
    key = _key(dealership, template_key)
    owner_scope, owner = _owner(dealership, principal, scope, editing=True)
    item = store.find_template(owner_scope, owner, key)
    if item is None:
        raise ConflictError("save the template before adding images", field="template_key", code="no_template")
    image_id = new_id()
    previous = item.image_map.get(slot.value)
    store.set_image(item, slot.value, {"image_id": image_id, "status": "uploading"})
    if previous:
        storage.delete_prefix(image_prefix(owner_scope, owner, key, slot.value, previous["image_id"]))
    upload = storage.signed_post(
        image_prefix(owner_scope, owner, key, slot.value, image_id) + "original", content_type, size
    )
    return SignedImage(item, upload)


def preview(
    dealership: Dealership, template_key: str, principal: Principal, scope: Scope | None, parts: TemplateParts
) -> str:
    """A sample customer page (HTML) with the parts sent and the saved images; nothing saved."""
    from dealerlink.services.pages import sample_page  # Jinja2: loaded by the routes that render

    key = _key(dealership, template_key)
    saved = _read(dealership, key, principal, scope)
    return sample_page(dealership.settings, key, parts, saved.image_map if saved else {})


def messages(dealership_id: str, module: str | None) -> list[MessageItem]:
    """The predefined messages by name; with a ``module``, those of that module and of every module."""
    found = store.messages_of(dealership_id)
    if module:
        found = [m for m in found if m.message.module in (None, module)]
    return sorted(found, key=lambda m: str(m.message.name).lower())


def create_message(dealership_id: str, message: PredefinedMessage) -> MessageItem:
    """A new predefined message under a new id."""
    return store.save_message(dealership_id, new_id(), message, None)


def read_message(dealership_id: str, message_id: str) -> MessageItem:
    """One predefined message (404 if none)."""
    return store.get_message(dealership_id, message_id)


def message_preview(found: MessageItem, language: str, default_language: str) -> str:
    """The text a customer of ``language`` gets: theirs, else the dealership's, else the first."""
    texts: dict[str, str] = {str(k): v for k, v in found.message.texts.items()}
    return message_text(texts, language, default_language)


def edit_message(dealership_id: str, message_id: str, message: PredefinedMessage, version: int) -> MessageItem:
    """Replace an existing predefined message (404 if none; 409 if ``version`` is stale)."""
    store.get_message(dealership_id, message_id)
    return store.save_message(dealership_id, message_id, message, version)


def delete_message(dealership_id: str, message_id: str) -> None:
    """Remove a predefined message (404 if none)."""
    store.delete_message(dealership_id, message_id)
