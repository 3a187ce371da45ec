"""F-2.5 offline sync: a phone replays its create until it hears back. The same create (same
client_id, same body) returns the file it made; another body under a used client_id is refused
without saying anything of the file that holds it."""

from __future__ import annotations

import json

from chalice.test import Client

from dealerlink.ids import new_id
from tests.integration.tenants import Tenant, call
from tests.integration.test_interventions import full_intervention


def _creates(tenant: Tenant) -> list[tuple[str, dict[str, str]]]:
    return [
        ("/v1/device/interventions", tenant.device_headers()),
        (f"/v1/dealerships/{tenant.dealership_id}/interventions", tenant.bearer("back_office")),
    ]


def test_a_replayed_create_with_the_same_body_returns_the_file(api: Client, tenant_a: Tenant) -> None:
    for path, headers in _creates(tenant_a):
        body = full_intervention(client_id=new_id())
        status, first = call(api, "POST", path, headers, body)
        assert status == 201, first
        same_in_another_order = dict(reversed(list(body.items())))
        status, again = call(api, "POST", path, headers, same_in_another_order)
        assert (status, again["id"], again["version"]) == (200, first["id"], 1)


def test_a_replayed_create_with_another_body_is_refused(api: Client, tenant_a: Tenant) -> None:
    for path, headers in _creates(tenant_a):
        body = full_intervention(client_id=new_id(), reference="SECRET-REF-1")
        assert call(api, "POST", path, headers, body)[0] == 201
        other = full_intervention(client_id=body["client_id"], reference="OTHER-REF")
        status, answer = call(api, "POST", path, headers, other)
        assert (status, answer["error"]["code"], answer["error"]["field"]) == (409, "client_id_reused", "client_id")
        said = json.dumps(answer)
        assert set(answer) == {"error"}
        assert not any(secret in said for secret in ("SECRET-REF-1", "Martin", "waiting_to_send", "AB-123-CD"))
    listed = call(api, "GET", _creates(tenant_a)[1][0], tenant_a.bearer("back_office"))[1]["items"]
    assert sorted(i["reference"] for i in listed) == ["SECRET-REF-1", "SECRET-REF-1"]
