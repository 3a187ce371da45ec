"""schemathesis against the local stack, from infra/openapi.json: nothing a client can send is a
500, and every answer is what the document says (status, content type, schema).

Three callers walk every operation: the demo dealer manager's staff token, the demo phone's device
credential, and nobody. The stack is the fuzzer's own (it deletes and revokes what it finds), and
the demo dealership is the path's dealership, so staff calls reach the views, not only the
tenancy guard. Bounded by ``FUZZ_EXAMPLES`` examples per operation and caller.
"""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from devstack.routes import OPENAPI
from devstack.seed import DEMO_DEALERSHIP_ID, DEMO_MANAGER, DEMO_PASSWORD
from tests.e2e.conftest import RunningStack, start_stack

pytestmark = pytest.mark.e2e

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "8"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
CALLERS = ("staff", "device", "anonymous")


def _document() -> dict[str, Any]:
    """The checked-in document, with the path's dealership fixed to the demo's."""
    document: dict[str, Any] = copy.deepcopy(json.loads(OPENAPI.read_text()))
    for methods in document["paths"].values():
        for op in methods.values():
            for param in op.get("parameters", []):
                if param["in"] == "path" and param["name"] == "dealership_id":
                    param["schema"] = {"type": "string", "const": DEMO_DEALERSHIP_ID}
    return document


SCHEMA = schemathesis.openapi.from_dict(_document())
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]  # type: ignore[union-attr]


@pytest.fixture(scope="module")
def stack() -> Iterator[RunningStack]:
    running = start_stack("fuzz")
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def callers(stack: RunningStack) -> dict[str, dict[str, str]]:
    signed_in = requests.post(
        f"{stack.api}/v1/auth/sign-in", json={"email": DEMO_MANAGER, "password": DEMO_PASSWORD}, timeout=10
    )
    assert signed_in.status_code == 200, signed_in.text
    device = stack.demo("technician phone").removeprefix("Authorization: ")
    return {
        "staff": {"Authorization": f"Bearer {signed_in.json()['access_token']}"},
        "device": {"Authorization": device},
        "anonymous": {},
    }


def _walk(operation: Any, call: Callable[[Any], None]) -> Callable[[], None]:
    """A hypothesis test of one operation: ``EXAMPLES`` cases, the same ones every run."""

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def walk(case: Any) -> None:
        call(case)

    return walk


@pytest.mark.parametrize("caller", CALLERS)
def test_every_operation_keeps_to_the_document(
    stack: RunningStack, callers: dict[str, dict[str, str]], caller: str
) -> None:
    failures: list[str] = []
    calls = 0
    session = requests.Session()

    def call(case: Any) -> None:
        nonlocal calls
        calls += 1
        case.call_and_validate(base_url=stack.api, session=session, headers=callers[caller], checks=CHECKS)

    for operation in OPERATIONS:
        try:
            _walk(operation, call)()
        except (Exception, BaseExceptionGroup) as failure:  # noqa: BLE001 - each operation's failures are collected
            failures.append(f"{operation.label}: {str(failure)[:1500]}")
    print(f"schemathesis, {caller}: {len(OPERATIONS)} operations, {calls} calls, {len(failures)} failing")
    assert failures == [], "\n\n".join(failures)
