"""F-3.7/F-3.8/F-3.14: sending an intervention, its messages through the outbox, its link."""

from __future__ import annotations

import json
import re
from typing import Any

import boto3
from chalice.test import Client
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends
from moto.sns.models import sns_backends

from dealerlink.pages.headers import PAGE_CSP, PAGE_HEADERS
from dealerlink.store import interventions, outbox
from devstack.template import LocalStack
from devstack.worker import Worker
from tests.integration.flows import intervention, until
from tests.integration.tenants import Tenant, call

WORKS = [
    {"id": "brakes", "label": "Plaquettes de frein avant", "urgency": "urgent", "price": "180.00"},
    {"id": "wipers", "label": "Balais d'essuie-glace", "urgency": "recommended", "price": "25.00"},
    {"id": "tyres", "label": "Pneus arrière", "urgency": "recommended", "price": "320.00"},
    {"id": "levels", "label": "Contrôle des niveaux", "urgency": "offered", "price": "15.00"},
]


def contact(**overrides: Any) -> dict[str, Any]:
    return {
        "title": "mrs",
        "last_name": "Martin",
        "first_name": "Claire",
        "email": "claire.martin@example.com",
        "phone": "+33612345678",
        "language": "fr",
        **overrides,
    }


def ready_intervention(api: Client, tenant: Tenant, **fields: Any) -> str:
    return intervention(api, tenant, contact=fields.pop("contact", contact()), works=WORKS, **fields)


def send(api: Client, tenant: Tenant, intervention_id: str, channel: str) -> tuple[int, Any]:
    path = f"/v1/dealerships/{tenant.dealership_id}/interventions/{intervention_id}/send"
    return call(api, "POST", path, tenant.bearer("back_office"), {"channel": channel})


def emails_to(address: str) -> list[Any]:
    return [
        m
        for m in ses_backends[DEFAULT_ACCOUNT_ID]["eu-west-1"].sent_messages
        if address in m.destinations["ToAddresses"]
    ]


def sms_to(number: str) -> list[str]:
    return [
        text for to, text, *_ in sns_backends[DEFAULT_ACCOUNT_ID]["eu-west-1"].sms_messages.values() if to == number
    ]


def page_html(stack: LocalStack, token: str) -> str | None:
    s3 = boto3.client("s3")
    try:
        body = s3.get_object(Bucket=stack.environment["SITE_BUCKET"], Key=f"p/{token}/index.html")["Body"].read()
    except s3.exceptions.NoSuchKey:
        return None
    return str(body.decode())


def history_of(api: Client, tenant: Tenant, intervention_id: str) -> Any:
    path = f"/v1/dealerships/{tenant.dealership_id}/interventions/{intervention_id}/history"
    status, history = call(api, "GET", path, tenant.bearer("back_office"))
    assert status == 200, history
    return history


def token_of(link: str) -> str:
    match = re.search(r"/p/([A-Za-z0-9_-]{32})/$", link)
    assert match, link
    return match.group(1)


def test_send_by_email_links_the_customer_to_a_published_page_once(
    api: Client, tenant_a: Tenant, stack: LocalStack
) -> None:
    intervention_id = ready_intervention(api, tenant_a)
    status, sent = send(api, tenant_a, intervention_id, "email")
    assert status == 200, sent
    assert sent["status"] == "sent" and len(sent["messages"]) == 1
    token = token_of(sent["link"])
    worker = Worker(stack, schedule_seconds=3600)
    until(worker, lambda: emails_to("claire.martin@example.com"), lambda found: len(found) == 1)
    for _ in range(10):
        worker.tick()  # more passes: a duplicate would show now
    (email,) = emails_to("claire.martin@example.com")
    assert sent["link"] in email.body and email.subject
    html = until(worker, lambda: page_html(stack, token), lambda found: found is not None)
    assert html is not None and "RO-" in html and "Plaquettes de frein avant" in html
    assert 'name="robots" content="noindex' in html and "Content-Security-Policy" in html
    assert [i.status for i in outbox.of_subject(tenant_a.dealership_id, intervention_id)] == ["sent"]
    read = call(
        api,
        "GET",
        f"/v1/dealerships/{tenant_a.dealership_id}/interventions/{intervention_id}",
        tenant_a.bearer("back_office"),
    )[1]
    assert read["status"] == "sent"


def test_share_link_answers_the_link_and_sends_nothing(api: Client, tenant_a: Tenant, stack: LocalStack) -> None:
    intervention_id = ready_intervention(api, tenant_a, contact=contact(email="link.only@example.com"))
    status, shared = send(api, tenant_a, intervention_id, "link")
    assert (status, shared["messages"]) == (200, [])
    again = send(api, tenant_a, intervention_id, "link")[1]
    assert again["link"] == shared["link"]  # one customer, one link
    worker = Worker(stack, schedule_seconds=3600)
    until(worker, lambda: page_html(stack, token_of(shared["link"])), lambda found: found is not None)
    assert emails_to("link.only@example.com") == []


