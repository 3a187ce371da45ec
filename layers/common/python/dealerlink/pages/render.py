"""Rendering of customer pages, emails and SMS with Jinja2 (F-5, F-3.7, F-3.10, F-11.1).

Pure functions of a view model (``dealerlink.pages.view``): no I/O but reading this package's
own files (``dealerlink/data/site`` is ``static_site/``). The caller stores the results: the
page at ``p/<token>/index.html`` and :func:`asset_files` beside it in the site bucket, emails
and SMS in the outbox.

Storing, e.g.: ``put_object(Key=f"p/{token}/index.html", Body=render_page(view).encode(),
ContentType="text/html; charset=utf-8", CacheControl=PAGE_CACHE_CONTROL)`` and, once per deploy
or render, every ``path, (body, content_type)`` of :func:`asset_files` with ``ASSET_CACHE_CONTROL``.

One Jinja environment per language, built once per process with that language's catalog
installed, so that renders in different languages can never share translations (the local
stack renders pages and previews on several threads).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from typing import Any, Literal
from urllib.parse import urlsplit

from jinja2 import Environment, FunctionLoader, StrictUndefined, select_autoescape

from dealerlink.domain.validation import LANGUAGES
from dealerlink.pages.i18n import (
    FALLBACK,
    N_,
    READY_INTROS,
    STAFF_HEADLINES,
    STAFF_LABELS,
    STAFF_SENTENCES,
    Formats,
    html_lang,
    translations,
)
from dealerlink.pages.view import AcceptMessage, BrandRef, PageView, ReadyMessage, StaffNotice, Vehicle, Work

EmailKind = Literal["ready", "manual_accept", "staff"]
SmsKind = Literal["ready", "manual_accept"]

SITE = resources.files("dealerlink") / "data" / "site"
ASSET_PREFIX = "p/assets"
# Cache-Control for the site bucket's objects: pages change with every customer action, assets
# never change under their content-hashed path.
PAGE_CACHE_CONTROL = "no-cache"
ASSET_CACHE_CONTROL = "public, max-age=31536000, immutable"
OPEN = ("waiting_to_send", "sent", "read")  # statuses in which the customer can still answer
PROPOSED = ("urgent", "recommended")
INFORMATION = ("offered", "ok")

# Sentences page.js shows; it holds no text of its own.
JS_STRINGS = {
    "sending": N_("Sending…"),
    "preview": N_("This is a preview: nothing is sent."),
    "answer_each": N_("Please approve or decline each work before you confirm."),
    "thanks_answers": N_("Thank you! Your answers have been sent to us."),
    "thanks_declined": N_("Thank you, your answer has been recorded."),
    "thanks_callback": N_("Thank you! We will call you back shortly."),
    "thanks_rating": N_("Thank you for your feedback!"),
    "choose_stars": N_("Please choose between 1 and 5 stars."),
    "confirm_decline": N_("Yes, decline all works"),
    "confirm_decline_hint": N_("Press the button again to confirm."),
    "to_booking": N_("Opening our booking page…"),
    "error_generic": N_("Sorry, something went wrong. Please try again, or call us."),
    "error_network": N_("We could not reach our server. Please check your connection and try again."),
    "error_conflict": N_("This page has just been updated. It will reload in a moment."),
    "error_rate_limited": N_("Too many attempts. Please wait a moment and try again."),
    "error_gone": N_("This page is no longer available. Please contact us."),
}

_CONTROL = re.compile(r"[\x00-\x20\x7f]")
_ORIGIN = re.compile(r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$")
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:{media}; "
    "media-src 'self' blob:{media}; connect-src 'self'; base-uri 'none'; form-action 'none'"
)


def content_security_policy(media_origin: str | None = None) -> str:
    """The page's CSP: everything from its own origin, plus a preview's media origin if any."""
    if media_origin is not None and not _ORIGIN.match(media_origin):
        raise ValueError(f"media_origin must be a scheme://host[:port] origin, not {media_origin!r}")
    return CSP.format(media=f" {media_origin}" if media_origin else "")


def _read(name: str) -> str:
    return (SITE / name).read_text(encoding="utf-8")


def _load(name: str) -> tuple[str, str, Callable[[], bool]]:
    return _read(name), f"static_site/{name}", lambda: True


def safe_href(url: str) -> str:
    """``url`` when it is a web or same-origin address; ``#`` for ``javascript:``, ``data:`` and the like.

    The view's URLs are trusted to be final, this is only a second lock behind the CSP.
    """
    scheme = urlsplit(_CONTROL.sub("", url)).scheme.lower()
    return url.strip() if scheme in ("", "http", "https") else "#"


def _hostname(url: str) -> str:
    return urlsplit(url).hostname or url


def _fallback_src(renditions: Mapping[int, str]) -> str:
    """The ``src`` for browsers without ``srcset``: the 640 px rendition, else the largest."""
    return renditions.get(640) or renditions[max(renditions)]


@lru_cache(maxsize=len(LANGUAGES))
def _environment(lang: str) -> Environment:
    env = Environment(
        loader=FunctionLoader(_load),
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default_for_string=True, default=False),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.policies["ext.i18n.trimmed"] = True
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    env.filters.update(href=safe_href, hostname=_hostname, fallback_src=_fallback_src)
    return env


def _lang(lang: str) -> str:
    return lang if lang in LANGUAGES else FALLBACK


@lru_cache(maxsize=1)
def themes() -> dict[str, dict[str, str]]:
    """Brand colours by brand code (``static_site/themes.json``); ``default`` for the others."""
    data: dict[str, Any] = json.loads(_read("themes.json"))
    return {code: colours for code, colours in data.items() if not code.startswith("_")}


def theme_code(brand: BrandRef | None) -> str:
    return brand.code if brand is not None and brand.code in themes() else "default"


def _theme_css() -> str:
    rules = (
        f".theme-{code}{{--brand:{t['brand']};--on-brand:{t['on_brand']};--ink:{t['ink']}}}"
        for code, t in themes().items()
    )
    return "\n".join(rules) + "\n"


@lru_cache(maxsize=1)
def asset_files() -> dict[str, tuple[bytes, str]]:
    """The page's CSS and JS by site path, ``p/assets/<content hash>/<name>``: cacheable forever."""
    files = {
        "page.css": ((_read("assets/page.css") + _theme_css()).encode(), "text/css; charset=utf-8"),
        "page.js": (_read("assets/page.js").encode(), "text/javascript; charset=utf-8"),
    }
    return {
        f"{ASSET_PREFIX}/{hashlib.sha256(body).hexdigest()[:16]}/{name}": (body, content_type)
        for name, (body, content_type) in files.items()
    }


