"""What SAM will deploy for the API, translated offline by aws-sam-translator (aws-sam-cli's venv):
one Lambda permission for all routes (one per route passed Lambda's 20 KB policy limit), every
route of the app integrated, and CORS for the console's one origin. The app adds the same
origin to its answers, and to no other origin."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from chalice.test import Client

from devstack.template import ROOT, TEMPLATE
from functions.api.app import app

SAM_PYTHON = ROOT / ".venv-sam" / "bin" / "python"
CONSOLE = "https://app.dealerlink.example"  # BackOfficeOrigin's default


@pytest.fixture(scope="module")
def translated() -> dict[str, Any]:
    assert SAM_PYTHON.exists(), "aws-sam-cli's venv is missing: make template installs it"
    done = subprocess.run(
        [str(SAM_PYTHON), str(Path(ROOT, "infra", "devstack", "sam_translate.py")), str(TEMPLATE)],
        capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    resources: dict[str, Any] = json.loads(done.stdout)["Resources"]
    return resources


def _refers_to(value: Any, name: str) -> bool:
    return name in json.dumps(value)


def test_the_api_function_needs_at_most_three_permissions(translated: dict[str, Any]) -> None:
    permissions = [
        r for r in translated.values()
        if r["Type"] == "AWS::Lambda::Permission" and _refers_to(r["Properties"]["FunctionName"], "ApiFunction")
    ]  # fmt: skip
    assert 1 <= len(permissions) <= 3
    assert all(p["Properties"]["Principal"] == "apigateway.amazonaws.com" for p in permissions)


def test_the_api_function_starts_from_a_snapshot(translated: dict[str, Any]) -> None:
    function = translated["ApiFunction"]["Properties"]
    assert function["SnapStart"] == {"ApplyOn": "PublishedVersions"}
    assert function["Runtime"] == "python3.13"
    assert translated["ApiFunctionAliaslive"]["Type"] == "AWS::Lambda::Alias"


def test_every_route_of_the_app_is_integrated(translated: dict[str, Any]) -> None:
    (body,) = [r["Properties"]["Body"] for r in translated.values() if r["Type"] == "AWS::ApiGateway::RestApi"]
    integrated = sorted(
        (path, method.upper())
        for path, methods in body["paths"].items()
        for method, op in methods.items()
        if method != "options" and op["x-amazon-apigateway-integration"]["type"] == "aws_proxy"
        and _refers_to(op["x-amazon-apigateway-integration"]["uri"], "ApiFunctionAliaslive")
    )  # fmt: skip
    assert integrated == sorted((path, method) for path, methods in app.routes.items() for method in methods)


def test_api_gateway_answers_the_preflight_for_the_console_only(translated: dict[str, Any]) -> None:
    (body,) = [r["Properties"]["Body"] for r in translated.values() if r["Type"] == "AWS::ApiGateway::RestApi"]
    for path, methods in body["paths"].items():
        assert "options" in methods, path
        headers = methods["options"]["x-amazon-apigateway-integration"]["responses"]["default"]["responseParameters"]
        origin = headers["method.response.header.Access-Control-Allow-Origin"]
        assert _refers_to(origin, "BackOfficeOrigin") and "*" not in json.dumps(origin), path
        assert headers["method.response.header.Access-Control-Allow-Credentials"] == "'true'"


def test_the_app_lets_the_console_read_its_answers(api: Client) -> None:
    answer = api.http.get("/v1/health", headers={"Origin": CONSOLE})
    assert answer.headers["Access-Control-Allow-Origin"] == CONSOLE
    assert answer.headers["Access-Control-Allow-Credentials"] == "true"
    assert "Origin" in answer.headers["Vary"]


def test_other_origins_get_no_cors_header(api: Client) -> None:
    for origin in ("https://evil.example", CONSOLE + ".evil.example", "null"):
        answer = api.http.get("/v1/health", headers={"Origin": origin})
        assert "Access-Control-Allow-Origin" not in answer.headers, origin
