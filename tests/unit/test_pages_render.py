"""The customer page, emails and SMS as rendered (F-5, F-3.7, F-3.10, F-3.11, F-3.14, F-6.9, F-11.1)."""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from html import unescape
from typing import Any

import pytest

from dealerlink.domain.validation import LANGUAGES
from dealerlink.domain.worklist import Totals
from dealerlink.pages.i18n import Formats
from dealerlink.pages.render import asset_files, render_email, render_page, render_sms, themes
from dealerlink.pages.view import (
    AcceptMessage,
    Attachment,
    BrandRef,
    Customer,
    Dealer,
    Image,
    PageTemplate,
    PageView,
    Photo,
    PlannedWork,
    Rating,
    ReadyMessage,
    StaffNotice,
    Vehicle,
    Video,
    Work,
)

HOSTILE = "<script>alert('x')</script> \"quoted\" </script><!--"
WEBSITE = "https://www.garage-du-lac.example/"
BOOKING = "https://booking.example.com/garage-du-lac?from=dealerlink"
PROMO_LINK = "https://www.garage-du-lac.example/offers"
PAGE = "https://pages.dealerlink.example/p/0123456789abcdef0123456789abcdef/"
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self' blob:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'"
)


def dealer(booking: str | None = BOOKING, name: str = "Garage du Lac") -> Dealer:
    return Dealer(
        name=name,
        timezone="Europe/Paris",
        address="12 rue du Lac\n74000 Annecy",
        phone="+33 4 50 00 00 00",
        email="atelier@garage-du-lac.example",
        website=WEBSITE,
        booking_link=booking,
    )


def photo(n: int) -> Photo:
    base = f"/p/tok/m/ph{n}"
    return Photo(
        id=f"ph{n}",
        width=1280,
        height=960,
        jpeg={w: f"{base}/{w}.jpg" for w in (320, 640, 1280)},
        webp={w: f"{base}/{w}.webp" for w in (320, 640, 1280)},
        alt=f"Front left tyre {n}",
    )


WORKS = (
    Work("w1", "Front brake pads " + HOSTILE, "urgent", Decimal("189.90"), Decimal("21.10"), "Brakes", HOSTILE),
    Work("w2", "Wiper blades", "recommended", Decimal("39.00")),
    Work("w3", "Tyre pressure", "offered", Decimal("0.00")),
    Work("w4", "Lights", "ok", Decimal("0.00")),
)
PLANNED = (
    PlannedWork("p1", "Timing belt", "recommended", date(2027, 6, 30), 120_000, Decimal("640.00")),
    PlannedWork("p2", "Air conditioning service", "urgent", date(2027, 7, 5), None, Decimal("89.00")),
)


def full_view(kind: str = "intervention", lang: str = "en", **changes: Any) -> PageView:
    """Everything a page can show: template, media, worklist, files, dealer contact."""
    view = PageView(
        kind=kind,  # type: ignore[arg-type]
        module={"intervention": "mechanics", "work_report": "work_report", "reminder": "mechanics"}[kind],
        lang=lang,  # type: ignore[arg-type]
        api_base="/api/v1/public/pages/tok",
        version=3,
        status="read",
        dealership=dealer(),
        brand=BrandRef("renault", "Renault"),
        customer=Customer("mr", "Jean", "Martin " + HOSTILE),
        reference="OR-2026-0042",
        currency="EUR",
        template=PageTemplate(
            banner=Image("/p/tok/t/banner.jpg", 1200, 300, "Spring week"),
            banner_text="Spring service week",
            text="Open on Saturdays.",
            promo=Image("/p/tok/t/promo.jpg", 1200, 600, "20 % off tyres"),
            promo_link=PROMO_LINK,
        ),
        message="We found a few things.\n" + HOSTILE,
        vehicle=Vehicle("AB-123-CD", "Renault", "Clio V", 45_210, date(2019, 3, 12)),
        videos=(Video("v1", "/p/tok/m/v1/video.mp4", "/p/tok/m/v1/index.m3u8", "/p/tok/m/v1/poster.jpg", 42),),
        photos=tuple(photo(n) for n in range(6)),
        attachments=(Attachment("a1", "Quote OR-2026-0042.pdf", 234_567, "/p/tok/files/a1/quote.pdf"),),
        works=WORKS if kind == "intervention" else (),
        performed_works=WORKS[:2] if kind == "work_report" else (),
        works_to_plan=PLANNED if kind != "intervention" else (),
        totals=Totals("EUR", Decimal("228.90"), Decimal("190.75"), Decimal("38.15"), Decimal("21.10")),
        reply_by=datetime(2026, 12, 1, 17, 0, tzinfo=UTC),
        sent_at=datetime(2026, 11, 28, 8, 0, tzinfo=UTC),
    )
    return replace(view, **changes)


