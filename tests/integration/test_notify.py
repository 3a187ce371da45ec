"""The notify function delivers outbox messages once, and reports the ones it cannot send."""

from __future__ import annotations

import json

import boto3
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends
from moto.sns.models import sns_backends

from dealerlink.domain.outbox import EmailMessage, SmsMessage
from devstack.template import LocalStack
from devstack.worker import LocalContext, sqs_record
from functions.notify.handler import handler


def _event(*bodies: str) -> dict[str, object]:
    arn = "arn:aws:sqs:eu-west-1:123456789012:dealerlink-local-outbox"
    messages = [{"MessageId": f"msg-{i}", "ReceiptHandle": "r", "Body": body} for i, body in enumerate(bodies)]
    return {"Records": [sqs_record(message, arn) for message in messages]}


def test_email_and_sms_are_sent_once_each(stack: LocalStack, context: LocalContext) -> None:
    email = EmailMessage(message_id="m-email", to=["client@example.com"], subject="Votre devis", text="Bonjour")
    sms = SmsMessage(message_id="m-sms", to="+33612345678", text="Votre devis est prêt")
    event = _event(email.model_dump_json(), sms.model_dump_json())

    assert handler(event, context) == {"batchItemFailures": []}
    assert handler(event, context) == {"batchItemFailures": []}  # redelivered: not sent again

    sent = ses_backends[DEFAULT_ACCOUNT_ID]["eu-west-1"].sent_messages
    assert [(m.destinations["ToAddresses"], m.subject) for m in sent] == [(["client@example.com"], "Votre devis")]
    sms_sent = sns_backends[DEFAULT_ACCOUNT_ID]["eu-west-1"].sms_messages
    assert [(number, text) for number, text, *_ in sms_sent.values()] == [("+33612345678", "Votre devis est prêt")]


def test_a_message_that_cannot_be_sent_is_reported_and_the_rest_go(stack: LocalStack, context: LocalContext) -> None:
    boto3.client("ses").delete_identity(Identity=stack.environment["SENDER_EMAIL"])
    email = EmailMessage(message_id="m-refused", to=["client@example.com"], subject="s", text="t")
    sms = SmsMessage(message_id="m-ok", to="+33612345678", text="ok")
    malformed = json.dumps({"kind": "sms", "message_id": "m-bad", "to": "0612", "text": "x"})

    response = handler(_event(email.model_dump_json(), sms.model_dump_json(), malformed), context)

    assert response == {"batchItemFailures": [{"itemIdentifier": "msg-0"}, {"itemIdentifier": "msg-2"}]}
    assert len(sns_backends[DEFAULT_ACCOUNT_ID]["eu-west-1"].sms_messages) == 1
