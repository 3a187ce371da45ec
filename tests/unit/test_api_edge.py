"""The HTTP edge without I/O: error format, body parsing, route table, contracts."""

from __future__ import annotations

import json
from typing import Any

import pytest
from chalice.app import MultiDict, Request
from chalice.test import Client

from dealerlink.api.contract.common import ListQuery
from dealerlink.api.edge import MAX_BODY_BYTES, ROUTES, read_json, read_query
from dealerlink.errors import DealerLinkError
from devstack import routes
from functions.api.app import app


def _request(body: bytes) -> Request:
    event: dict[str, Any] = {
        "multiValueQueryStringParameters": None,
        "headers": {"content-type": "application/json"},
        "pathParameters": None,
        "requestContext": {"httpMethod": "POST", "resourcePath": "/x"},
        "body": body.decode("latin-1"),
        "isBase64Encoded": False,
        "stageVariables": None,
    }
    return Request(event)


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (b"", 400, "body_required"),
        (b"{not json", 400, "invalid_json"),
        (b"[1, 2]", 400, "invalid_json"),
        (b"[" * 33 + b"]" * 33, 400, "invalid_json"),
        (b'{"a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", 400, "invalid_json"),
        (b'{"size": ' + b"9" * 4301 + b"}", 400, "invalid_json"),
        (b'{"size": -' + b"9" * 4301 + b"}", 400, "invalid_json"),
        (b" " * (MAX_BODY_BYTES + 1), 413, "payload_too_large"),
    ],
)
def test_bad_bodies_get_a_clear_error_naming_the_body(body: bytes, status: int, code: str) -> None:
    with pytest.raises(DealerLinkError) as raised:
        read_json(_request(body))
    assert (raised.value.status, raised.value.code, raised.value.field) == (status, code, "body")


def test_a_json_object_body_is_returned() -> None:
    assert read_json(_request(b'{"reference": "AB-123"}')) == {"reference": "AB-123"}


def test_json_nested_32_levels_and_integers_of_4300_digits_are_read() -> None:
    nested = b"[" * 31 + b"]" * 31
    assert read_json(_request(b'{"a": ' + nested + b"}")) == {"a": json.loads(nested)}
    assert read_json(_request(b'{"size": ' + b"9" * 4300 + b"}"))["size"] == int("9" * 4300)


def _query(**params: str) -> Request:
    request = _request(b"")
    request.query_params = MultiDict({k: [v] for k, v in params.items()})
    return request


@pytest.mark.parametrize(
    "raw", ["\u00b2", "\u0661\u0662", "\uff11\uff12", "9" * 5000, "-1", "+5", " 5", "5 ", "1_0", "0", "101", ""]
)
def test_integer_query_parameters_take_ascii_digits_in_range_only(raw: str) -> None:
    with pytest.raises(DealerLinkError) as raised:
        read_query(_query(limit=raw), ListQuery)
    assert (raised.value.status, raised.value.field) == (400, "limit")


def test_an_integer_query_parameter_left_out_is_its_default() -> None:
    assert read_query(_query(), ListQuery).limit == 25
    assert read_query(_query(limit="007"), ListQuery).limit == 7


def test_wrong_method_speaks_the_error_format() -> None:
    with Client(app) as client:
        response = client.http.post("/v1/openapi.json")
    assert response.status_code == 405
    assert json.loads(response.body) == {"error": {"code": "method_not_allowed", "message": "Unsupported method: POST"}}


def test_openapi_document_is_served_and_lists_every_route() -> None:
    with Client(app) as client:
        response = client.http.get("/v1/openapi.json")
    assert response.status_code == 200
    document = json.loads(response.body)
    assert document["openapi"].startswith("3.1")
    served = {(path, method.upper()) for path, ops in document["paths"].items() for method in ops}
    assert served == {(spec.path, spec.method) for spec in ROUTES}
    assert served == set(routes.app_routes())


def test_checked_in_contracts_match_the_app() -> None:
    """template.yaml's API events and infra/openapi.json are regenerated from the app."""
    assert routes.drift() == [], "run: make routes"