def minimal_view(kind: str = "intervention", lang: str = "en") -> PageView:
    return PageView(
        kind=kind,  # type: ignore[arg-type]
        module="direct_message" if kind == "intervention" else kind,
        lang=lang,  # type: ignore[arg-type]
        api_base="/api/v1/public/pages/tok",
        version=1,
        status="sent",
        dealership=Dealer(name="Garage", timezone="UTC"),
        brand=BrandRef("unknown-brand", "Unknown"),
        customer=Customer(),
        reference="R1",
        currency="EUR",
    )


def csp_of(page: str) -> str:
    """The CSP as the browser reads the attribute (quotes arrive as ``&#39;``)."""
    match = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', page)
    assert match, "CSP meta missing"
    return unescape(match[1])


def page_data(html: str) -> dict[str, Any]:
    match = re.search(r'<script type="application/json" id="page-data">(.*?)</script>', html, re.S)
    assert match, "page-data block missing"
    data: dict[str, Any] = json.loads(match[1])
    return data


KINDS = ("intervention", "work_report", "reminder")


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_renders_in_every_language(kind: str, lang: str) -> None:
    view = full_view(kind, lang)
    html = render_page(view)
    fmt = Formats(lang, "Europe/Paris", "EUR")
    assert f'<html lang="{fmt.locale.replace("_", "-")}">' in html
    assert fmt.page_title(kind, view.module) in html
    assert fmt.money(Decimal("640.00") if kind != "intervention" else Decimal("189.90")) in html
    assert "OR-2026-0042" in html
    assert page_data(html)["strings"]["sending"]


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("kind", KINDS)
def test_a_minimal_view_renders_without_optional_parts(kind: str, lang: str) -> None:
    html = render_page(minimal_view(kind, lang))
    assert "<video" not in html
    assert "<picture" not in html
    assert 'id="answers"' not in html
    assert 'class="theme-default"' in html


def test_user_text_is_escaped_everywhere_in_the_page() -> None:
    html = render_page(full_view(dealership=dealer(name="Lac " + HOSTILE)))
    assert "<script>alert" not in html
    assert "</script><!--" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &#34;quoted&#34;" in html
    assert len(re.findall(r"<script\b", html)) == 2  # page.js and the page-data block, nothing injected


def test_page_data_json_survives_hostile_values() -> None:
    booking = BOOKING + "&q=</script><script>alert(1)</script>'\"<!--"
    html = render_page(full_view("reminder", dealership=dealer(booking=booking)))
    assert page_data(html)["booking"] == booking
    block = html.split('id="page-data">', 1)[1]
    assert block.index("</script>") == len(block.split("</script>", 1)[0])  # the first closing tag is ours
    assert "<script>alert" not in block


def test_page_declares_csp_noindex_and_no_referrer() -> None:
    html = render_page(full_view())
    assert csp_of(html) == CSP
    assert '<meta name="robots" content="noindex,nofollow">' in html
    assert '<meta name="referrer" content="no-referrer">' in html
    assert '<meta name="viewport"' in html


def test_a_preview_allows_only_its_signed_media_origin() -> None:
    origin = "https://media-bucket.s3.eu-west-1.amazonaws.com"
    page = render_page(full_view(status="waiting_to_send", preview=True, media_origin=origin))
    assert f"img-src 'self' data: {origin}; media-src 'self' blob: {origin};" in csp_of(page)
    with pytest.raises(ValueError, match="origin"):
        render_page(full_view(preview=True, media_origin="https://x.example; script-src *"))


def test_page_has_no_inline_script_style_or_handlers() -> None:
    html = render_page(full_view())
    assert " style=" not in html
    assert "<style" not in html
    assert not re.search(r"\son[a-z]+=", html)
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert ' src="/p/assets/' in tag or 'type="application/json"' in tag


