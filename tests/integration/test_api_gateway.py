"""Every Chalice route is reachable through the API Gateway SAM deploys.

The events are built the way API Gateway (REST, Lambda proxy) builds them from the API's
``DefinitionBody`` in template.yaml: the resource path is the definition's path, which is
what Chalice dispatches on. A route missing from the template, or declared with another
path or method, fails here.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from devstack.template import LocalStack, load_template
from devstack.worker import LocalContext
from functions.api.app import app


def _api_events() -> list[tuple[str, str]]:
    """(path, method) of every operation of the API's definition that integrates the function."""
    paths = load_template()["Resources"]["Api"]["Properties"]["DefinitionBody"]["paths"]
    return sorted(
        (path, method.upper())
        for path, methods in paths.items()
        for method, op in methods.items()
        if op["x-amazon-apigateway-integration"]["type"] == "aws_proxy"
    )


def api_gateway_event(resource: str, method: str, body: str | None = None) -> dict[str, Any]:
    params = {name: f"01HZZZDEMQDEA1ERSH1P00000{i}" for i, name in enumerate(re.findall(r"{(\w+)}", resource))}
    path = resource
    for name, value in params.items():
        path = path.replace("{" + name + "}", value)
    return {
        "resource": resource,
        "path": path,
        "httpMethod": method,
        "headers": {"Accept": "application/json", "Host": "abc123.execute-api.eu-west-1.amazonaws.com"},
        "multiValueHeaders": {"Accept": ["application/json"]},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": params or None,
        "stageVariables": None,
        "requestContext": {
            "resourceId": "abc123",
            "resourcePath": resource,
            "httpMethod": method,
            "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
            "path": f"/prod{path}",
            "stage": "prod",
            "identity": {"sourceIp": "203.0.113.10", "userAgent": "pytest"},
            "apiId": "abc123",
        },
        "body": body,
        "isBase64Encoded": False,
    }


def test_every_chalice_route_is_an_api_event_of_the_template() -> None:
    chalice_routes = sorted((path, method) for path, methods in app.routes.items() for method in methods)
    assert _api_events() == chalice_routes


@pytest.mark.parametrize(("resource", "method"), _api_events())
def test_api_gateway_event_reaches_its_route(stack: LocalStack, resource: str, method: str) -> None:
    response = app(api_gateway_event(resource, method), LocalContext(function_name="api"))
    body = json.loads(response["body"])
    # Chalice's own routing failures answer with {"Code": ...}; our routes never do.
    assert "Code" not in body
    assert response["statusCode"] < 500
    assert response["headers"]["Content-Type"] == "application/json"


def test_health_reports_every_dependency_reachable(stack: LocalStack) -> None:
    response = app(api_gateway_event("/v1/health", "GET"), LocalContext(function_name="api"))
    assert response["statusCode"] == 200
    assert json.loads(response["body"]) == {
        "status": "ok",
        "checks": dict.fromkeys(
            ["table", "media_bucket", "site_bucket", "outbox_queue", "media_uploads_queue", "payments_queue"], "ok"
        ),
    }


def test_health_is_degraded_when_a_queue_is_gone(stack: LocalStack) -> None:
    import boto3

    boto3.client("sqs").delete_queue(QueueUrl=stack.environment["OUTBOX_QUEUE_URL"])
    response = app(api_gateway_event("/v1/health", "GET"), LocalContext(function_name="api"))
    assert response["statusCode"] == 503
    body = json.loads(response["body"])
    assert body["status"] == "degraded"
    assert body["checks"]["outbox_queue"] == "unreachable"
    assert body["checks"]["table"] == "ok"
