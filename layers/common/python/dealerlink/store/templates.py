"""Page templates (F-9.5) and predefined messages (F-9.4).

A template item lives under its owner: the dealership (``DLR#``) or the group (``GRP#``), with
``SK = TPL#<brand.module.language>``. Its images are recorded slot by slot: an upload reserves
``{"image_id", "status": "uploading"}``; the media function marks it ready with its renditions,
conditional on the same image id, so a replaced upload that arrives late changes nothing.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DeleteError, PutError

from dealerlink.domain.templates import PredefinedMessage, Scope, TemplateParts
from dealerlink.errors import ConflictError, NotFoundError
from dealerlink.retry import retry_on_conflict
from dealerlink.store.table import BaseItem, condition_failure_as, dealership_pk


def owner_pk(scope: Scope, owner_id: str) -> str:
    return dealership_pk(owner_id) if scope == Scope.DEALERSHIP else f"GRP#{owner_id}"


def _now() -> str:
    return datetime.now(UTC).isoformat()


class PageTemplateItem(BaseItem, discriminator="page_template"):
    scope = UnicodeAttribute()
    owner_id = UnicodeAttribute()
    template_key = UnicodeAttribute()
    parts = UnicodeAttribute(default="{}")  # TemplateParts (JSON)
    images = UnicodeAttribute(default="{}")  # {slot: {image_id, status, width, height, renditions}}
    version = NumberAttribute(default=1)
    updated_at = UnicodeAttribute(null=True)
    updated_by = UnicodeAttribute(null=True)

    @property
    def template_parts(self) -> TemplateParts:
        return TemplateParts.model_validate_json(self.parts or "{}")

    @property
    def image_map(self) -> dict[str, dict[str, Any]]:
        loaded: dict[str, dict[str, Any]] = json.loads(self.images or "{}")
        return loaded

    def to_json(self) -> dict[str, Any]:
        return {
            "template_key": self.template_key,
            "scope": self.scope,
            "version": int(self.version),
            **self.template_parts.model_dump(),
            "images": {
                slot: {k: v for k, v in image.items() if k in ("image_id", "status", "width", "height", "reason")}
                for slot, image in self.image_map.items()
            },
            "updated_at": self.updated_at,
            "updated_by": self.updated_by,
        }


def find_template(scope: Scope, owner_id: str, key: str) -> PageTemplateItem | None:
    try:
        return PageTemplateItem.get(owner_pk(scope, owner_id), f"TPL#{key}")
    except PageTemplateItem.DoesNotExist:
        return None


def templates_of(scope: Scope, owner_id: str) -> list[PageTemplateItem]:
    return list(PageTemplateItem.query(owner_pk(scope, owner_id), PageTemplateItem.SK.startswith("TPL#")))


def _stale() -> ConflictError:
    return ConflictError("the template changed meanwhile; reload and retry", field="version", code="stale_version")


def save_template(
    scope: Scope,
    owner_id: str,
    key: str,
    parts: TemplateParts,
    actor: str,
    expected_version: int | None,
    images: dict[str, dict[str, Any]] | None = None,
) -> PageTemplateItem:
    """Create (``expected_version`` None) or replace a template's parts, keeping its images."""
    current = find_template(scope, owner_id, key)
    if (current is None) != (expected_version is None) or (current and current.version != expected_version):
        raise _stale()
    item = PageTemplateItem(
        owner_pk(scope, owner_id),
        f"TPL#{key}",
        scope=scope.value,
        owner_id=owner_id,
        template_key=key,
        parts=parts.model_dump_json(exclude_none=True),
        images=json.dumps(images if images is not None else (current.image_map if current else {})),
        version=(expected_version or 0) + 1,
        updated_at=_now(),
        updated_by=actor,
    )
    condition = (
        PageTemplateItem.PK.does_not_exist()
        if expected_version is None
        else PageTemplateItem.version == expected_version
    )
    try:
        item.save(condition=condition)
    except PutError as exc:
        raise _stale() from exc
    return item


def delete_template(scope: Scope, owner_id: str, key: str) -> PageTemplateItem:
    item = find_template(scope, owner_id, key)
    if item is None:
        raise NotFoundError("no such template", field="template_key")
    try:
        item.delete(condition=PageTemplateItem.version == item.version)
    except DeleteError as exc:
        raise _stale() from exc
    return item


def set_image(item: PageTemplateItem, slot: str, image: dict[str, Any], *, only_if_image: str | None = None) -> bool:
    """Record a slot's image; with ``only_if_image``, only while that upload is still the slot's."""
    current: PageTemplateItem | None = item

    def record(attempt: int) -> bool:  # changed meanwhile: read again and retry
        nonlocal current
        if attempt:
            current = find_template(Scope(item.scope), item.owner_id, item.template_key)
        if current is None:
            return False
        images = current.image_map
        if only_if_image is not None and images.get(slot, {}).get("image_id") != only_if_image:
            return False
        expected = int(current.version)
        with condition_failure_as(_stale()):
            current.update(
                actions=[
                    PageTemplateItem.images.set(json.dumps({**images, slot: image})),
                    PageTemplateItem.version.set(expected + 1),
                    PageTemplateItem.updated_at.set(_now()),
                ],
                condition=PageTemplateItem.version == expected,
            )
        return True

    return retry_on_conflict(record)


class MessageItem(BaseItem, discriminator="predefined_message"):
    message_id = UnicodeAttribute()
    doc = UnicodeAttribute()  # PredefinedMessage (JSON)
    version = NumberAttribute(default=1)

    @property
    def message(self) -> PredefinedMessage:
        return PredefinedMessage.model_validate_json(self.doc)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.message_id, "version": int(self.version), **self.message.model_dump()}


def find_message(dealership_id: str, message_id: str) -> MessageItem | None:
    try:
        return MessageItem.get(dealership_pk(dealership_id), f"MSG#{message_id}")
    except MessageItem.DoesNotExist:
        return None


def get_message(dealership_id: str, message_id: str) -> MessageItem:
    found = find_message(dealership_id, message_id)
    if found is None:
        raise NotFoundError("no such message", field="message_id")
    return found


def messages_of(dealership_id: str) -> list[MessageItem]:
    return list(MessageItem.query(dealership_pk(dealership_id), MessageItem.SK.startswith("MSG#")))


def save_message(
    dealership_id: str, message_id: str, message: PredefinedMessage, expected_version: int | None
) -> MessageItem:
    item = MessageItem(
        dealership_pk(dealership_id),
        f"MSG#{message_id}",
        message_id=message_id,
        doc=message.model_dump_json(),
        version=(expected_version or 0) + 1,
    )
    condition = MessageItem.PK.does_not_exist() if expected_version is None else MessageItem.version == expected_version
    try:
        item.save(condition=condition)
    except PutError as exc:
        if expected_version is None:
            raise ConflictError("this message exists already", field="id", code="already_exists") from exc
        raise ConflictError(
            "the message changed meanwhile; reload and retry", field="version", code="stale_version"
        ) from exc
    return item


def delete_message(dealership_id: str, message_id: str) -> None:
    get_message(dealership_id, message_id).delete()
