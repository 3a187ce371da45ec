"""Customer pages (F-5.1, F-5.2, F-3.8): what the customer sees of an intervention, published to
the site bucket on every change, or rendered as a preview before sending.

``page_view`` turns the stored file into the renderer's view model; ``publish`` renders it to
``p/<token>/index.html`` and keeps ``p/<token>/m/`` holding exactly the public, ready media
(private or deleted media leave the site); ``unpublish`` takes a revoked link's page away.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from dealerlink.adapters import site, storage
from dealerlink.domain.dealerships import Brand, DealershipSettings
from dealerlink.domain.interventions import Status, stored_reply_by
from dealerlink.domain.media import MediaKind, MediaStatus, Visibility, safe_filename
from dealerlink.domain.templates import Scope, TemplateParts, message_text, template_key
from dealerlink.domain.worklist import parse_works, price_line, totals
from dealerlink.pages import view as v
from dealerlink.store import interventions, media, templates
from dealerlink.store.dealerships import get_dealership

if TYPE_CHECKING:
    from dealerlink.domain.work_reports import PlannedWork as PlannedWorkModel

WIDTHS = (320, 640, 1280)


@dataclass(frozen=True)
class PublicMedia:
    """The page's media and the copies that put them on the site."""

    videos: tuple[v.Video, ...]
    photos: tuple[v.Photo, ...]
    attachments: tuple[v.Attachment, ...]
    copies: tuple[site.Copy, ...]


def customer_language(item: interventions.Intervention, settings: DealershipSettings) -> str:
    contact = item.fields.get("contact") or {}
    return str(contact.get("language") or settings.default_language)


def brand_of(settings: DealershipSettings, code: str) -> Brand:
    return next((b for b in settings.brands if b.code == code), settings.brands[0])


def dealer(settings: DealershipSettings, brand: Brand) -> v.Dealer:
    """The dealership as the customer sees it: a brand's own address, site and booking link win."""
    booking = brand.booking_link or settings.booking_link
    website = brand.website or settings.website
    return v.Dealer(
        name=settings.name,
        timezone=settings.timezone,
        address=brand.address or settings.address,
        website=str(website) if website else None,
        booking_link=str(booking) if booking else None,
    )


def customer(item: interventions.Intervention) -> v.Customer:
    contact = item.fields.get("contact") or {}
    return v.Customer(
        title=contact.get("title"), first_name=contact.get("first_name"), last_name=contact.get("last_name")
    )


def vehicle(item: interventions.Intervention) -> v.Vehicle:
    raw = item.fields.get("vehicle") or {}
    first = raw.get("first_registration")
    return v.Vehicle(
        plate=raw.get("plate"),
        make=raw.get("make"),
        model=raw.get("model"),
        mileage=raw.get("mileage"),
        first_registration=date.fromisoformat(first) if first else None,
    )


def public_media(items: list[media.Media], token: str, signed: bool = False) -> PublicMedia:
    """The public, ready media as the page shows them, at ``m/...`` beside the page; ``signed``
    gives short-lived media-bucket URLs instead (the preview, before anything is copied)."""
    videos, photos, attachments, copies = [], [], [], []

    def url(source: str, target: str, content_type: str, download: str | None = None) -> str:
        copies.append(site.Copy(source, target, content_type, download))
        return storage.signed_view(source) if signed else target.removeprefix(site.page_prefix(token))

    for item in items:
        if item.status != MediaStatus.READY or item.visibility != Visibility.PUBLIC:
            continue
        target = f"{site.page_prefix(token)}m/{item.media_id}/"
        if item.kind == MediaKind.PHOTO:
            photos.append(_photo(item, target, url))
        elif item.kind == MediaKind.VIDEO:
            videos.append(_video(item, target, url))
        else:
            name = safe_filename(item.filename, item.media_id, item.content_type or item.declared_type)
            link = url(item.checked_original, target + name, item.content_type or "application/octet-stream", name)
            attachments.append(v.Attachment(item.media_id, name, int(item.size or 0), link))
    return PublicMedia(tuple(videos), tuple(photos), tuple(attachments), tuple(copies))


def _photo(item: media.Media, target: str, url: Any) -> v.Photo:
    number = int(item.current_version)
    version = next(x for x in item.version_list if x["version"] == number)
    names = {r["name"]: r for r in version["renditions"]}
    renditions: dict[str, dict[int, str]] = {"jpg": {}, "webp": {}}
    for width in WIDTHS:
        for ext, content_type in (("jpg", "image/jpeg"), ("webp", "image/webp")):
            name = f"w{width}.{ext}"
            if name in names:
                renditions[ext][width] = url(
                    item.ref.rendition_key(number, name), f"{target}v{number}/{name}", content_type
                )
    largest = max(
        (r for r in names.values() if r["name"].endswith(".jpg") and r["name"] != "thumb.jpg"), key=lambda r: r["width"]
    )
    return v.Photo(item.media_id, largest["width"], largest["height"], renditions["jpg"], renditions["webp"])