def test_page_css_and_js_load_nothing_from_another_host() -> None:
    html = render_page(full_view())
    resources = re.findall(r'\s(?:src|poster|srcset)="([^"]*)"', html) + re.findall(r'<link[^>]*href="([^"]*)"', html)
    assert resources
    assert all(not re.match(r"(?i)(https?:)?//", url) for url in resources), resources
    anchors = set(re.findall(r'<a [^>]*href="(https?://[^"]*)"', html))
    assert anchors <= {WEBSITE, BOOKING.replace("&", "&amp;"), PROMO_LINK}
    for path, (body, _) in asset_files().items():
        assert not re.search(rb"https?://|//[a-z0-9.-]+\.[a-z]{2,}/", body), path


def test_unsafe_urls_in_the_view_are_neutralised() -> None:
    template = PageTemplate(promo=Image("javascript:alert(1)", 10, 10), promo_link=" java\tscript:alert(1)")
    html = render_page(full_view(template=template))
    assert "javascript" not in html.replace("JavaScript", "")
    assert 'href="#"' in html


def test_open_intervention_offers_an_accessible_choice_per_proposed_work() -> None:
    html = render_page(full_view())
    assert 'id="answers"' in html
    for work in ("w1", "w2"):
        assert f'<fieldset data-work="{work}">' in html
        assert len(re.findall(rf'<input type="radio" name="a-{work}" value="(yes|no)"', html)) == 2
    assert 'name="a-w3"' not in html  # offered and ok works are information only
    assert 'name="a-w4"' not in html
    assert html.count("<legend>") >= 2
    assert 'data-price="189.90"' in html
    assert '<output id="approved-total"' in html
    assert 'role="status" aria-live="polite"' in html


def test_urgent_works_come_before_recommended_and_information_after() -> None:
    html = render_page(full_view())
    order = [html.index(label) for label in ("Urgent works", "Recommended works", "Done free of charge")]
    assert order == sorted(order)
    assert "Checked, nothing to do" in html


def test_totals_show_proposed_amount_vat_and_discounts() -> None:
    html = render_page(full_view())
    assert "€228.90" in html
    assert "€38.15" in html
    assert "\N{MINUS SIGN}€21.10" in html
    assert '<s><span class="sr-only">Regular price</span> €211.00</s>' in html


def test_answered_view_shows_locked_answers_and_no_actions() -> None:
    works = (replace(WORKS[0], answer=True), replace(WORKS[1], answer=False), *WORKS[2:])
    view = full_view(
        status="answered",
        locked=True,
        works=works,
        accepted_gross=Decimal("189.90"),
        answered_at=datetime(2026, 11, 30, 9, 15, tzinfo=UTC),
    )
    html = render_page(view)
    assert 'id="answers"' not in html
    assert 'type="radio" name="a-' not in html
    assert "✓ Approved" in html
    assert "✗ Declined" in html
    assert "your answers are recorded and locked" in html
    assert "You may now share this page with other people." in html
    assert "Accepted amount" in html
    assert "€189.90" in html
    assert "Please reply by" not in html
    assert page_data(html)["ping"] is False


def test_reminder_books_an_appointment_only_with_a_booking_link() -> None:
    with_link = render_page(full_view("reminder"))
    assert 'value="book"' in with_link
    assert 'type="checkbox" name="work" value="p1"' in with_link
    assert 'value="decline"' in with_link
    without = render_page(full_view("reminder", dealership=dealer(booking=None)))
    assert 'value="book"' not in without
    assert 'type="checkbox"' not in without
    assert 'value="decline"' in without
    assert 'id="callback"' in without
    assert page_data(without)["booking"] is None


def test_answered_reminder_keeps_the_callback_but_no_choice() -> None:
    planned = (replace(PLANNED[0], accepted=True), replace(PLANNED[1], accepted=False))
    html = render_page(full_view("reminder", status="answered", locked=True, works_to_plan=planned))
    assert 'id="reminder"' not in html
    assert "Selected for your appointment" in html
    assert "✗ Declined" in html
    assert 'id="callback"' in html


def test_work_report_lists_performed_works_and_works_to_plan_with_deadlines() -> None:
    html = render_page(full_view("work_report"))
    assert "Works carried out" in html
    assert "Before June 30, 2027 or at 120,000 km" in html
    assert 'id="answers"' not in html
    assert f'href="{BOOKING.replace("&", "&amp;")}"' in html  # F-6.1: the customer can book


def test_closed_file_offers_no_action() -> None:
    html = render_page(full_view(status="closed"))
    assert "<form" not in html
    assert "This file is closed." in html


def test_callback_request_replaces_the_form_with_a_notice() -> None:
    html = render_page(full_view(callback_requested=True))
    assert 'id="callback"' not in html
    assert "You asked us to call you back." in html


