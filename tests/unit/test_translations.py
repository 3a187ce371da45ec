"""Nine languages (F-1.5): every message translated, placeholders kept, money and dates per locale."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cache
from importlib import resources
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

from dealerlink.domain.validation import LANGUAGES
from dealerlink.pages.i18n import GREETING_NAMES, GREETINGS, Formats, cldr_locale, html_lang, translations
from dealerlink.pages.view import Customer

SITE = Path(str(resources.files("dealerlink") / "data" / "site"))
PAGES = Path(str(resources.files("dealerlink") / "pages"))
OTHERS = [lang for lang in LANGUAGES if lang != "en"]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


@cache
def extracted() -> dict[str, str | tuple[str, str]]:
    """Every msgid the templates and the renderer's Python use, by Babel's own extractor and babel.cfg."""
    with (SITE / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found: dict[str, str | tuple[str, str]] = {}
    for root in (SITE, PAGES):
        for _, _, message, _, _ in extract_from_dir(root, method_map, options_map):
            if isinstance(message, tuple):
                found[message[0]] = (message[0], message[1])
            else:
                found[message] = message
    return found


@cache
def catalog(lang: str) -> Catalog:
    with (SITE / "translations" / lang / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po)


def _strings(value: str | tuple[str, ...] | list[str] | None) -> list[str]:
    if value is None:
        return [""]
    return [value] if isinstance(value, str) else list(value)


def test_the_extractor_finds_the_page_email_sms_and_python_messages() -> None:
    ids = extracted()
    assert "Confirm my answers" in ids  # templates/
    assert "Open my page" in ids  # emails/
    assert "%(dealer)s: your work report is ready: %(url)s" in ids  # sms/
    assert "Dear Mr %(last_name)s," in ids  # pages/i18n.py
    assert "Sending…" in ids  # pages/render.py (page.js strings)
    assert isinstance(ids["%(num)d star"], tuple)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_has_a_finished_translation(lang: str) -> None:
    entries = {(m.id[0] if isinstance(m.id, tuple) else m.id): m for m in catalog(lang) if m.id}
    for msgid, expected in extracted().items():
        entry = entries.get(msgid)
        assert entry is not None, f"{lang}: missing {msgid!r}"
        assert not entry.fuzzy, f"{lang}: fuzzy {msgid!r}"
        assert entry.id == expected, f"{lang}: {msgid!r} differs in plural form"
        forms = _strings(entry.string)
        assert all(s.strip() for s in forms), f"{lang}: empty translation of {msgid!r}"
        assert len(forms) == (catalog(lang).num_plurals if entry.pluralizable else 1)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalogs_hold_no_stale_messages(lang: str) -> None:
    stale = {m.id[0] if isinstance(m.id, tuple) else m.id for m in catalog(lang) if m.id} - set(extracted())
    assert stale == set()


@pytest.mark.parametrize("lang", OTHERS)
def test_translations_are_not_copies_of_the_english(lang: str) -> None:
    entries = [m for m in catalog(lang) if m.id]
    copies = [m.id for m in entries if _strings(m.id) == _strings(m.string)]
    assert len(copies) <= len(entries) // 10, copies


@pytest.mark.parametrize("lang", LANGUAGES)
def test_placeholders_survive_translation(lang: str) -> None:
    """A translation may drop a name but never invent one: formatting would raise KeyError."""
    greetings = set(GREETINGS.values())
    for entry in catalog(lang):
        if not entry.id:
            continue
        allowed = set(PLACEHOLDER.findall(" ".join(_strings(entry.id))))
        if entry.id in greetings:
            allowed |= GREETING_NAMES
        for form in _strings(entry.string):
            assert set(PLACEHOLDER.findall(form)) <= allowed, f"{lang}: {form!r}"
            assert "%" not in PLACEHOLDER.sub("", form).replace("%%", ""), f"{lang}: stray % in {form!r}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_plural_rules_are_the_languages_own(lang: str) -> None:
    assert catalog(lang).plural_forms == get_plural(cldr_locale(lang)).plural_forms


def test_plural_forms_follow_the_count() -> None:
    fr, de = translations("fr"), translations("de")
    assert fr.ngettext("%(num)d star", "%(num)d stars", 1) == "%(num)d étoile"
    assert fr.ngettext("%(num)d star", "%(num)d stars", 0) == "%(num)d étoile"  # French: 0 is singular
    assert de.ngettext("%(num)d star", "%(num)d stars", 0) == "%(num)d Sterne"
    assert Formats("sv").ngettext("%(num)d star", "%(num)d stars", 3) == "3 stjärnor"


def test_an_unknown_language_reads_english() -> None:
    assert translations("xx").gettext("Confirm my answers") == "Confirm my answers"


def _spaces(text: str) -> str:
    """CLDR separates with no-break and narrow no-break spaces; compare them as spaces."""
    return text.replace("\u202f", " ").replace("\xa0", " ")


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "€1,234.50"),
        ("fr", "1 234,50 €"),
        ("de", "1.234,50 €"),
        ("nl", "€ 1.234,50"),
        ("es", "1.234,50 €"),
        ("it", "1.234,50 €"),
        ("pt", "1 234,50 €"),  # Portugal, not Brazil ("€ 1.234,50")
        ("sv", "1 234,50 €"),
        ("no", "1 234,50 €"),
    ],
)
def test_money_is_written_the_way_the_customer_reads_it(lang: str, expected: str) -> None:
    assert _spaces(Formats(lang).money(Decimal("1234.50"))) == expected


def test_money_in_another_currency_keeps_its_symbol() -> None:
    assert _spaces(Formats("no", currency="NOK").money(Decimal("1234.5"))) == "1 234,50 kr"


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("en", "June 30, 2021"), ("fr", "30 juin 2021"), ("de", "30. Juni 2021"), ("no", "30. juni 2021")],
)
def test_dates_are_long_and_in_the_customer_language(lang: str, expected: str) -> None:
    assert Formats(lang).date(date(2021, 6, 30)) == expected


def test_times_are_shown_in_the_dealership_time_zone() -> None:
    moment = datetime(2026, 7, 1, 22, 30, tzinfo=UTC)
    assert Formats("de", "Europe/Berlin").datetime(moment) == "Donnerstag, 2. Juli 2026, 00:30"
    assert Formats("en", "Europe/London").datetime(moment) == "Wednesday, July 1, 2026, 11:30\u202fPM"


@pytest.mark.parametrize(
    ("lang", "customer", "expected"),
    [
        ("de", Customer("mr", "Hans", "Müller"), "Sehr geehrter Herr Müller,"),
        ("de", Customer("ms", "Eva", "Roth"), "Sehr geehrte Frau Roth,"),
        ("fr", Customer("mrs", "Anne", "Martin"), "Bonjour Madame Martin,"),
        ("es", Customer("mr", "Juan", "García"), "Estimado Sr. García:"),
        ("sv", Customer("mrs", "Anna", "Svensson"), "Hej Anna Svensson,"),
        ("no", Customer("mr", None, "Hansen"), "Hei Hansen,"),
        ("it", Customer("company", None, "Rossi Srl"), "Spettabile Ditta,"),
        ("en", Customer(None, "Sam", "Lee"), "Dear Sam Lee,"),
        ("nl", Customer(), "Goedendag,"),
    ],
)
def test_greeting_uses_title_and_last_name_in_the_language(lang: str, customer: Customer, expected: str) -> None:
    assert Formats(lang).greeting(customer) == expected


def test_norwegian_is_bokmal_and_portuguese_is_portugal_for_cldr() -> None:
    assert html_lang("no") == "nb"
    assert html_lang("pt") == "pt-PT"
    assert cldr_locale("de") == "de"


def test_sizes_and_distances_use_the_locale_units() -> None:
    assert _spaces(Formats("fr").size(1_250_000)) == "1,2 Mo"
    assert Formats("en").size(234_567) == "235 kB"
    assert _spaces(Formats("de").distance(120_000)) == "120.000 km"