def test_both_sends_an_email_and_an_sms(api: Client, tenant_a: Tenant, stack: LocalStack) -> None:
    intervention_id = ready_intervention(api, tenant_a, contact=contact(email="both@example.com", phone="+33611111111"))
    status, sent = send(api, tenant_a, intervention_id, "both")
    assert status == 200 and len(sent["messages"]) == 2
    worker = Worker(stack, schedule_seconds=3600)
    until(worker, lambda: sms_to("+33611111111"), lambda found: len(found) == 1)
    assert sent["link"] in sms_to("+33611111111")[0]
    until(worker, lambda: emails_to("both@example.com"), lambda found: len(found) == 1)


def test_sending_refuses_what_cannot_reach_the_customer(api: Client, tenant_a: Tenant) -> None:
    bare = intervention(api, tenant_a, works=WORKS)
    status, answer = send(api, tenant_a, bare, "email")
    assert (status, answer["error"]["code"], answer["error"]["field"]) == (409, "not_ready", "contact.title")
    no_phone = ready_intervention(api, tenant_a, contact=contact(phone=None))
    status, answer = send(api, tenant_a, no_phone, "sms")
    assert (status, answer["error"]["field"]) == (400, "contact.phone")
    status, answer = send(api, tenant_a, no_phone, "fax")
    assert (status, answer["error"]["field"]) == (400, "channel")
    closed = ready_intervention(api, tenant_a)
    call(
        api,
        "POST",
        f"/v1/dealerships/{tenant_a.dealership_id}/interventions/{closed}/close",
        tenant_a.bearer("back_office"),
    )
    assert send(api, tenant_a, closed, "email")[1]["error"]["code"] == "closed"


def test_channels_the_customer_opted_out_of_are_refused(api: Client, tenant_a: Tenant) -> None:
    intervention_id = ready_intervention(
        api, tenant_a, contact=contact(email="no.sms@example.com", phone="+33622222222")
    )
    read = call(
        api,
        "GET",
        f"/v1/dealerships/{tenant_a.dealership_id}/interventions/{intervention_id}",
        tenant_a.bearer("back_office"),
    )[1]
    customer = f"/v1/dealerships/{tenant_a.dealership_id}/customers/{read['customer_id']}"
    status, prefs = call(
        api,
        "PUT",
        customer + "/preferences",
        tenant_a.bearer("back_office"),
        {"block_email": False, "block_sms": True, "version": 1},
    )
    assert status == 200, prefs
    for channel in ("sms", "both"):
        status, answer = send(api, tenant_a, intervention_id, channel)
        assert (status, answer["error"]["code"], answer["error"]["field"]) == (409, "channel_blocked", "channel")
    assert send(api, tenant_a, intervention_id, "email")[0] == 200


def test_phones_send_directly_only_where_the_dealership_allows_it(api: Client, tenant_a: Tenant) -> None:
    intervention_id = ready_intervention(api, tenant_a)
    path = f"/v1/device/interventions/{intervention_id}/send"
    status, answer = call(api, "POST", path, tenant_a.device_headers(), {"channel": "email"})
    assert (status, answer["error"]["code"]) == (403, "direct_send_not_allowed")
    dealership = f"/v1/dealerships/{tenant_a.dealership_id}"
    patch = {"version": 1, "settings": {"after_sales": {"direct_send_from_app": True}}}
    assert call(api, "PATCH", dealership, tenant_a.bearer("dealer_manager"), patch)[0] == 200
    status, sent = call(api, "POST", path, tenant_a.device_headers(), {"channel": "email"})
    assert (status, sent["status"]) == (200, "sent")


def test_an_address_ses_rejects_is_recorded_not_retried(api: Client, tenant_a: Tenant, stack: LocalStack) -> None:
    intervention_id = ready_intervention(api, tenant_a, contact=contact(email="claire.martin@example.com"))
    # An address our check lets through and SES refuses (written before the check, or one SES
    # judges otherwise): put straight into the stored file, as the API no longer takes it.
    item = interventions.get(tenant_a.dealership_id, intervention_id)
    item.doc = item.doc.replace("claire.martin@example.com", 'claire\\"martin@example.com')  # JSON-escaped
    item.save()
    assert send(api, tenant_a, intervention_id, "email")[0] == 200
    worker = Worker(stack, schedule_seconds=3600)
    refused = until(
        worker,
        lambda: [i.status for i in outbox.of_subject(tenant_a.dealership_id, intervention_id)],
        lambda found: found == ["rejected"],
    )
    assert refused == ["rejected"]
    history = history_of(api, tenant_a, intervention_id)
    assert history["items"][0]["action"] == "delivery_failed"
    sqs = boto3.client("sqs")
    for queue in ("OUTBOX_QUEUE_URL",):
        attributes = sqs.get_queue_attributes(QueueUrl=stack.environment[queue], AttributeNames=["All"])["Attributes"]
        assert attributes["ApproximateNumberOfMessages"] == attributes["ApproximateNumberOfMessagesNotVisible"] == "0"