def _video(item: media.Media, target: str, url: Any) -> v.Video:
    outputs = item.output_keys
    hls_prefix = outputs["hls_master"].rsplit("/", 1)[0] + "/"
    hls = None
    for key in sorted(storage.list_keys(hls_prefix)):
        name = key[len(hls_prefix) :]
        content_type = "application/vnd.apple.mpegurl" if name.endswith(".m3u8") else "video/mp2t"
        link = url(key, f"{target}hls/{name}", content_type)
        if key == outputs["hls_master"]:
            hls = link
    mp4 = url(outputs["mp4"], f"{target}video.mp4", "video/mp4")
    poster = url(outputs["poster"], f"{target}poster.jpg", "image/jpeg")
    width, height = int(item.width or 1280), int(item.height or 720)
    return v.Video(item.media_id, mp4, hls, poster, round(item.duration_seconds or 0), width, height)


def _works(item: interventions.Intervention, settings: DealershipSettings) -> tuple[tuple[v.Work, ...], Any]:
    parsed = parse_works(item.fields.get("works", []))
    answers: dict[str, bool] = json.loads(item.answers) if item.answers else {}
    rate = Decimal(settings.vat_rate)
    works = tuple(
        v.Work(
            id=str(w.id),
            label=w.label,
            urgency=w.urgency.value,
            price_gross=(line := price_line(w, rate)).gross,
            discount_gross=line.discount_gross or None,
            category=w.category,
            comment=w.comment,
            answer=answers.get(str(w.id)),
        )
        for w in parsed
    )
    return works, totals(parsed, rate, settings.currency)


def _report_works(
    item: interventions.Intervention, settings: DealershipSettings
) -> tuple[tuple[v.Work, ...], tuple[v.PlannedWork, ...]]:
    """A work report's performed works and works to plan (F-6.1)."""
    from dealerlink.domain.work_reports import PerformedWork, PlannedWork

    if item.module != "work_report":
        return (), ()
    rate = Decimal(settings.vat_rate)
    performed = tuple(
        v.Work(id=str(w.id), label=w.label, urgency=w.urgency.value, price_gross=price_line(w, rate).gross)
        for w in (PerformedWork.model_validate(raw) for raw in item.fields.get("performed_works", []))
    )
    planned = tuple(planned_view(PlannedWork.model_validate(raw), rate) for raw in item.fields.get("works_to_plan", []))
    return performed, planned


def planned_view(work: PlannedWorkModel, rate: Decimal, accepted: bool | None = None) -> v.PlannedWork:
    """A work to plan as a page shows it (work reports and reminders), its price with VAT."""
    gross = work.price if work.price_includes_vat else (work.price * (1 + rate / 100)).quantize(Decimal("0.01"))
    return v.PlannedWork(
        id=work.id,
        label=work.label,
        urgency=work.urgency.value,
        deadline=work.deadline,
        mileage=work.mileage,
        price_gross=gross,
        accepted=accepted,
    )


def template_view(
    parts: TemplateParts, images: dict[str, dict[str, Any]], token: str, *, signed: bool
) -> tuple[v.PageTemplate, list[site.Copy]]:
    """The template as the page shows it, and the copies that put its ready images beside the page."""
    copies: list[site.Copy] = []

    def picture(slot: str, name: str) -> v.Image | None:
        image = images.get(slot) or {}
        if image.get("status") != "ready":
            return None
        rendition = next((r for r in image["renditions"] if r["name"] == name), None)
        if rendition is None:
            return None
        source = image["prefix"] + name
        target = f"{site.page_prefix(token)}m/t-{slot}-{image['image_id']}/{name}"
        copies.append(site.Copy(source, target, rendition["content_type"]))
        url = storage.signed_view(source) if signed else target.removeprefix(site.page_prefix(token))
        height = round(int(image["height"]) * int(rendition["width"]) / int(image["width"]))
        return v.Image(url, int(rendition["width"]), height)

    view = v.PageTemplate(
        banner=picture("banner", "w1280.jpg"),
        banner_text=parts.banner_text,
        text=parts.text,
        promo=picture("promo", "w640.jpg"),
        promo_link=parts.promo_link,
    )
    return view, copies


def _template(
    item: interventions.Intervention, settings: DealershipSettings, brand: Brand, token: str, *, signed: bool
) -> tuple[v.PageTemplate | None, list[site.Copy]]:
    key = template_key(brand.code, item.module, customer_language(item, settings))
    found = templates.find_template(Scope.DEALERSHIP, item.dealership_id, key)
    if found is None:
        group_id = get_dealership(item.dealership_id).group_id
        found = templates.find_template(Scope.GROUP, group_id, key) if group_id else None
    if found is None:
        return None, []
    return template_view(found.template_parts, found.image_map, token, signed=signed)


