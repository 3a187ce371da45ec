"""The local worker loop delivers every event source of template.yaml like AWS does."""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import boto3

from dealerlink.domain.media import MediaRef
from dealerlink.ids import new_id
from dealerlink.store.counters import read_counts
from devstack.template import LocalStack
from devstack.worker import Worker

DEALERSHIP = "01HZZZDEMQDEA1ERSH1P000000"


def _until(condition: Callable[[], bool], worker: Worker, ticks: int = 30) -> None:
    for _ in range(ticks):
        worker.tick()
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError("condition not met")


def test_s3_notifications_reach_the_media_handler_through_sqs(stack: LocalStack) -> None:
    worker = Worker(stack, schedule_seconds=3600)
    s3 = boto3.client("s3")
    bucket = stack.environment["MEDIA_BUCKET"]
    nobody_signed = MediaRef(DEALERSHIP, new_id(), new_id()).original_key
    s3.put_object(Bucket=bucket, Key=nobody_signed, Body=b"x" * 10)

    # The handler took the notification and deleted bytes no medium was signed for.
    _until(lambda: "Contents" not in s3.list_objects_v2(Bucket=bucket, Prefix=nobody_signed), worker)
    assert worker.invocations["MediaFunction/SQS"] >= 1
    queue = boto3.client("sqs").get_queue_attributes(
        QueueUrl=stack.environment["MEDIA_UPLOADS_QUEUE_URL"], AttributeNames=["ApproximateNumberOfMessages"]
    )
    assert queue["Attributes"]["ApproximateNumberOfMessages"] == "0"


def test_only_originals_notify_the_media_function(stack: LocalStack) -> None:
    worker = Worker(stack, schedule_seconds=3600)
    while worker.tick():  # S3's test event when notifications were configured
        pass
    before = worker.invocations.get("MediaFunction/SQS", 0)
    rendition = MediaRef(DEALERSHIP, new_id(), new_id()).rendition_key(1, "w640.jpg")
    boto3.client("s3").put_object(Bucket=stack.environment["MEDIA_BUCKET"], Key=rendition, Body=b"x")
    for _ in range(3):
        worker.tick()
    assert worker.invocations.get("MediaFunction/SQS", 0) == before


def test_table_stream_records_reach_the_stats_handler(stack: LocalStack) -> None:
    worker = Worker(stack, schedule_seconds=3600)
    dynamodb = boto3.client("dynamodb")
    for sk in ("A", "B"):
        dynamodb.put_item(
            TableName=stack.environment["TABLE_NAME"],
            Item={"PK": {"S": f"DLR#{DEALERSHIP}"}, "SK": {"S": sk}, "type": {"S": "thing"}},
        )
    _until(lambda: read_counts(f"DLR#{DEALERSHIP}").get("thing") == 2, worker)


def test_eventbridge_rules_reach_their_function(stack: LocalStack) -> None:
    worker = Worker(stack, schedule_seconds=3600)
    detail = {"status": "COMPLETE", "jobId": "job-1", "userMetadata": {"application": "dealerlink"}}
    boto3.client("events").put_events(
        Entries=[
            {"Source": "aws.mediaconvert", "DetailType": "MediaConvert Job State Change", "Detail": json.dumps(detail)}
        ]
    )
    _until(lambda: worker.invocations.get("MediaFunction/EventBridgeRule", 0) >= 1, worker)


def test_events_outside_the_rule_pattern_are_not_delivered(stack: LocalStack) -> None:
    worker = Worker(stack, schedule_seconds=3600)
    detail = {"status": "COMPLETE", "jobId": "job-2", "userMetadata": {"application": "someone-else"}}
    boto3.client("events").put_events(
        Entries=[
            {"Source": "aws.mediaconvert", "DetailType": "MediaConvert Job State Change", "Detail": json.dumps(detail)}
        ]
    )
    for _ in range(5):
        worker.tick()
    assert worker.invocations.get("MediaFunction/EventBridgeRule", 0) == 0


def test_schedules_fire_at_start_then_every_period(stack: LocalStack) -> None:
    worker = Worker(stack, schedule_seconds=3600)
    worker.tick()
    worker.tick()
    assert worker.invocations.get("RemindersFunction/ScheduleV2") == 1


def test_one_batch_with_several_types_of_one_dealership_counts_them_all(stack: LocalStack) -> None:
    worker = Worker(stack, schedule_seconds=3600)
    dynamodb = boto3.client("dynamodb")
    for sk, item_type in (("A", "thing"), ("B", "other"), ("C", "thing")):
        dynamodb.put_item(
            TableName=stack.environment["TABLE_NAME"],
            Item={"PK": {"S": f"DLR#{DEALERSHIP}"}, "SK": {"S": sk}, "type": {"S": item_type}},
        )
    _until(lambda: read_counts(f"DLR#{DEALERSHIP}") == {"thing": 2, "other": 1}, worker)
