"""Phone numbers and email addresses, read as people write them (F-3.2, F-1.3).

Phones go through Google's libphonenumber (``phonenumbers``): a national number is read in the
dealership's country ("06 12 34 56 78" in a French dealership is +33612345678) and stored as
E.164. Emails go through ``email-validator`` (syntax only: deliverability is for SES to judge).
The country comes from the request being served (:func:`phone_region`), so models stay plain.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_region: ContextVar[Callable[[], str | None] | None] = ContextVar("phone_region", default=None)


@contextmanager
def phone_region(region: Callable[[], str | None]) -> Iterator[None]:
    """Read national numbers in ``region()`` (an ISO country code) while parsing; called only
    when a number needs it, so requests without a national number never look the country up."""
    token = _region.set(region)
    try:
        yield
    finally:
        _region.reset(token)


def normalise_phone(value: str) -> str:
    """``+33 6 12-34.56.78``, ``0033 6…`` or, in a French dealership, ``06 12 34 56 78`` ->
    ``+33612345678``; a number that is not a valid one of its country is refused."""
    import phonenumbers  # imported at the first number, not at every cold start

    text = value.strip()
    if text.startswith("00"):
        text = "+" + text[2:]
    region = None
    if not text.startswith("+"):
        provider = _region.get()
        region = provider() if provider else None
        if region is None:
            raise ValueError(f"{value!r}: write the number with its country code (+33…)")
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        raise ValueError(f"{value!r} is not a phone number") from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError(f"{value!r} is not a valid phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_email(value: str) -> str:
    """An address as ``email-validator`` reads it (syntax, IDNA domains), lower-cased for look-ups."""
    from email_validator import EmailNotValidError, validate_email  # at the first address

    try:
        checked = validate_email(value.strip(), check_deliverability=False)
    except EmailNotValidError as error:
        raise ValueError(f"{value!r} is not an email address: {error}") from None
    return checked.normalized.lower()