def message_of(item: interventions.Intervention, settings: DealershipSettings) -> str | None:
    """The message typed on the file, else its predefined message in the customer's language (F-3.6)."""
    typed = item.fields.get("message")
    if typed or not item.fields.get("message_id"):
        return str(typed) if typed else None
    found = templates.find_message(item.dealership_id, str(item.fields["message_id"]))
    if found is None:
        return None
    texts: dict[str, str] = {str(k): v for k, v in found.message.texts.items()}
    return message_text(texts, customer_language(item, settings), settings.default_language)


def page_view(
    item: interventions.Intervention,
    settings: DealershipSettings,
    items: list[media.Media],
    *,
    token: str,
    preview: bool = False,
) -> tuple[v.PageView, PublicMedia]:
    """The view of an intervention's customer page, and the media copies it needs."""
    brand = brand_of(settings, item.brand)
    works, sums = _works(item, settings)
    found = public_media(items, token, signed=preview)
    template, template_copies = _template(item, settings, brand, token, signed=preview)
    performed, planned = _report_works(item, settings)
    if template_copies:
        found = PublicMedia(found.videos, found.photos, found.attachments, (*found.copies, *template_copies))
    rating = json.loads(item.rating) if item.rating else None
    view = v.PageView(
        kind="work_report" if item.module == "work_report" else "intervention",
        module=item.module,
        lang=customer_language(item, settings),  # type: ignore[arg-type]
        api_base=f"/api/v1/public/pages/{token}",
        version=int(item.version),
        status=item.status,  # type: ignore[arg-type]
        dealership=dealer(settings, brand),
        brand=v.BrandRef(brand.code, brand.name),
        customer=customer(item),
        reference=item.reference,
        currency=settings.currency,
        locked=item.status in (Status.ANSWERED, Status.CLOSED),
        preview=preview,
        message=message_of(item, settings),
        template=template,
        vehicle=vehicle(item),
        videos=found.videos,
        photos=found.photos,
        attachments=found.attachments,
        works=works,
        performed_works=performed,
        works_to_plan=planned,
        totals=sums,
        accepted_gross=Decimal(item.accepted_amount) if item.accepted_amount else None,
        reply_by=stored_reply_by(item.fields.get("reply_by")),
        answered_at=datetime.fromisoformat(item.answered_at) if item.answered_at else None,
        rating=v.Rating(rating["stars"], rating.get("comment")) if rating else None,
        callback_requested=bool(item.callback),
        sent_at=datetime.fromisoformat(item.sent_at) if item.sent_at else None,
        media_origin=storage.origin() if preview else None,
    )
    return view, found


def publish(dealership_id: str, intervention_id: str) -> str:
    """Render the intervention's page to the site (when it has a link); answers what happened."""
    from dealerlink.pages.render import asset_files, render_page

    try:
        item = interventions.get(dealership_id, intervention_id)
    except Exception:  # noqa: BLE001 - deleted meanwhile: its removal unpublishes it
        return "gone"
    token = item.page_token
    if not token:
        return "no_link"
    settings = get_dealership(dealership_id).settings
    view, found = page_view(item, settings, media.of_intervention(dealership_id, intervention_id), token=token)
    site.ensure_assets(asset_files())
    site.sync_media(token, list(found.copies))
    site.write_page(token, render_page(view))
    return "published"


def unpublish(token: str) -> int:
    return site.remove_page(token)


def sample_page(settings: DealershipSettings, key: str, parts: TemplateParts, images: dict[str, dict[str, Any]]) -> str:
    """A template's preview (F-9.5): a sample file of its brand, module and language."""
    from dealerlink.pages.render import render_page

    brand_code, module, language = key.split(".")
    brand = brand_of(settings, brand_code)
    template, _ = template_view(parts, images, "preview", signed=True)
    view = v.PageView(
        kind="intervention",
        module=module,
        lang=language,  # type: ignore[arg-type]
        api_base="/api/v1/public/pages/preview",
        version=1,
        status="sent",
        dealership=dealer(settings, brand),
        brand=v.BrandRef(brand.code, brand.name),
        customer=v.Customer(title="mrs", last_name="Martin"),
        reference="RO-0000",
        currency=settings.currency,
        preview=True,
        template=template,
        vehicle=v.Vehicle(plate="AB-123-CD", make=brand.name),
        media_origin=storage.origin(),
    )
    return render_page(view)


def report_failure(dealership_id: str, intervention_id: str, reason: str) -> None:
    """A page that could not be published after its retries: the file's history says so and
    the team is told (once per version of the file), so no file passes for "sent" unnoticed."""
    from dealerlink.services.messages import team
    from dealerlink.store.outbox import save_once

    item = interventions.get(dealership_id, intervention_id)
    interventions.add_history(dealership_id, intervention_id, "pages", "page_failed", {"reason": reason[:500]})
    for notice in team(item, get_dealership(dealership_id).settings, "page_failed"):
        save_once(notice)
