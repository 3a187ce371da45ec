"""Template images (F-9.5): a banner or promotional picture that arrived in the media bucket.

Checked like a photo (size, real type by magic bytes, pixel count, truncation), then turned into
web renditions without metadata; anything outside the rules is deleted and its reason recorded
on the template. The key names the upload, so a late or repeated notification of a replaced
image changes nothing.
"""

from __future__ import annotations

import re

from dealerlink.adapters import storage
from dealerlink.domain.media import MediaKind, MediaRejectedError, check_arrived
from dealerlink.domain.templates import MAX_IMAGE_BYTES, Scope
from dealerlink.store import templates

HEAD_BYTES = 64 * 1024
_KEY = re.compile(
    r"^templates/(?P<scope>dealership|group)/(?P<owner>[0-9A-Za-z_-]{1,64})/(?P<key>[a-z0-9_.-]{5,80})/"
    r"(?P<slot>banner|promo)/(?P<image>[0-9A-Z]{26})/original$"
)


def image_prefix(scope: Scope, owner_id: str, template_key: str, slot: str, image_id: str) -> str:
    return f"templates/{scope.value}/{owner_id}/{template_key}/{slot}/{image_id}/"


def take_in(key: str) -> str:
    """Take in the template image at ``key``; answers what happened."""
    match = _KEY.match(key)
    if match is None:
        return "ignored"
    prefix = key.removesuffix("original")
    item = templates.find_template(Scope(match["scope"]), match["owner"], match["key"])
    slot, image_id = match["slot"], match["image"]
    current = item.image_map.get(slot, {}) if item else {}
    if item is None or current.get("image_id") != image_id:
        storage.delete_prefix(prefix)  # nobody signed for it, or it was replaced meanwhile
        return "stray"
    if current.get("status") != "uploading":
        return "duplicate"
    arrived = storage.head(key)
    if arrived is None:
        return "gone"
    from dealerlink.adapters.imaging import photo_renditions  # Pillow: the media function only

    try:
        check_arrived(MediaKind.PHOTO, storage.read_range(key, 0, HEAD_BYTES), arrived.size, MAX_IMAGE_BYTES)
        photo = photo_renditions(storage.read(key))
    except MediaRejectedError as rejected:
        storage.delete_prefix(prefix)
        templates.set_image(
            item,
            slot,
            {"image_id": image_id, "status": "rejected", "reason": rejected.message, "code": rejected.code},
            only_if_image=image_id,
        )
        return "rejected"
    kept = [r for r in photo.renditions if r.name.startswith(("w1280", "w640"))]
    for rendition in kept:
        storage.write(prefix + rendition.name, rendition.data, rendition.content_type)
    image = {
        "image_id": image_id,
        "status": "ready",
        "prefix": prefix,
        "width": photo.width,
        "height": photo.height,
        "renditions": [{"name": r.name, "content_type": r.content_type, "width": r.width} for r in kept],
    }
    return "ready" if templates.set_image(item, slot, image, only_if_image=image_id) else "stray"
