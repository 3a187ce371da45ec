"""Email through SES, SMS through SNS, and the outbox queue in front of both."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError
from pydantic import TypeAdapter

from dealerlink.adapters.aws import client
from dealerlink.config import settings
from dealerlink.domain.outbox import EmailMessage, OutboxMessage, SmsMessage

if TYPE_CHECKING:
    from mypy_boto3_ses.type_defs import BodyTypeDef

# Refusals that retrying cannot fix: the address or number itself is wrong. Anything else
# (throttling, an unverified sender, an outage) is retried by the queue.
PERMANENT = {"InvalidParameterValue", "InvalidParameter", "InvalidParameterException", "OptedOut"}


class DeliveryRefusedError(Exception):
    """The provider refused this message for good; ``reason`` is its words."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


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
    """Put a message in the outbox queue; the notify function delivers it (retries, then DLQ)."""
    enqueue_raw(message.model_dump(mode="json"))


def enqueue_raw(body: dict[str, Any]) -> None:
    client("sqs").send_message(QueueUrl=settings().outbox_queue_url, MessageBody=json.dumps(body))


def _refused(error: ClientError) -> DeliveryRefusedError | None:
    details = error.response.get("Error", {})
    if details.get("Code") in PERMANENT:
        return DeliveryRefusedError(f"{details.get('Code')}: {details.get('Message', '')}".strip(": "))
    return None


def send_email(message: EmailMessage) -> str:
    body: BodyTypeDef = {"Text": {"Data": message.text, "Charset": "UTF-8"}}
    if message.html:
        body["Html"] = {"Data": message.html, "Charset": "UTF-8"}
    try:
        response = client("ses").send_email(
            Source=settings().sender_email,
            Destination={"ToAddresses": message.to},
            Message={"Subject": {"Data": message.subject, "Charset": "UTF-8"}, "Body": body},
        )
    except ClientError as error:
        raise _refused(error) or error from None
    return str(response["MessageId"])


def send_sms(message: SmsMessage) -> str:
    try:
        response = client("sns").publish(
            PhoneNumber=message.to,
            Message=message.text,
            MessageAttributes={"AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"}},
        )
    except ClientError as error:
        raise _refused(error) or error from None
    return str(response["MessageId"])
