"""A stream record whose work keeps failing is never lost silently (issue 11): the page that
could not be published is in the file's history, the team is told, and the record waits on
the stream DLQ with its keys and images, from where it replays."""

from __future__ import annotations

import json
from typing import Any

import boto3
from chalice.test import Client

from dealerlink.adapters.streams import replay_event
from devstack.template import LocalStack
from devstack.worker import LocalContext, Worker
from functions.pages.handler import handler as pages_handler
from tests.integration.flows import until
from tests.integration.tenants import Tenant
from tests.integration.test_sending import emails_to, history_of, page_html, ready_intervention, send, token_of


def _parked(stack: LocalStack) -> list[dict[str, Any]]:
    answer = boto3.client("sqs").receive_message(
        QueueUrl=stack.environment["STREAM_DLQ_URL"], MaxNumberOfMessages=10, WaitTimeSeconds=0
    )
    return [json.loads(m["Body"]) for m in answer.get("Messages", [])]


def test_a_page_that_cannot_be_published_is_reported_parked_and_replays(
    api: Client, tenant_a: Tenant, stack: LocalStack
) -> None:
    s3 = boto3.client("s3")
    site = stack.environment["SITE_BUCKET"]
    s3.delete_bucket(Bucket=site)  # every publish now fails: the site bucket is gone

    intervention_id = ready_intervention(api, tenant_a)
    status, sent = send(api, tenant_a, intervention_id, "link")
    assert status == 200, sent
    worker = Worker(stack, schedule_seconds=3600)
    parked = until(worker, lambda: _parked(stack), lambda found: len(found) >= 1)

    body = parked[0]
    assert (body["kind"], body["function"]) == ("stream_record", "pages")
    assert "NoSuchBucket" in body["error"]
    change = body["record"]["dynamodb"]
    assert change["Keys"] == {"PK": {"S": f"DLR#{tenant_a.dealership_id}"}, "SK": {"S": f"INT#{intervention_id}"}}
    assert change["NewImage"]["page_token"] == {"S": token_of(sent["link"])}

    actions = [event["action"] for event in history_of(api, tenant_a, intervention_id)["items"]]
    assert "page_failed" in actions
    author = tenant_a.users["back_office"].email
    notice = until(worker, lambda: emails_to(author), lambda found: len(found) >= 1)
    assert "la page client n'a pas pu être publiée" in notice[0].subject  # the author reads French

    # Once the cause is mended, the parked record replays through the same handler.
    s3.create_bucket(Bucket=site, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    answer = pages_handler(replay_event(parked), LocalContext(function_name="pages"))
    assert answer == {"batchItemFailures": []}
    assert page_html(stack, token_of(sent["link"])) is not None
