"""Phones read in the dealership's country (libphonenumber), emails by email-validator, and
JSON merge patch exactly as RFC 7396 (its Appendix A examples)."""

from __future__ import annotations

from typing import Any

import pytest

from dealerlink.domain.contacts import normalise_email, normalise_phone, phone_region
from dealerlink.domain.validation import merge


@pytest.mark.parametrize(
    ("written", "region", "stored"),
    [
        ("06 12 34 56 78", "FR", "+33612345678"),
        ("+33 6 12-34.56.78", None, "+33612345678"),
        ("0033612345678", None, "+33612345678"),
        ("0151 23456789", "DE", "+4915123456789"),
        ("+44 20 7946 0958", "FR", "+442079460958"),  # an international number stays itself
    ],
)
def test_phone_numbers_are_read_in_the_dealerships_country(written: str, region: str | None, stored: str) -> None:
    with phone_region(lambda: region):
        assert normalise_phone(written) == stored


@pytest.mark.parametrize(("written", "region"), [("06 12 34 56 78", None), ("+33 12", "FR"), ("hello", "FR")])
def test_numbers_that_are_not_valid_are_refused(written: str, region: str | None) -> None:
    with phone_region(lambda: region), pytest.raises(ValueError, match=r"phone number|country code"):
        normalise_phone(written)


def test_the_country_is_looked_up_only_for_a_national_number() -> None:
    asked: list[bool] = []

    def country() -> str:
        asked.append(True)
        return "FR"

    with phone_region(country):
        normalise_phone("+33612345678")
        assert asked == []
        normalise_phone("0612345678")
        assert asked == [True]


def test_emails_are_checked_by_email_validator() -> None:
    assert normalise_email(" Claire.Martin@Example.FR ") == "claire.martin@example.fr"
    for bad in ("claire@", "claire@@example.fr", "claire@example..fr", "a b@example.fr"):
        with pytest.raises(ValueError, match="not an email address"):
            normalise_email(bad)


# RFC 7396, Appendix A: (target, patch, result)
RFC_7396_EXAMPLES: list[tuple[Any, Any, Any]] = [
    ({"a": "b"}, {"a": "c"}, {"a": "c"}),
    ({"a": "b"}, {"b": "c"}, {"a": "b", "b": "c"}),
    ({"a": "b"}, {"a": None}, {}),
    ({"a": "b", "b": "c"}, {"a": None}, {"b": "c"}),
    ({"a": ["b"]}, {"a": "c"}, {"a": "c"}),
    ({"a": "c"}, {"a": ["b"]}, {"a": ["b"]}),
    ({"a": {"b": "c"}}, {"a": {"b": "d", "c": None}}, {"a": {"b": "d"}}),
    ({"a": [{"b": "c"}]}, {"a": [1]}, {"a": [1]}),
    (["a", "b"], ["c", "d"], ["c", "d"]),
    ({"a": "b"}, ["c"], ["c"]),
    ({"a": "foo"}, None, None),
    ({"a": "foo"}, "bar", "bar"),
    ({"e": None}, {"a": 1}, {"e": None, "a": 1}),
    ([1, 2], {"a": "b", "c": None}, {"a": "b"}),
    ({}, {"a": {"bb": {"ccc": None}}}, {"a": {"bb": {}}}),
]


@pytest.mark.parametrize(("target", "patch", "result"), RFC_7396_EXAMPLES)
def test_merge_patch_follows_rfc_7396(target: Any, patch: Any, result: Any) -> None:
    assert merge(target, patch) == result
