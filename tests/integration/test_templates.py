"""F-9.4 predefined messages and F-9.5 page templates: edited by managers, previewed, and shown on
the customer page in the customer's language, with the template's images beside the page."""

from __future__ import annotations

import json
from typing import Any

import boto3
from chalice.test import Client

from devstack.template import LocalStack
from devstack.worker import Worker
from tests.integration.flows import intervention, post_form, until
from tests.integration.tenants import Tenant, call
from tests.integration.test_sending import WORKS, contact, page_html, send, token_of
from tests.samples import jpeg

KEY = "peugeot.mechanics.de"


def _base(tenant: Tenant) -> str:
    return f"/v1/dealerships/{tenant.dealership_id}"


def _preview(api: Client, tenant: Tenant, intervention_id: str) -> str:
    answer = api.http.get(
        f"{_base(tenant)}/interventions/{intervention_id}/preview", headers=tenant.bearer("back_office")
    )
    assert answer.status_code == 200, answer.body
    return answer.body.decode()


def test_a_predefined_message_follows_the_customers_language(api: Client, tenant_a: Tenant) -> None:
    manager = tenant_a.bearer("dealer_manager")
    texts = {"fr": "Votre véhicule est prêt <b>!</b>", "de": "Ihr Fahrzeug ist fertig."}
    status, message = call(
        api, "POST", f"{_base(tenant_a)}/messages", manager, {"name": "Prêt", "module": "mechanics", "texts": texts}
    )
    assert status == 201, message
    listed = call(api, "GET", f"{_base(tenant_a)}/messages?module=mechanics", tenant_a.bearer("back_office"))[1]
    assert message["id"] in [m["id"] for m in listed["items"]]
    preview = call(api, "GET", f"{_base(tenant_a)}/messages/{message['id']}?language=it", manager)[1]
    assert preview["preview"] == texts["fr"]  # no Italian: the dealership's language

    german = intervention(api, tenant_a, contact=contact(language="de"), works=WORKS, message_id=message["id"])
    html = _preview(api, tenant_a, german)
    assert "Ihr Fahrzeug ist fertig." in html
    french = intervention(api, tenant_a, contact=contact(language="fr"), works=WORKS, message_id=message["id"])
    html = _preview(api, tenant_a, french)
    assert "Votre véhicule est prêt &lt;b&gt;!&lt;/b&gt;" in html

    status, edited = call(
        api,
        "PUT",
        f"{_base(tenant_a)}/messages/{message['id']}",
        manager,
        {"name": "Prêt", "texts": {"de": "Fertig!"}, "version": 1},
    )
    assert (status, edited["version"]) == (200, 2)
    assert "Fertig!" in _preview(api, tenant_a, german)


def test_bad_messages_name_their_field(api: Client, tenant_a: Tenant) -> None:
    manager = tenant_a.bearer("dealer_manager")
    bad: list[tuple[dict[str, Any], str]] = [
        ({"name": "", "texts": {"fr": "x"}}, "name"),
        ({"name": "x", "texts": {}}, "texts"),
        ({"name": "x", "texts": {"xx": "x"}}, "texts.xx"),
        ({"name": "x", "module": "rockets", "texts": {"fr": "x"}}, "module"),
    ]
    for body, field in bad:
        status, answer = call(api, "POST", f"{_base(tenant_a)}/messages", manager, body)
        assert (status, answer["error"]["field"]) == (400, field), answer
    status, answer = call(api, "POST", f"{_base(tenant_a)}/messages", tenant_a.bearer("back_office"), bad[0][0])
    assert status in (403, 404), answer
    status, answer = call(
        api,
        "POST",
        f"{_base(tenant_a)}/interventions",
        tenant_a.bearer("back_office"),
        {"mode": "after_sales", "module": "mechanics", "reference": "RO-M", "message_id": "01HZZZZZZZZZZZZZZZZZZZZZZZ"},
    )
    assert (status, answer["error"]["field"]) == (400, "message_id")