def _asset_links() -> dict[str, str]:
    return {path.rsplit("/", 1)[1].split(".")[1]: "/" + path for path in asset_files()}


def _by_urgency(works: tuple[Work, ...], urgencies: tuple[str, ...]) -> list[tuple[str, list[Work]]]:
    groups = [(u, [w for w in works if w.urgency == u]) for u in urgencies]
    return [(u, ws) for u, ws in groups if ws]


def _page_data(view: PageView, fmt: Formats) -> dict[str, Any]:
    """What page.js reads from ``#page-data``; the template escapes it with ``|tojson``."""
    return {
        "api": view.api_base,
        "version": view.version,
        "status": view.status,
        "preview": view.preview,
        "ping": view.status == "sent" and not view.preview,
        "locale": html_lang(view.lang),
        "currency": view.currency,
        "booking": view.dealership.booking_link,
        "strings": {key: fmt.gettext(msgid) for key, msgid in JS_STRINGS.items()},
    }


def _page_context(view: PageView) -> dict[str, Any]:
    fmt = Formats(view.lang, view.dealership.timezone, view.currency)
    proposed = _by_urgency(view.works, PROPOSED)
    is_open = not view.locked and view.status in OPEN
    prices = [w.price_gross for w in view.works_to_plan if w.price_gross is not None]
    return {
        "view": view,
        "csp": content_security_policy(view.media_origin),
        "tpl": view.template,
        "fmt": fmt,
        "html_lang": html_lang(view.lang),
        "title": fmt.page_title(view.kind, view.module),
        "greeting": fmt.greeting(view.customer),
        "theme": themes()[theme_code(view.brand)],
        "theme_code": theme_code(view.brand),
        "assets": _asset_links(),
        "booking": view.dealership.booking_link,
        "proposed": proposed,
        "info": _by_urgency(view.works, INFORMATION),
        "proposed_total": view.totals.proposed_gross
        if view.totals
        else sum((w.price_gross for _, ws in proposed for w in ws), Decimal("0.00")),
        "performed_total": sum((w.price_gross for w in view.performed_works), Decimal("0.00")),
        "planned_total": sum(prices, Decimal("0.00")) if prices else None,
        "can_answer": is_open and bool(proposed) and view.kind != "reminder",
        "reminder_open": is_open and view.kind == "reminder",
        "page_data": _page_data(view, fmt),
    }


def render_page(view: PageView) -> str:
    """The customer page of ``view`` as one HTML document (links the assets of :func:`asset_files`)."""
    return _environment(_lang(view.lang)).get_template("templates/page.html.j2").render(_page_context(view))


_EMAIL_CONTEXTS: dict[str, type] = {"ready": ReadyMessage, "manual_accept": AcceptMessage, "staff": StaffNotice}
_SMS_CONTEXTS: dict[str, type] = {"ready": ReadyMessage, "manual_accept": AcceptMessage}