def test_preview_renders_the_page_without_sending(api: Client, tenant_a: Tenant) -> None:
    intervention_id = ready_intervention(api, tenant_a, contact=contact(email="preview@example.com"))
    path = f"/v1/dealerships/{tenant_a.dealership_id}/interventions/{intervention_id}/preview"
    response = api.http.get(path, headers=tenant_a.bearer("back_office"))
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/html")
    assert b"Plaquettes de frein avant" in response.body
    read = call(
        api,
        "GET",
        f"/v1/dealerships/{tenant_a.dealership_id}/interventions/{intervention_id}",
        tenant_a.bearer("back_office"),
    )[1]
    assert read["status"] == "waiting_to_send" and emails_to("preview@example.com") == []


def test_previews_carry_the_headers_of_the_customer_page(api: Client, tenant_a: Tenant) -> None:
    """The preview is served through the API, not the site: it brings the page's CSP with it."""
    intervention_id = ready_intervention(api, tenant_a)
    base = f"/v1/dealerships/{tenant_a.dealership_id}"
    previews = [
        api.http.get(f"{base}/interventions/{intervention_id}/preview", headers=tenant_a.bearer("back_office")),
        api.http.post(
            f"{base}/templates/peugeot.mechanics.fr/preview",
            headers=tenant_a.bearer("dealer_manager"),
            body=json.dumps({"text": "Bonjour"}),
        ),
    ]
    for response in previews:
        assert response.status_code == 200, response.body
        assert {k: response.headers.get(k) for k in PAGE_HEADERS} == PAGE_HEADERS
        assert response.headers["Content-Security-Policy"] == PAGE_CSP


def test_a_revoked_link_opens_nothing_and_its_page_leaves_the_site(
    api: Client, tenant_a: Tenant, stack: LocalStack
) -> None:
    intervention_id = ready_intervention(api, tenant_a)
    token = token_of(send(api, tenant_a, intervention_id, "link")[1]["link"])
    worker = Worker(stack, schedule_seconds=3600)
    until(worker, lambda: page_html(stack, token), lambda found: found is not None)
    base = f"/v1/dealerships/{tenant_a.dealership_id}/interventions/{intervention_id}"
    assert call(api, "DELETE", base + "/link", tenant_a.bearer("back_office"))[0] == 200
    assert call(api, "GET", f"/v1/public/pages/{token}")[0] == 404
    until(worker, lambda: page_html(stack, token), lambda found: found is None)
    fresh = token_of(send(api, tenant_a, intervention_id, "link")[1]["link"])
    assert fresh != token and call(api, "GET", f"/v1/public/pages/{fresh}")[0] == 200


def test_only_public_media_reach_the_site_bucket(api: Client, tenant_a: Tenant, stack: LocalStack) -> None:
    from tests.integration.flows import media_of, upload_photo
    from tests.samples import jpeg

    intervention_id = ready_intervention(api, tenant_a)
    worker = Worker(stack, schedule_seconds=3600)
    shown = upload_photo(api, tenant_a, intervention_id, jpeg(640, 480))
    hidden = upload_photo(api, tenant_a, intervention_id, jpeg(480, 640), visibility="private")
    for media_id in (shown, hidden):

        def read(m: str = media_id) -> dict[str, Any]:
            return media_of(api, tenant_a, intervention_id, m)

        until(worker, read, lambda m: m["status"] == "ready")
    status, sent = send(api, tenant_a, intervention_id, "link")
    assert status == 200, sent
    token = token_of(sent["link"])
    html = until(worker, lambda: page_html(stack, token), lambda found: found is not None and shown in found)
    assert html is not None and hidden not in html
    listing = boto3.client("s3").list_objects_v2(Bucket=stack.environment["SITE_BUCKET"], Prefix=f"p/{token}/m/")
    keys = [o["Key"] for o in listing.get("Contents", [])]
    assert keys and all(shown in key for key in keys), keys


def test_an_sms_sns_refuses_is_recorded_not_retried(api: Client, tenant_a: Tenant, stack: LocalStack) -> None:
    """SNS refuses a number it cannot reach (InvalidParameter): recorded once, never retried."""
    from botocore.stub import Stubber

    from dealerlink.adapters.aws import client

    intervention_id = ready_intervention(api, tenant_a, contact=contact(email=None, phone="+33600000000"))
    assert send(api, tenant_a, intervention_id, "sms")[0] == 200
    worker = Worker(stack, schedule_seconds=3600)
    with Stubber(client("sns")) as sns:
        sns.add_client_error("publish", service_error_code="InvalidParameter", service_message="Invalid phone number")
        refused = until(
            worker,
            lambda: [i.status for i in outbox.of_subject(tenant_a.dealership_id, intervention_id)],
            lambda found: found == ["rejected"],
        )
        sns.assert_no_pending_responses()
    assert refused == ["rejected"]
    history = history_of(api, tenant_a, intervention_id)
    assert history["items"][0]["action"] == "delivery_failed"
    assert "InvalidParameter" in history["items"][0]["details"]["reason"]
