"""F-3.1 time to reply through the API: a future moment at most a year ahead that every time zone
can show, refused naming ``reply_by`` otherwise; checked when set and again at the first send, and
shown to the customer in the dealership's zone."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from chalice.test import Client
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from dealerlink.store import interventions as store
from devstack.template import LocalStack
from devstack.worker import Worker
from tests.integration.flows import intervention, until
from tests.integration.tenants import Tenant, call

EMAIL = "claire.martin@example.com"
CONTACT = {"title": "mrs", "last_name": "Martin", "email": EMAIL, "language": "fr"}


def _path(tenant: Tenant, suffix: str = "") -> str:
    return f"/v1/dealerships/{tenant.dealership_id}/interventions{suffix}"


def _body(reply_by: str) -> dict[str, str]:
    return {"mode": "after_sales", "module": "mechanics", "reference": "RO-1", "reply_by": reply_by}


def _send(api: Client, tenant: Tenant, intervention_id: str) -> tuple[int, Any]:
    path = _path(tenant, f"/{intervention_id}/send")
    return call(api, "POST", path, tenant.bearer("back_office"), {"channel": "email"})


def _emails() -> list[Any]:
    sent = ses_backends[DEFAULT_ACCOUNT_ID]["eu-west-1"].sent_messages
    return [m for m in sent if EMAIL in m.destinations["ToAddresses"]]


def _page(stack: LocalStack, link: str) -> str | None:
    key = "p/" + link.rstrip("/").rsplit("/", 1)[-1] + "/index.html"
    listed = boto3.client("s3").list_objects_v2(Bucket=stack.environment["SITE_BUCKET"], Prefix=key)
    if not listed.get("Contents"):
        return None
    body = boto3.client("s3").get_object(Bucket=stack.environment["SITE_BUCKET"], Key=key)["Body"].read()
    return str(body.decode())


def _ahead(**delta: float) -> str:
    return (datetime.now(UTC) + timedelta(**delta)).replace(microsecond=0).isoformat()


@pytest.mark.parametrize(
    "reply_by",
    [
        "9999-12-31T23:59:59+00:00",
        "9999-12-31T23:59:59-12:00",  # past year 9999 once in UTC
        "9999-06-01T12:00:00+02:00",
        "0001-01-01T00:00:00+00:00",
        "0001-01-01T00:00:00+01:00",  # before year 1 once in UTC
        "2026-01-01T18:00:00+01:00",  # past
        "2026-12-31T18:00:00",  # no time zone
    ],
)
def test_a_reply_by_that_is_not_ahead_or_not_showable_is_refused_naming_it(
    api: Client, tenant_a: Tenant, reply_by: str
) -> None:
    for path, headers in (
        (_path(tenant_a), tenant_a.bearer("back_office")),
        ("/v1/device/interventions", tenant_a.device_headers()),
    ):
        status, answer = call(api, "POST", path, headers, _body(reply_by))
        assert (status, answer["error"]["field"]) == (400, "reply_by"), answer
    assert call(api, "GET", _path(tenant_a), tenant_a.bearer("back_office"))[1]["items"] == []


def test_an_edit_cannot_move_reply_by_into_the_past_or_too_far(api: Client, tenant_a: Tenant) -> None:
    headers = tenant_a.bearer("back_office")
    status, created = call(api, "POST", _path(tenant_a), headers, _body(_ahead(days=2)))
    assert status == 201, created
    one = _path(tenant_a, f"/{created['id']}")
    for moment in (_ahead(hours=-1), _ahead(days=400), "9999-12-31T23:59:59-12:00"):
        status, answer = call(api, "PATCH", one, headers, {"version": 1, "reply_by": moment})
        assert (status, answer["error"]["field"]) == (400, "reply_by"), answer
    status, edited = call(api, "PATCH", one, headers, {"version": 1, "reply_by": _ahead(days=3)})
    assert status == 200, edited


def test_a_file_whose_reply_by_passed_is_sent_once_it_is_moved_and_shows_it_in_the_dealership_zone(
    api: Client, tenant_a: Tenant, stack: LocalStack
) -> None:
    intervention_id = intervention(api, tenant_a, contact=CONTACT, reply_by=_ahead(days=1))
    item = store.get(tenant_a.dealership_id, intervention_id)
    passed = {**item.fields, "reply_by": _ahead(minutes=-5)}  # the file waited past its deadline
    item.update(actions=[store.Intervention.doc.set(json.dumps(passed))])
    status, answer = _send(api, tenant_a, intervention_id)
    assert (status, answer["error"]["field"]) == (400, "reply_by"), answer

    tomorrow = (datetime.now(UTC) + timedelta(days=1)).replace(hour=16, minute=30, second=0, microsecond=0)
    version = call(api, "GET", _path(tenant_a, f"/{intervention_id}"), tenant_a.bearer("back_office"))[1]["version"]
    moved = {"version": version, "reply_by": tomorrow.isoformat()}
    assert call(api, "PATCH", _path(tenant_a, f"/{intervention_id}"), tenant_a.bearer("back_office"), moved)[0] == 200
    status, sent = _send(api, tenant_a, intervention_id)
    assert status == 200, sent
    worker = Worker(stack, schedule_seconds=3600)
    (email,) = until(worker, _emails, lambda found: len(found) == 1)
    html = until(worker, lambda: _page(stack, sent["link"]), lambda found: found is not None)
    for shown in (email.body, html or ""):
        assert "17:30" in shown  # 16:30 UTC in Paris, in December


def test_a_stored_reply_by_no_zone_can_show_leaves_the_customer_page_working(api: Client, tenant_a: Tenant) -> None:
    intervention_id = intervention(api, tenant_a, contact=CONTACT)
    item = store.get(tenant_a.dealership_id, intervention_id)
    saved_before_the_rule = {**item.fields, "reply_by": "9999-12-31T23:30:00+00:00"}  # Paris: year 10000
    item.update(actions=[store.Intervention.doc.set(json.dumps(saved_before_the_rule))])
    preview = api.http.get(_path(tenant_a, f"/{intervention_id}/preview"), headers=tenant_a.bearer("back_office"))
    assert preview.status_code == 200, preview.body
    status, answer = _send(api, tenant_a, intervention_id)
    assert (status, answer["error"]["field"]) == (400, "reply_by"), answer