def _vehicle(vehicle: Vehicle) -> str:
    return " ".join(p for p in (vehicle.make, vehicle.model, vehicle.plate) if p)


def _customer_intro(fmt: Formats, m: ReadyMessage | AcceptMessage) -> str:
    """The first sentence of a customer email: what is ready, or what was recorded."""
    if isinstance(m, AcceptMessage):
        return fmt.ngettext(
            "Thank you for your answer. We have recorded your approval of %(num)d work, for a total of %(amount)s incl. VAT.",
            "Thank you for your answer. We have recorded your approval of %(num)d works, for a total of %(amount)s incl. VAT.",
            m.accepted_count,
            amount=fmt.money(m.accepted_gross),
        )
    if m.page_kind == "reminder":
        return fmt.ngettext(
            "%(num)d work on your vehicle will soon be due. On your personal page you can book an appointment or let us know what you would prefer.",
            "%(num)d works on your vehicle will soon be due. On your personal page you can book an appointment or let us know what you would prefer.",
            m.works_count,
        )
    key = m.page_kind if m.page_kind == "work_report" else m.module
    return fmt.gettext(READY_INTROS.get(key, READY_INTROS["intervention"])) % {"dealer": m.dealership.name}


def _staff_context(lang: str, notice: StaffNotice) -> dict[str, Any]:
    fmt = Formats(lang, notice.timezone, notice.currency or "EUR")
    values = {"reference": notice.reference, "customer": notice.customer_name, "when": fmt.datetime(notice.at)}
    label = fmt.gettext
    rows = [
        (label(STAFF_LABELS["customer"]), notice.customer_name),
        (label(STAFF_LABELS["reference"]), notice.reference),
        (label(STAFF_LABELS["vehicle"]), _vehicle(notice.vehicle)),
    ]
    if notice.amount is not None and notice.event in ("answered", "paid"):
        rows.append((label(STAFF_LABELS[notice.event]), fmt.money(notice.amount)))
    if notice.stars is not None:
        rows.append((label(STAFF_LABELS["stars"]), fmt.ngettext("%(num)d star", "%(num)d stars", notice.stars)))
    rows += [(label(STAFF_LABELS[k]), getattr(notice, k)) for k in ("comment", "callback_message")]
    return {
        "m": notice,
        "fmt": fmt,
        "theme": themes()["default"],
        "html_lang": html_lang(lang),
        "headline": label(STAFF_HEADLINES[notice.event]) % values,
        "intro": label(STAFF_SENTENCES[notice.event]) % values,
        "rows": [(k, v) for k, v in rows if v],
    }


def _message_context(lang: str, context: ReadyMessage | AcceptMessage | StaffNotice) -> dict[str, Any]:
    if isinstance(context, StaffNotice):
        return _staff_context(lang, context)
    currency = context.currency if isinstance(context, AcceptMessage) else "EUR"
    fmt = Formats(lang, context.dealership.timezone, currency)
    kind, module = (context.page_kind, context.module) if isinstance(context, ReadyMessage) else ("", "")
    return {
        "m": context,
        "fmt": fmt,
        "theme": themes()[theme_code(context.brand)],
        "html_lang": html_lang(lang),
        "greeting": fmt.greeting(context.customer),
        "title": fmt.page_title(kind, module) if kind else "",
        "intro": _customer_intro(fmt, context),
        "vehicle": _vehicle(context.vehicle),
    }


def _checked(kind: str, context: object, kinds: Mapping[str, type]) -> None:
    expected = kinds.get(kind)
    if expected is None:
        raise ValueError(f"unknown message kind {kind!r}; expected one of {sorted(kinds)}")
    if not isinstance(context, expected):
        raise TypeError(f"a {kind!r} message needs a {expected.__name__}, not {type(context).__name__}")


def render_email(
    kind: EmailKind, lang: str, context: ReadyMessage | AcceptMessage | StaffNotice
) -> tuple[str, str, str]:
    """(subject, text, html) of an email in ``lang`` (the customer's, or the staff member's for ``staff``)."""
    _checked(kind, context, _EMAIL_CONTEXTS)
    env = _environment(_lang(lang))
    values = _message_context(_lang(lang), context)
    text = env.get_template(f"emails/{kind}.txt.j2")
    subject = " ".join("".join(text.blocks["subject"](text.new_context(values))).split())
    html = env.get_template(f"emails/{kind}.html.j2").render(values, subject=subject)
    return subject, text.render(values).strip() + "\n", html


def render_sms(kind: SmsKind, lang: str, context: ReadyMessage | AcceptMessage) -> str:
    """One short SMS with the page's link, whitespace collapsed."""
    _checked(kind, context, _SMS_CONTEXTS)
    body = _environment(_lang(lang)).get_template(f"sms/{kind}.txt.j2").render(_message_context(_lang(lang), context))
    return " ".join(body.split())