def test_a_template_is_previewed_saved_and_shown_with_its_banner(
    api: Client, tenant_a: Tenant, stack: LocalStack
) -> None:
    manager = tenant_a.bearer("dealer_manager")
    one = f"{_base(tenant_a)}/templates/{KEY}"
    parts = {"banner_text": "Winter-Check -20 %", "text": "Wir sind für Sie da.", "promo_link": "https://example.com/a"}
    previewed = api.http.post(one + "/preview", headers=manager, body=json.dumps(parts))
    assert previewed.status_code == 200 and "Winter-Check -20 %" in previewed.body.decode()
    assert call(api, "GET", one, manager)[0] == 404  # the preview saved nothing

    status, saved = call(api, "PUT", one, manager, parts)
    assert (status, saved["version"]) == (200, 1), saved
    status, stale = call(api, "PUT", one, manager, {**parts, "version": 7})
    assert (status, stale["error"]["code"]) == (409, "stale_version")
    status, signed = call(
        api, "POST", one + "/images", manager, {"slot": "banner", "content_type": "image/jpeg", "size": 200_000}
    )
    assert status == 201, signed
    assert post_form(signed["upload"], jpeg(1600, 400)).status_code in (200, 204)
    worker = Worker(stack, schedule_seconds=3600)
    ready = until(
        worker, lambda: call(api, "GET", one, manager)[1], lambda t: t["images"]["banner"]["status"] != "uploading"
    )
    assert ready["images"]["banner"]["status"] == "ready", ready

    file = intervention(api, tenant_a, contact=contact(language="de"), works=WORKS)
    status, sent = send(api, tenant_a, file, "link")
    assert status == 200, sent
    token = token_of(sent["link"])
    html = until(worker, lambda: page_html(stack, token), lambda found: found is not None and "Winter-Check" in found)
    assert html is not None and "Wir sind für Sie da." in html
    banner = f"m/t-banner-{ready['images']['banner']['image_id']}/w1280.jpg"
    assert banner in html
    site = boto3.client("s3").get_object(Bucket=stack.environment["SITE_BUCKET"], Key=f"p/{token}/{banner}")
    assert site["ContentType"] == "image/jpeg"


def test_group_templates_apply_where_a_dealership_has_none(api: Client, tenant_a: Tenant) -> None:
    group = f"{_base(tenant_a)}/templates/peugeot.mechanics.fr?scope=group"
    status, answer = call(api, "PUT", group, tenant_a.bearer("dealer_manager"), {"text": "Groupe"})
    assert (status, answer["error"]["code"]) == (403, "not_allowed")  # group managers only
    status, saved = call(api, "PUT", group, tenant_a.bearer("group_manager"), {"text": "Pour tout le groupe"})
    assert (status, saved["scope"]) == (200, "group"), saved
    file = intervention(api, tenant_a, contact=contact(language="fr"), works=WORKS)
    assert "Pour tout le groupe" in _preview(api, tenant_a, file)

    own = f"{_base(tenant_a)}/templates/peugeot.mechanics.fr"
    assert call(api, "PUT", own, tenant_a.bearer("dealer_manager"), {"text": "Rien que chez nous"})[0] == 200
    html = _preview(api, tenant_a, file)
    assert "Rien que chez nous" in html and "Pour tout le groupe" not in html


def test_bad_templates_name_their_field(api: Client, tenant_a: Tenant) -> None:
    manager = tenant_a.bearer("dealer_manager")
    base = f"{_base(tenant_a)}/templates"
    for key in ("peugeot-mechanics-fr", "ferrari.mechanics.fr", "peugeot.rockets.fr", "peugeot.mechanics.xx"):
        status, answer = call(api, "PUT", f"{base}/{key}", manager, {"text": "x"})
        assert (status, answer["error"]["field"]) == (400, "template_key"), (key, answer)
    status, answer = call(api, "PUT", f"{base}/{KEY}", manager, {"promo_link": "javascript:alert(1)"})
    assert (status, answer["error"]["field"]) == (400, "promo_link")
    status, answer = call(api, "POST", f"{base}/peugeot.mechanics.nl/images", manager, {"slot": "banner"})
    assert (status, answer["error"]["field"]) == (400, "content_type")
    status, answer = call(
        api,
        "POST",
        f"{base}/peugeot.mechanics.nl/images",
        manager,
        {"slot": "banner", "content_type": "image/jpeg", "size": 10},
    )
    assert (status, answer["error"]["code"]) == (409, "no_template")
