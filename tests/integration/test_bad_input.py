"""§6: nothing a client sends is a 500. Bodies, integer query parameters and list cursors,
checked over the route table, so a new route is covered the day it is declared.

- every route that takes a body (POST, PUT, PATCH) refuses JSON nested deeper than 32 levels
  and integers longer than Python converts, as 400 ``invalid_json`` naming ``body``;
- every list (a GET answering ``{"items", "next_cursor"}``) refuses a ``limit`` written with
  other digits than 0-9 and any cursor it did not give: malformed, of another dealership or
  of another list, with extra keys or values, or over-long, as 400 ``invalid_cursor``.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from chalice.test import Client

from dealerlink.api.edge import ROUTES, Access, RouteSpec
from tests.integration.conftest import api_client, aws_stack
from tests.integration.tenants import Tenant, call, make_tenant

BODY_ROUTES = [spec for spec in ROUTES if spec.method in ("POST", "PUT", "PATCH")]
GETS = [spec for spec in ROUTES if spec.method == "GET" and spec.access in (Access.STAFF, Access.DEVICE)]
DUMMY_ID = "01HZZZDEMQDEA1ERSH1P000000"

BAD_BODIES = {
    "nested 33 levels": "[" * 33 + "]" * 33,
    "nested 100000 levels": '{"a": ' + "[" * 100_000 + "]" * 100_000 + "}",
    "an integer of 5000 digits": '{"size": ' + "9" * 5000 + "}",
}
BAD_LIMITS = ["\u00b2", "\u0661\u0662", "\uff11\uff12", "9" * 5000, "-1", "1.5", " 5"]


@pytest.fixture(scope="module")
def world() -> Iterator[tuple[Client, Tenant, Tenant]]:
    """One stack, two dealerships with an intervention each: refused calls change nothing."""
    with aws_stack(), api_client() as client:
        tenants = make_tenant("Alpha"), make_tenant("Bravo")
        for tenant in tenants:
            for reference in ("R-1", "R-2"):
                body = {"mode": "after_sales", "module": "mechanics", "reference": reference}
                path = f"/v1/dealerships/{tenant.dealership_id}/interventions"
                status, created = call(client, "POST", path, tenant.bearer("back_office"), body)
                assert status == 201, created
                tenant.objects["intervention_id"] = created["id"]
        yield client, *tenants


def _headers(spec: RouteSpec, tenant: Tenant) -> dict[str, str]:
    if spec.access == Access.STAFF:
        return tenant.bearer("group_manager")  # every right in its dealerships
    if spec.access == Access.DEVICE:
        return tenant.device_headers()
    return {"Content-Type": "application/json"}


def _path(spec: RouteSpec, tenant: Tenant) -> str:
    ids = {"dealership_id": tenant.dealership_id, **tenant.objects}
    return re.sub(r"{(\w+)}", lambda m: ids.get(m.group(1), DUMMY_ID), spec.path)


@pytest.mark.parametrize("spec", BODY_ROUTES, ids=lambda s: f"{s.method} {s.path}")
@pytest.mark.parametrize("body", BAD_BODIES.values(), ids=BAD_BODIES.keys())
def test_every_route_that_takes_a_body_refuses_json_too_deep_or_too_long(
    world: tuple[Client, Tenant, Tenant], spec: RouteSpec, body: str
) -> None:
    api, tenant, _ = world
    response = getattr(api.http, spec.method.lower())(_path(spec, tenant), headers=_headers(spec, tenant), body=body)
    answer = json.loads(response.body)
    assert (response.status_code, answer["error"]["code"], answer["error"]["field"]) == (400, "invalid_json", "body")


def test_json_nested_32_levels_is_still_read(world: tuple[Client, Tenant, Tenant]) -> None:
    api, tenant, _ = world
    nested = "[" * 31 + "]" * 31  # 31 levels in the body object's value: 32 in all
    response = api.http.post(
        f"/v1/dealerships/{tenant.dealership_id}/interventions",
        headers=tenant.bearer("back_office"),
        body=f'{{"mode": "after_sales", "module": "mechanics", "reference": {nested}}}',
    )
    assert json.loads(response.body)["error"]["field"] == "reference"  # read, then refused for what it says


def _lists(api: Client, tenant: Tenant) -> dict[RouteSpec, dict[str, Any]]:
    """Every list route, found by its answer, with its first page at ``limit=1``."""
    found = {}
    for spec in GETS:
        response = api.http.get(_path(spec, tenant) + "?limit=1", headers=_headers(spec, tenant))
        if response.status_code == 200 and response.headers.get("Content-Type") == "application/json":
            answer = json.loads(response.body)
            if isinstance(answer, dict) and "next_cursor" in answer:
                found[spec] = answer
    return found


@pytest.fixture(scope="module")
def lists(world: tuple[Client, Tenant, Tenant]) -> dict[RouteSpec, dict[str, Any]]:
    api, tenant, _ = world
    found = _lists(api, tenant)
    assert len(found) >= 9, sorted(s.path for s in found)
    return found


def test_every_list_refuses_a_limit_in_other_digits(
    world: tuple[Client, Tenant, Tenant], lists: dict[RouteSpec, dict[str, Any]]
) -> None:
    api, tenant, _ = world
    for spec in lists:
        for limit in BAD_LIMITS:
            status, answer = call(api, "GET", f"{_path(spec, tenant)}?limit={limit}", _headers(spec, tenant))
            assert (status, answer["error"]["field"]) == (400, "limit"), (spec.path, limit, answer)


def _encoded(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


def _malformed(tenant: Tenant) -> dict[str, str]:
    pk = {"S": f"DLR#{tenant.dealership_id}"}
    return {
        "not base64": "!!!!",
        "not ascii": "é",
        "base64 of no JSON": base64.urlsafe_b64encode(b"not json").decode(),
        "a JSON list": _encoded([1]),
        "a JSON string": _encoded("PK"),
        "a key with a number": _encoded({"PK": {"N": "1"}, "SK": {"S": "USER#x"}}),
        "a key with no string": _encoded({"PK": {"S": 1}, "SK": {"S": "USER#x"}}),
        "a key with an extra type": _encoded({"PK": {**pk, "N": "1"}, "SK": {"S": "USER#x"}}),
        "an extra key": _encoded({"PK": pk, "SK": {"S": "USER#x"}, "GSI9PK": pk}),
        "no sort key": _encoded({"PK": pk}),
        "over-long": _encoded({"PK": pk, "SK": {"S": "USER#" + "x" * 3000}}),
    }


def test_every_list_refuses_cursors_it_did_not_give(
    world: tuple[Client, Tenant, Tenant], lists: dict[RouteSpec, dict[str, Any]]
) -> None:
    api, tenant_a, tenant_b = world
    own = {spec: page["next_cursor"] for spec, page in lists.items() if page["next_cursor"]}
    assert len(own) >= 4, sorted(s.path for s in own)
    of_b = {spec: page["next_cursor"] for spec, page in _lists(api, tenant_b).items() if page["next_cursor"]}
    for spec in lists:
        path, headers = _path(spec, tenant_a), _headers(spec, tenant_a)
        if spec in own:  # the list's own cursor is read
            assert call(api, "GET", f"{path}?limit=1&cursor={own[spec]}", headers)[0] == 200, spec.path
        foreign = {
            **{f"of {other.path}": cursor for other, cursor in own.items() if other != spec},
            **({"of dealership B": of_b[spec]} if spec in of_b else {}),
        }
        for name, cursor in {**_malformed(tenant_a), **foreign}.items():
            status, answer = call(api, "GET", f"{path}?cursor={cursor}", headers)
            assert (status, answer["error"]["code"], answer["error"].get("field")) == (
                400,
                "invalid_cursor",
                "cursor",
            ), (spec.path, name, answer)


def test_a_cursor_of_the_open_files_does_not_page_every_file(world: tuple[Client, Tenant, Tenant]) -> None:
    """Open files and all files are two lists (two indexes): a cursor of one is not the other's."""
    api, tenant, _ = world
    path, headers = f"/v1/dealerships/{tenant.dealership_id}/interventions", tenant.bearer("back_office")
    open_files = call(api, "GET", f"{path}?limit=1", headers)[1]["next_cursor"]
    every_file = call(api, "GET", f"{path}?limit=1&show_closed=true", headers)[1]["next_cursor"]
    assert open_files and every_file
    status, answer = call(api, "GET", f"{path}?show_closed=true&cursor={open_files}", headers)
    assert (status, answer["error"]["code"]) == (400, "invalid_cursor")
    status, answer = call(api, "GET", f"{path}?cursor={every_file}", headers)
    assert (status, answer["error"]["code"]) == (400, "invalid_cursor")
    assert call(api, "GET", f"{path}?show_closed=true&cursor={every_file}", headers)[0] == 200
