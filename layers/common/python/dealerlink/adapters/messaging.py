"""Email through SES, SMS through SNS, and the outbox queue in front of both."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from pydantic import TypeAdapter

from dealerlink.adapters.aws import client
from dealerlink.config import settings
from dealerlink.domain.outbox import EmailMessage, OutboxMessage, SmsMessage


@lru_cache(maxsize=1)
def _outbox() -> TypeAdapter[EmailMessage | SmsMessage]:
    """Built on first use: only the notify function parses outbox messages."""
    return TypeAdapter(OutboxMessage)


def parse_outbox(payload: str | dict[str, Any]) -> EmailMessage | SmsMessage:
    """A queue body (JSON text) or an already decoded dict, validated."""
    if isinstance(payload, str):
        return _outbox().validate_json(payload)
    return _outbox().validate_python(payload)


def enqueue(message: EmailMessage | SmsMessage) -> None:
    """Put a message in the outbox; the notify function delivers it (retries, then DLQ)."""
    client("sqs").send_message(QueueUrl=settings().outbox_queue_url, MessageBody=message.model_dump_json())


def send_email(message: EmailMessage) -> str:
    body = {"Text": {"Data": message.text, "Charset": "UTF-8"}}
    if message.html:
        body["Html"] = {"Data": message.html, "Charset": "UTF-8"}
    response = client("ses").send_email(
        Source=settings().sender_email,
        Destination={"ToAddresses": message.to},
        Message={"Subject": {"Data": message.subject, "Charset": "UTF-8"}, "Body": body},
    )
    return str(response["MessageId"])


def send_sms(message: SmsMessage) -> str:
    response = client("sns").publish(
        PhoneNumber=message.to,
        Message=message.text,
        MessageAttributes={"AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"}},
    )
    return str(response["MessageId"])
