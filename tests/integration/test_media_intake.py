"""An object put in the media bucket reaches the media handler, and is taken exactly once."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3

from dealerlink.domain.objects import parse_object_key
from dealerlink.store.objects import get_received
from devstack.template import LocalStack
from devstack.worker import LocalContext
from functions.media.handler import handler

KEY = "dealerships/01HZZZDEMQDEA1ERSH1P000000/inbox/front-left.jpg"


def _notifications(stack: LocalStack) -> dict[str, Any]:
    """What S3 put on the uploads queue, as Lambda's SQS event source would deliver it."""
    sqs = boto3.client("sqs")
    url = stack.environment["MEDIA_UPLOADS_QUEUE_URL"]
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    return {
        "Records": [
            {
                "messageId": m["MessageId"],
                "receiptHandle": m["ReceiptHandle"],
                "body": m["Body"],
                "attributes": {},
                "messageAttributes": {},
                "md5OfBody": m["MD5OfBody"],
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:eu-west-1:123456789012:dealerlink-local-media-uploads",
                "awsRegion": "eu-west-1",
            }
            for m in messages
        ]
    }


def test_uploaded_object_is_recorded_once_even_when_delivered_twice(stack: LocalStack, context: LocalContext) -> None:
    boto3.client("s3").put_object(Bucket=stack.environment["MEDIA_BUCKET"], Key=KEY, Body=b"\xff\xd8\xff" + b"0" * 97)
    event = _notifications(stack)
    assert any("Records" in json.loads(r["body"]) for r in event["Records"])

    assert handler(event, context) == {"batchItemFailures": []}
    assert handler(event, context) == {"batchItemFailures": []}  # S3 and SQS both may deliver twice

    received = get_received(parse_object_key(KEY))
    assert received is not None
    assert (received.key, received.size, received.deliveries) == (KEY, 100, 1)
    raw = boto3.client("dynamodb").get_item(
        TableName=stack.environment["TABLE_NAME"], Key={"PK": {"S": received.PK}, "SK": {"S": received.SK}}
    )["Item"]
    assert raw["type"] == {"S": "received_object"}
    assert raw["PK"]["S"] == "DLR#01HZZZDEMQDEA1ERSH1P000000"


def test_objects_outside_a_dealership_are_not_recorded(stack: LocalStack, context: LocalContext) -> None:
    notification = json.loads((Path(__file__).parents[1] / "events" / "s3_object_created.json").read_text())
    notification["Records"][0]["s3"]["object"]["key"] = "elsewhere/x.jpg"
    event = {
        "Records": [
            {
                "messageId": "1",
                "receiptHandle": "r",
                "body": json.dumps(notification),
                "attributes": {},
                "messageAttributes": {},
                "md5OfBody": "",
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:eu-west-1:123456789012:dealerlink-local-media-uploads",
                "awsRegion": "eu-west-1",
            }
        ]
    }
    assert handler(event, context) == {"batchItemFailures": []}
    assert boto3.client("dynamodb").scan(TableName=stack.environment["TABLE_NAME"])["Count"] == 1  # idempotency only
