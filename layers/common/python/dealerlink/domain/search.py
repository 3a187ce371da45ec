"""Keyword search over interventions (F-3.13) as prefix look-ups, so a search is a Query.

Every searchable field is reduced to normalised keywords (upper case, no accents, letters
and digits only); plates and VINs also index their endings, so a partial plate or the end
of a VIN finds the file; phones index their digits with and without the country code.
A search term matches a keyword it begins.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

MAX_KEYWORDS = 45
MIN_QUERY = 2


def normalise(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return re.sub(r"[^A-Z0-9]", "", "".join(c for c in decomposed if not unicodedata.combining(c)).upper())


def _endings(token: str, shortest: int) -> list[str]:
    return [token[i:] for i in range(len(token) - shortest + 1)] if len(token) >= shortest else []


def _phone(phone: str) -> list[str]:
    digits = re.sub(r"\D", "", phone)
    return [digits, digits[-9:]] if len(digits) > 9 else [digits]


def keywords(reference: str, vehicle: dict[str, Any], contact: dict[str, Any] | None) -> list[str]:
    """The keywords of one intervention, most specific first, at most MAX_KEYWORDS."""
    found: list[str] = [normalise(reference)]
    if vehicle.get("plate"):
        found += _endings(normalise(vehicle["plate"]), 3)
    if vehicle.get("vin"):
        found += _endings(normalise(vehicle["vin"]), 6)
    contact = contact or {}
    for name in ("last_name", "first_name"):
        found += [normalise(word) for word in str(contact.get(name) or "").split()]
    if contact.get("email"):
        email = str(contact["email"])
        found += [normalise(email), normalise(email.split("@")[0])]
    if contact.get("phone"):
        found += _phone(str(contact["phone"]))
    unique = list(dict.fromkeys(k for k in found if len(k) >= MIN_QUERY))
    return unique[:MAX_KEYWORDS]


def query_term(text: str) -> str | None:
    """The keyword prefix a search box's text looks for (``06 12…`` finds ``+33 6 12…``)."""
    term = normalise(text)
    if term.isdigit():
        term = term.lstrip("0")
    return term if len(term) >= MIN_QUERY else None
