"""Translations and locale-aware formatting for customer pages, emails and SMS (F-1.5).

Catalogs are the ``.po`` files in ``static_site/translations`` (shipped as
``dealerlink/data/site``): compiled in memory at first use, once per language and process, so
there is no ``.mo`` build step to forget. Money, dates and sizes come from CLDR through Babel
in the customer's locale; times are shown in the dealership's time zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from io import BytesIO
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal
from babel.support import NullTranslations, Translations
from babel.units import format_unit

from dealerlink.domain.validation import LANGUAGES

if TYPE_CHECKING:
    from dealerlink.pages.view import Customer

FALLBACK = "en"
# CLDR names: Norwegian is written Bokmål ("nb"); our Portuguese is Portugal's, not Brazil's.
CLDR_LOCALES = {"no": "nb", "pt": "pt_PT"}


def N_(message: str) -> str:
    """Marks a msgid for extraction where it is defined; it is translated where it is shown."""
    return message


URGENCY_LABELS = {
    "urgent": N_("Urgent"),
    "recommended": N_("Recommended"),
    "offered": N_("Offered"),
    "ok": N_("OK"),
}

PAGE_TITLES = {
    "mechanics": N_("Your vehicle check"),
    "bodywork": N_("Your bodywork estimate"),
    "warranty": N_("Your warranty repair"),
    "direct_message": N_("A personal message for you"),
    "work_report": N_("Your work report"),
    "reminder": N_("Works to plan for your vehicle"),
}

# Greetings are whole sentences per title; a language may use the full name where it addresses
# people by first and last name (sv, no), so every greeting is formatted with both names.
GREETINGS = {
    "mr": N_("Dear Mr %(last_name)s,"),
    "mrs": N_("Dear Mrs %(last_name)s,"),
    "ms": N_("Dear Ms %(last_name)s,"),
    "company": N_("Dear Sir or Madam,"),
    "named": N_("Dear %(full_name)s,"),
    "anonymous": N_("Hello,"),
}
GREETING_NAMES = frozenset({"last_name", "full_name"})

# The customer emails' first sentence, by what is ready.
READY_INTROS = {
    "intervention": N_(
        "We have checked your vehicle. On your personal page you can see what we found and the proposed works with "
        "their prices, and approve or decline each of them."
    ),
    "direct_message": N_("%(dealer)s has sent you a personal message. You can read it on your personal page."),
    "work_report": N_(
        "Your work report is ready. It lists the works we carried out on your vehicle and the works to plan next."
    ),
}

# Staff notifications (F-11.1): the subject and the first sentence per event.
STAFF_HEADLINES = {
    "read": N_("%(reference)s: the customer opened the page"),
    "answered": N_("%(reference)s: the customer answered"),
    "callback": N_("%(reference)s: the customer asks to be called back"),
    "rated": N_("%(reference)s: new rating from the customer"),
    "paid": N_("%(reference)s: the customer paid online"),
    "deadline_passed": N_("%(reference)s: the reply deadline has passed"),
    "page_failed": N_("%(reference)s: the customer page could not be published"),
}
STAFF_SENTENCES = {
    "read": N_("%(customer)s opened the page on %(when)s."),
    "answered": N_("%(customer)s answered on %(when)s."),
    "callback": N_("%(customer)s asked on %(when)s to be called back."),
    "rated": N_("%(customer)s rated your dealership on %(when)s."),
    "paid": N_("%(customer)s paid online on %(when)s."),
    "deadline_passed": N_("The reply deadline passed on %(when)s and %(customer)s has not answered yet."),
    "page_failed": N_(
        "The page for %(customer)s could not be published on %(when)s, so the link does not work yet. Send it again; if this happens again, contact support."
    ),
}
STAFF_LABELS = {
    "customer": N_("Customer"),
    "reference": N_("Reference"),
    "vehicle": N_("Vehicle"),
    "answered": N_("Accepted amount"),
    "paid": N_("Amount paid"),
    "stars": N_("Rating"),
    "comment": N_("Comment"),
    "callback_message": N_("Message"),
}


def cldr_locale(lang: str) -> str:
    """The Babel locale of one of our language codes (``no`` is ``nb``, ``pt`` is ``pt_PT``)."""
    return CLDR_LOCALES.get(lang, lang)


def html_lang(lang: str) -> str:
    """The BCP 47 tag for ``<html lang>`` and ``Intl`` in the browser."""
    return cldr_locale(lang).replace("_", "-")


def _catalog_file(lang: str) -> resources.abc.Traversable:
    return resources.files("dealerlink") / "data" / "site" / "translations" / lang / "LC_MESSAGES" / "messages.po"


@lru_cache(maxsize=len(LANGUAGES))
def translations(lang: str) -> NullTranslations:
    """The compiled catalog of ``lang``; unknown languages and missing entries read English."""
    if lang not in LANGUAGES:
        lang = FALLBACK
    with _catalog_file(lang).open("rb") as po:
        catalog = read_po(po, locale=cldr_locale(lang))
    compiled = BytesIO()
    write_mo(compiled, catalog)  # fuzzy entries are left out: they read as the English msgid
    compiled.seek(0)
    return Translations(fp=compiled)


@dataclass(frozen=True)
class Formats:
    """Formatting for one reader: their language, the money's currency, the dealership's zone."""

    lang: str
    timezone: str = "UTC"
    currency: str = "EUR"

    @property
    def locale(self) -> str:
        return cldr_locale(self.lang)

    def gettext(self, message: str) -> str:
        return translations(self.lang).gettext(message)

    def ngettext(self, singular: str, plural: str, n: int, **values: object) -> str:
        """The plural form for ``n``, formatted with ``num`` and ``values`` (as Jinja's newstyle gettext)."""
        return translations(self.lang).ngettext(singular, plural, n) % {"num": n, **values}

    def money(self, amount: Decimal, currency: str | None = None) -> str:
        """``1 234,50 €`` in French, ``1.234,50 €`` in German, ``€1,234.50`` in English."""
        return format_currency(amount, currency or self.currency, locale=self.locale)

    def date(self, value: date) -> str:
        return format_date(value, "long", locale=self.locale)

    def datetime(self, value: datetime) -> str:
        """A moment in the dealership's time zone: full date and short time, as CLDR joins them."""
        zone = ZoneInfo(self.timezone)
        day = format_date(value.astimezone(zone), "full", locale=self.locale)
        time = format_time(value, "short", tzinfo=zone, locale=self.locale)
        pattern = Locale.parse(self.locale).datetime_formats["long"]
        return str(pattern).replace("'", "").replace("{1}", day).replace("{0}", time)

    def distance(self, km: int) -> str:
        return format_unit(km, "length-kilometer", length="short", locale=self.locale)

    def number(self, value: int) -> str:
        return format_decimal(value, locale=self.locale)

    def size(self, size_bytes: int) -> str:
        """File sizes in kB below a megabyte, else MB with one decimal, in the locale's units."""
        if size_bytes < 1_000_000:
            kb = max(1, round(size_bytes / 1000))
            return format_unit(kb, "digital-kilobyte", length="short", locale=self.locale)
        mb = Decimal(size_bytes) / 1_000_000
        return format_unit(mb, "digital-megabyte", length="short", format="#,##0.#", locale=self.locale)

    def urgency(self, urgency: str) -> str:
        return self.gettext(URGENCY_LABELS[urgency])

    def page_title(self, kind: str, module: str) -> str:
        key = kind if kind in ("work_report", "reminder") else module
        return self.gettext(PAGE_TITLES.get(key, PAGE_TITLES["mechanics"]))

    def greeting(self, customer: Customer) -> str:
        """The salutation by title and last name (F-3.5 requires both to send)."""
        last = (customer.last_name or "").strip()
        full = " ".join(p for p in ((customer.first_name or "").strip(), last) if p)
        if customer.title == "company":
            key = "company"
        elif customer.title and last:
            key = customer.title
        else:
            key = "named" if full else "anonymous"
        return self.gettext(GREETINGS[key]) % {"last_name": last, "full_name": full or last}