def test_a_given_rating_is_shown_instead_of_the_form() -> None:
    html = render_page(full_view(rating=Rating(4, "Quick and " + HOSTILE)))
    assert 'id="rating"' not in html
    assert "★★★★☆" in html
    assert "4 stars out of 5" in html


@pytest.mark.parametrize(
    ("status", "preview", "ping"), [("sent", False, True), ("read", False, False), ("sent", True, False)]
)
def test_only_a_sent_page_reports_its_opening(status: str, preview: bool, ping: bool) -> None:
    data = page_data(render_page(full_view(status=status, preview=preview)))
    assert data["ping"] is ping
    assert data["preview"] is preview


def test_page_data_carries_what_the_script_needs_in_the_customer_language() -> None:
    data = page_data(render_page(full_view(lang="de")))
    assert data["api"] == "/api/v1/public/pages/tok"
    assert data["version"] == 3
    assert data["locale"] == "de"
    assert data["currency"] == "EUR"
    assert data["strings"]["thanks_rating"] == "Vielen Dank für Ihre Bewertung!"
    script = next(body for path, (body, _) in asset_files().items() if path.endswith(".js")).decode()
    used = set(re.findall(r"\bt\.([a-z_]+)", script))
    assert used <= set(data["strings"]), used - set(data["strings"])


def test_reply_by_is_shown_in_the_dealership_time_zone() -> None:
    html = render_page(full_view(lang="fr"))
    assert "mardi 1 décembre 2026" in html
    assert "18:00" in html  # 17:00 UTC is 18:00 in Paris


def test_media_are_responsive_lazy_and_sized() -> None:
    html = render_page(full_view())
    video = re.search(r"<video[^>]*>.*?</video>", html, re.S)
    assert video
    assert 'controls playsinline preload="none"' in video[0]
    assert 'poster="/p/tok/m/v1/poster.jpg"' in video[0]
    assert video[0].index("application/vnd.apple.mpegurl") < video[0].index('type="video/mp4"')
    assert (
        '<source type="image/webp" srcset="/p/tok/m/ph0/320.webp 320w, /p/tok/m/ph0/640.webp 640w, /p/tok/m/ph0/1280.webp 1280w"'
        in html
    )
    assert 'srcset="/p/tok/m/ph0/320.jpg 320w, /p/tok/m/ph0/640.jpg 640w, /p/tok/m/ph0/1280.jpg 1280w"' in html
    for img in re.findall(r"<img [^>]*>", html):
        assert 'width="' in img
        assert 'height="' in img
        assert 'alt="' in img
        assert ('loading="lazy"' in img) != ("/t/banner.jpg" in img)  # only the banner, above the fold, loads at once
    assert 'alt="Front left tyre 0"' in html


def test_print_stylesheet_hides_controls_and_shows_poster() -> None:
    css = next(body for path, (body, _) in asset_files().items() if path.endswith(".css")).decode()
    print_rules = css.split("@media print", 1)[1]
    for selector in ("video", ".choice", ".actions", ".bar", ".print-only{display:block}"):
        assert selector in print_rules
    assert 'class="print-only"' in render_page(full_view())


def test_assets_are_content_hashed_and_linked_absolutely() -> None:
    files = asset_files()
    assert {path.rsplit("/", 1)[1] for path in files} == {"page.css", "page.js"}
    html = render_page(full_view())
    for path, (body, content_type) in files.items():
        digest = path.split("/")[2]
        assert digest == hashlib.sha256(body).hexdigest()[:16]
        assert f'"/{path}"' in html
        assert content_type.startswith(("text/css", "text/javascript"))


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("code", sorted(themes()))
def test_theme_colours_keep_a_readable_contrast(code: str) -> None:
    theme = themes()[code]
    assert _contrast(theme["brand"], theme["on_brand"]) >= 4.5
    assert _contrast(theme["ink"], "#ffffff") >= 4.5
    css = next(body for path, (body, _) in asset_files().items() if path.endswith(".css")).decode()
    assert f".theme-{code}{{--brand:{theme['brand']};" in css


def test_page_weight_stays_under_30_kb_gzipped() -> None:
    html = render_page(full_view()).encode()
    sizes = {"html": html, **{path.rsplit("/", 1)[1]: body for path, (body, _) in asset_files().items()}}
    gzipped = {name: len(gzip.compress(body, 9)) for name, body in sizes.items()}
    total = sum(gzipped.values())
    print(f"page weight gzipped: {gzipped} total {total} bytes")
    assert total <= 30 * 1024


