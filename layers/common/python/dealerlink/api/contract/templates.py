"""The templates (F-9.5) and predefined messages (F-9.4) routes' contract.

Template parts and messages are the domain's own models (they refuse unknown fields); the
bodies here add the ``version`` edited beside them, and the image upload's request.
"""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import ConfigDict, Field, StrictInt

from dealerlink.api.contract.common import Body, Out, Query, WholeListQuery
from dealerlink.domain.dealerships import Language
from dealerlink.domain.templates import IMAGE_TYPES, MAX_IMAGE_BYTES, PredefinedMessage, Scope, Slot, TemplateParts


class ScopeQuery(Query):
    """``?scope=group``: the group's template rather than the dealership's."""

    scope: Scope | None = Field(
        None, description="`group` for the group's template; left out, the one the customer gets (reads)"
    )


class TemplateSave(TemplateParts):
    """The parts of a template, with the ``version`` it was read with (none for a new one)."""

    model_config = ConfigDict(defer_build=True)

    version: StrictInt | None = Field(None, description="the version read; left out (or null) for a new template")

    def parts(self) -> TemplateParts:
        return TemplateParts.model_validate(self.model_dump(exclude={"version"}))


ImageType = Literal["image/jpeg", "image/png", "image/webp"]
assert set(get_args(ImageType)) == set(IMAGE_TYPES)


class ImageUpload(Body):
    """The banner or promotional image about to be uploaded."""

    slot: Slot
    content_type: ImageType
    size: StrictInt = Field(ge=1, le=MAX_IMAGE_BYTES, description="bytes")


class TemplateImageOut(Out):
    """An image of a template: uploading, then ready (with its size) or failed (with a reason)."""

    image_id: str
    status: str = Field(examples=["uploading", "ready", "failed"])
    width: int | None = None
    height: int | None = None
    reason: str | None = None


class TemplateOut(Out):
    """A page template: its parts, its images by slot, who changed it last."""

    template_key: str = Field(examples=["peugeot.mechanics.fr"], description="brand.module.language")
    scope: Scope
    version: int
    banner_text: str | None
    text: str | None
    promo_link: str | None
    images: dict[Slot, TemplateImageOut]
    updated_at: str | None
    updated_by: str | None


class TemplateDeleted(Out):
    template_key: str
    deleted: bool


class SignedPostOut(Out):
    """A browser form upload: POST ``fields`` and then the file to ``url`` before ``expires_at``."""

    method: Literal["POST"]
    url: str
    fields: dict[str, str]
    expires_at: str


class TemplateImageSigned(Out):
    """The template with its slot now uploading, and the form to upload the image with."""

    template: TemplateOut
    upload: SignedPostOut


class MessagesQuery(WholeListQuery):
    module: str | None = Field(None, description="keep the messages of this module and those of every module")


class MessageQuery(Query):
    language: Language | None = Field(None, description="adds `preview`: the text a customer of this language gets")


class MessageEdit(PredefinedMessage):
    """A predefined message replaced, with the ``version`` it was read with."""

    model_config = ConfigDict(defer_build=True)

    version: StrictInt = Field(description="the version read")

    def message(self) -> PredefinedMessage:
        return PredefinedMessage.model_validate(self.model_dump(exclude={"version"}))


class MessageOut(Out):
    id: str
    version: int
    name: str
    module: str | None
    texts: dict[Language, str]


class MessageRead(MessageOut):
    preview: str | None = Field(None, description="with `?language=`: the text a customer of that language gets")


class MessageDeleted(Out):
    id: str
    deleted: bool
