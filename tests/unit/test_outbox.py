from __future__ import annotations

import pytest
from pydantic import ValidationError

from dealerlink.adapters.messaging import parse_outbox
from dealerlink.domain.outbox import EmailMessage, SmsMessage


def test_outbox_bodies_parse_to_their_kind() -> None:
    email = EmailMessage(message_id="m1", to=["client@example.com"], subject="Votre véhicule", text="Bonjour")
    sms = SmsMessage(message_id="m2", to="+33612345678", text="Bonjour")
    assert parse_outbox(email.model_dump_json()) == email
    assert parse_outbox(sms.model_dump()) == sms


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "email", "message_id": "m", "to": ["not-an-address"], "subject": "s", "text": "t"},
        {"kind": "email", "message_id": "m", "to": [], "subject": "s", "text": "t"},
        {"kind": "sms", "message_id": "m", "to": "0612345678", "text": "t"},
        {"kind": "fax", "message_id": "m", "to": "x", "text": "t"},
        {"kind": "sms", "message_id": "m", "to": "+33612345678", "text": "t", "extra": 1},
    ],
)
def test_malformed_messages_are_refused(body: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        parse_outbox(body)