# --- emails and SMS -------------------------------------------------------------------------


def ready(kind: str = "intervention", module: str = "mechanics") -> ReadyMessage:
    return ReadyMessage(
        page_kind=kind,  # type: ignore[arg-type]
        module=module,
        url=PAGE,
        dealership=dealer(name="Garage du Lac " + HOSTILE),
        brand=BrandRef("peugeot", "Peugeot"),
        customer=Customer("mrs", "Anna", "Svensson"),
        reference="OR-2026-0042",
        vehicle=Vehicle("AB-123-CD", "Peugeot", "208"),
        reply_by=datetime(2026, 12, 1, 17, 0, tzinfo=UTC),
        works_count=3,
    )


def accepted() -> AcceptMessage:
    return AcceptMessage(
        url=PAGE,
        dealership=dealer(),
        brand=BrandRef("peugeot", "Peugeot"),
        customer=Customer("mr", "Jean", "Martin"),
        reference="OR-2026-0042",
        accepted_gross=Decimal("1234.50"),
        currency="EUR",
        accepted_count=2,
    )


def staff(event: str) -> StaffNotice:
    return StaffNotice(
        event=event,  # type: ignore[arg-type]
        url="https://app.dealerlink.example/interventions/01J",
        dealership_name="Garage du Lac",
        timezone="Europe/Paris",
        reference="OR-2026-0042",
        customer_name="Jean Martin",
        at=datetime(2026, 11, 30, 9, 15, tzinfo=UTC),
        amount=Decimal("189.90"),
        currency="EUR",
        stars=4 if event == "rated" else None,
        comment="Great " + HOSTILE if event == "rated" else None,
        callback_message="After 5 pm please" if event == "callback" else None,
    )


CUSTOMER_MESSAGES = [
    ("ready", ready()),
    ("ready", ready(module="direct_message")),
    ("ready", ready("work_report", "work_report")),
    ("ready", ready("reminder")),
    ("manual_accept", accepted()),
]


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(("kind", "context"), CUSTOMER_MESSAGES)
def test_customer_emails_render_in_every_language(kind: str, context: Any, lang: str) -> None:
    subject, text, html = render_email(kind, lang, context)  # type: ignore[arg-type]
    assert subject
    assert "\n" not in subject
    assert PAGE in text
    assert f'href="{PAGE}"' in html
    assert "<img" not in html
    assert not re.search(r'src="https?://', html)
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html or kind == "manual_accept"


def test_manual_accept_email_states_the_amount_in_the_customer_locale() -> None:
    _, text, html = render_email("manual_accept", "de", accepted())
    assert "Freigabe für 2 Arbeiten" in text
    assert "1.234,50\xa0€" in text
    assert "Sehr geehrter Herr Martin," in html


def test_reminder_email_counts_its_works() -> None:
    _, text, _ = render_email("ready", "fr", ready("reminder"))
    assert "3 interventions sur votre véhicule arrivent bientôt" in text


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("event", ["read", "answered", "callback", "rated", "paid", "deadline_passed"])
def test_staff_notifications_render_in_the_staff_language(event: str, lang: str) -> None:
    subject, text, html = render_email("staff", lang, staff(event))
    assert subject.startswith("OR-2026-0042")
    assert "https://app.dealerlink.example/interventions/01J" in text
    assert "Jean Martin" in html
    if event in ("answered", "paid"):
        assert Formats(lang).money(Decimal("189.90")) in text
    if event == "rated":
        assert "<script>alert" not in html


def test_staff_notification_speaks_the_staff_language_not_english() -> None:
    subject, text, _ = render_email("staff", "de", staff("callback"))
    assert subject == "OR-2026-0042: Der Kunde bittet um Rückruf"
    assert "Nachricht: After 5 pm please" in text


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(("kind", "context"), CUSTOMER_MESSAGES)
def test_sms_is_short_and_carries_the_link(kind: str, context: Any, lang: str) -> None:
    sms = render_sms(kind, lang, replace(context, dealership=dealer()))  # type: ignore[arg-type]
    assert PAGE in sms
    assert len(sms) < 320
    assert "\n" not in sms


def test_message_kind_and_context_must_match() -> None:
    with pytest.raises(TypeError):
        render_email("staff", "en", ready())
    with pytest.raises(ValueError, match="unknown message kind"):
        render_sms("staff", "en", ready())  # type: ignore[arg-type]
