"""An item's size as DynamoDB counts it: UTF-8 bytes of attribute names and values."""

from __future__ import annotations

import pytest

from dealerlink.errors import PayloadTooLargeError
from dealerlink.store.table import MAX_ITEM_BYTES, check_item_size, item_size, json_text
from dealerlink.store.templates import MessageItem


def _message(doc: str) -> MessageItem:
    return MessageItem("DLR#d", "MSG#m", message_id="m", doc=doc, version=1)


def test_text_costs_its_utf8_bytes() -> None:
    plain, accented = item_size(_message("e" * 1000)), item_size(_message("é" * 1000))
    assert accented - plain == 1000  # 'é' is two bytes, 'e' one
    assert item_size(_message("€" * 1000)) - plain == 2000


def test_json_in_a_string_keeps_multibyte_text_as_it_is() -> None:
    assert json_text({"text": "é€"}) == '{"text": "é€"}'


def test_an_item_over_400_kb_is_a_413_naming_its_largest_field() -> None:
    big = _message(json_text({"name": "Relance", "texts": {"fr": "€" * 140_000}}))
    assert item_size(big) > MAX_ITEM_BYTES
    with pytest.raises(PayloadTooLargeError) as raised:
        check_item_size(big)
    assert (raised.value.status, raised.value.field) == (413, "texts")


def test_an_item_under_400_kb_passes() -> None:
    check_item_size(_message(json_text({"name": "Relance", "texts": {"fr": "€" * 130_000}})))
