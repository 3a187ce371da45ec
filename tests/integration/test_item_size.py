"""DynamoDB holds at most 400 KB per item, counted in UTF-8 bytes. The API takes bodies up to
1 MB: what would not fit is a 413 naming what is too big, and nothing is written. Multibyte
text costs its UTF-8 size, not the six bytes of a ``\\uXXXX`` escape."""

from __future__ import annotations

import json
from typing import Any

import boto3
from chalice.test import Client

from devstack.template import LocalStack
from tests.integration.tenants import Tenant, call

EURO = "€"  # three bytes in UTF-8, six as an escape


def _items(stack: LocalStack) -> int:
    return int(boto3.client("dynamodb").scan(TableName=stack.environment["TABLE_NAME"], Select="COUNT")["Count"])


def _works(count: int, char: str, comment: int = 1000) -> list[dict[str, str]]:
    return [
        {
            "label": char * 200,
            "urgency": "recommended",
            "price": "10.00",
            "comment": char * comment,
            "category": char * 80,
        }
        for _ in range(count)
    ]


def _utf8(api: Client, method: str, path: str, headers: dict[str, str], body: object) -> tuple[int, Any]:
    """One request with its body in UTF-8 as a browser sends it (no escapes), under 1 MB."""
    raw = json.dumps(body, ensure_ascii=False).encode()
    assert len(raw) < 1024 * 1024
    response = getattr(api.http, method.lower())(path, headers=headers, body=raw)
    return response.status_code, json.loads(response.body)


def _file(**fields: object) -> dict[str, object]:
    return {"mode": "after_sales", "module": "mechanics", "reference": "BIG-1", **fields}


def test_a_file_too_big_to_store_is_a_413_naming_its_works_and_nothing_is_written(
    api: Client, tenant_a: Tenant, stack: LocalStack
) -> None:
    body = _file(contact={"title": "mr", "last_name": "Gros", "email": "gros@example.com"}, works=_works(200, EURO))
    assert 700_000 < len(json.dumps(body, ensure_ascii=False).encode()) < 1024 * 1024
    path = f"/v1/dealerships/{tenant_a.dealership_id}/interventions"
    before = _items(stack)
    creates = ((path, tenant_a.bearer("back_office")), ("/v1/device/interventions", tenant_a.device_headers()))
    for route, headers in creates:
        status, answer = _utf8(api, "POST", route, headers, body)
        assert (status, answer["error"]["code"]) == (413, "payload_too_large"), answer
        assert answer["error"]["field"] == "works"
    assert _items(stack) == before  # no file, no customer, no history


def test_an_edit_too_big_to_store_is_a_413_and_the_file_is_unchanged(api: Client, tenant_a: Tenant) -> None:
    office = tenant_a.bearer("back_office")
    path = f"/v1/dealerships/{tenant_a.dealership_id}/interventions"
    created = call(api, "POST", path, office, _file())[1]
    status, answer = _utf8(api, "PATCH", f"{path}/{created['id']}", office, {"version": 1, "works": _works(200, EURO)})
    assert (status, answer["error"]["field"]) == (413, "works"), answer
    status, read = call(api, "GET", f"{path}/{created['id']}", office)
    assert (status, read["version"], read["works"]) == (200, 1, [])


def test_multibyte_text_is_counted_in_utf8_bytes_not_escapes(api: Client, tenant_a: Tenant) -> None:
    """100 works of 1,280 'é': 260 KB in UTF-8 (fits), 780 KB as escapes (would not)."""
    office = tenant_a.bearer("back_office")
    path = f"/v1/dealerships/{tenant_a.dealership_id}/interventions"
    status, created = call(api, "POST", path, office, _file(works=_works(100, "é")))
    assert status == 201, created
    status, edited = call(api, "PATCH", f"{path}/{created['id']}", office, {"version": 1, "message": "é" * 5000})
    assert status == 200, edited
    status, copy = call(api, "POST", f"{path}/{created['id']}/duplicate", office, {"reference": "BIG-2"})
    assert status == 201, copy


def test_a_checklist_too_big_to_store_is_a_413_naming_its_categories(api: Client, tenant_a: Tenant) -> None:
    manager = tenant_a.bearer("dealer_manager")
    base = f"/v1/dealerships/{tenant_a.dealership_id}/checklists"
    copy = call(api, "POST", f"{base}/mfr-peugeot/duplicate", manager, {})[1]
    languages = ("en", "fr", "de", "nl", "es", "it", "pt", "sv", "no")
    item = {"id": "big", "label": "Big", "translations": dict.fromkeys(languages, EURO * 35000)}
    body = {"version": copy["version"], "categories": [{"id": "all", "name": "All", "items": [item]}]}
    status, answer = _utf8(api, "PUT", f"{base}/{copy['id']}", manager, body)
    assert (status, answer["error"]["field"]) == (413, "categories"), answer
    assert call(api, "GET", f"{base}/{copy['id']}", manager)[1]["version"] == copy["version"]
