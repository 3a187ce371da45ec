"""infra/openapi.json is a contract clients can generate code from: valid OpenAPI 3.1, every
body, 2xx answer and query parameter typed, errors per status, servers and security named."""

from __future__ import annotations

import json
from typing import Any

import pytest
from openapi_spec_validator import validate

from dealerlink.api.edge import ROUTES
from devstack.routes import OPENAPI, app_routes

DOCUMENT: dict[str, Any] = json.loads(OPENAPI.read_text())
SCHEMAS: dict[str, Any] = DOCUMENT["components"]["schemas"]
OPERATIONS = [
    (path, method, op)
    for path, methods in DOCUMENT["paths"].items()
    for method, op in methods.items()
    if method in {"get", "put", "post", "patch", "delete"}
]


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = SCHEMAS[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _untyped_objects(schema: dict[str, Any], where: str, seen: set[str]) -> list[str]:
    """Places in ``schema`` that are an object with no properties of its own (an empty bag)."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name in seen:
            return []
        seen.add(name)
        return _untyped_objects(SCHEMAS[name], f"{where}→{name}", seen)
    found = []
    if schema.get("type") == "object" and not schema.get("properties"):
        extra = schema.get("additionalProperties")
        if not isinstance(extra, dict) or not extra:  # dict[str, X] is typed; {} or true is a bag
            found.append(where)
    for key in ("properties", "$defs"):
        for name, sub in schema.get(key, {}).items():
            found += _untyped_objects(sub, f"{where}.{name}", seen)
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), dict):
            found += _untyped_objects(schema[key], f"{where}[]", seen)
    for key in ("anyOf", "oneOf", "allOf", "prefixItems"):
        for sub in schema.get(key, []):
            found += _untyped_objects(sub, where, seen)
    return found


def test_the_document_is_valid_openapi_3_1() -> None:
    assert DOCUMENT["openapi"] == "3.1.0"
    validate(DOCUMENT)


def test_it_names_servers_and_security_schemes() -> None:
    assert any(server["url"].startswith("http://127.0.0.1") for server in DOCUMENT["servers"])
    assert set(DOCUMENT["components"]["securitySchemes"]) == {"staffJwt", "deviceCredential"}


def test_every_route_of_the_app_is_documented() -> None:
    documented = {(path, method.upper()) for path, method, _ in OPERATIONS}
    assert set(app_routes()) == documented  # importing the app declares every route
    assert {(spec.path, spec.method) for spec in ROUTES} == documented


@pytest.mark.parametrize(("path", "method", "op"), OPERATIONS, ids=[f"{m} {p}" for p, m, _ in OPERATIONS])
def test_bodies_and_success_answers_are_typed(path: str, method: str, op: dict[str, Any]) -> None:
    if method in {"post", "put", "patch"} and "requestBody" in op:
        body = op["requestBody"]["content"]["application/json"]["schema"]
        assert _has_properties(body), "a body with no properties"
        assert _untyped_objects(body, "body", set()) == []
    successes = {status: answer for status, answer in op["responses"].items() if status.startswith("2")}
    assert successes, "no success answer"
    for status, answer in successes.items():
        if status == "204":
            assert "content" not in answer
            continue
        for media_type, content in answer["content"].items():
            if media_type == "application/json" and "openapi.json" not in path:
                assert _untyped_objects(content["schema"], f"{status}", set()) == []
                assert _has_properties(content["schema"]), "a JSON answer with no properties"


def _has_properties(schema: dict[str, Any]) -> bool:
    """An object with properties, or a union (``anyOf``/``oneOf``) of such objects."""
    schema = _resolve(schema)
    branches = schema.get("anyOf") or schema.get("oneOf")
    if branches:
        return all(_has_properties(branch) for branch in branches)
    return bool(schema.get("properties"))


@pytest.mark.parametrize(("path", "method", "op"), OPERATIONS, ids=[f"{m} {p}" for p, m, _ in OPERATIONS])
def test_errors_are_documented_per_status(path: str, method: str, op: dict[str, Any]) -> None:
    errors = {status for status in op["responses"] if status[0] in "45"}
    assert {"400", "404", "500"} <= errors
    if op["security"]:
        assert {"401", "403"} <= errors
    for status in errors:
        schema = op["responses"][status]["content"]["application/json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/Error"}


def test_lists_declare_their_query_parameters() -> None:
    lists = [
        (path, op)
        for path, method, op in OPERATIONS
        if method == "get" and "next_cursor" in _resolve(_success_schema(op)).get("properties", {})
    ]
    assert lists
    for path, op in lists:
        names = {param["name"] for param in op.get("parameters", []) if param["in"] == "query"}
        assert {"limit", "cursor"} <= names, path


def _success_schema(op: dict[str, Any]) -> dict[str, Any]:
    for status, answer in op["responses"].items():
        if status.startswith("2") and "application/json" in answer.get("content", {}):
            schema: dict[str, Any] = answer["content"]["application/json"]["schema"]
            return schema
    return {}


def test_the_main_flows_carry_examples() -> None:
    with_examples = {
        (path, method)
        for path, method, op in OPERATIONS
        if op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("examples")
    }
    wanted = [
        ("/v1/dealerships/{dealership_id}/interventions", "post"),
        ("/v1/dealerships/{dealership_id}/interventions/{intervention_id}/media", "post"),
        ("/v1/dealerships/{dealership_id}/interventions/{intervention_id}/media/{media_id}/complete", "post"),
        ("/v1/dealerships/{dealership_id}/interventions/{intervention_id}/send", "post"),
        ("/v1/public/pages/{token}/answers", "post"),
    ]
    assert [flow for flow in wanted if flow not in with_examples] == []


def test_creates_a_client_may_replay_document_their_200() -> None:
    """An offline phone sends a create again with its client_id: the first attempt's answer, 200."""
    replayable = [
        (path, op)
        for path, method, op in OPERATIONS
        if "201" in op["responses"]
        and "client_id"
        in _resolve(op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})).get(
            "properties", {}
        )
    ]
    assert len(replayable) >= 4  # interventions and media, for staff and phones
    for path, op in replayable:
        assert op["responses"]["200"]["content"] == op["responses"]["201"]["content"], path
