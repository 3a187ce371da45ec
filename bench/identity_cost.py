"""Identity cost per request (issue: dealerships, users, devices).

Counts, per request, the JWKS downloads and the DynamoDB calls made to know who is calling,
for a staff route and a device route, over the in-process app on moto. Budget: at most one
JWKS fetch per cold start, at most one identity read per request.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections import Counter
from typing import Any

import botocore.client

import tests.conftest  # noqa: F401 - fake credentials and local names, before any store import
from tests.integration.conftest import api_client, aws_stack
from tests.integration.tenants import call, make_tenant

REQUESTS = 50
calls: Counter[str] = Counter()
_original = botocore.client.BaseClient._make_api_call


def _counting(self: Any, operation: str, params: dict[str, Any]) -> Any:
    calls[f"{self.meta.service_model.service_name}.{operation}"] += 1
    return _original(self, operation, params)


def measure(client: Any, name: str, method: str, path: str, headers: dict[str, str]) -> None:
    calls.clear()
    durations = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        status, _ = call(client, method, path, headers)
        durations.append(time.perf_counter() - started)
        assert status == 200, status
    dynamodb = {k.split(".", 1)[1]: v / REQUESTS for k, v in calls.items() if k.startswith("dynamodb.")}
    print(
        f"{name:<34} dynamodb calls/request {sum(dynamodb.values()):.2f} {dict(sorted(dynamodb.items()))}"
        f"  median {statistics.median(durations) * 1000:.1f} ms (moto in-process)"
    )


def main() -> int:
    from dealerlink.adapters import tokens

    botocore.client.BaseClient._make_api_call = _counting
    with aws_stack(), api_client() as client:
        tenant = make_tenant("Bench")
        dealership = tenant.dealership_id
        measure(client, "GET /v1/me (staff, identity only)", "GET", "/v1/me", tenant.bearer("back_office"))
        measure(
            client, "GET /v1/dealerships/{id}", "GET", f"/v1/dealerships/{dealership}", tenant.bearer("back_office")
        )
        measure(client, "GET /v1/device/settings (device)", "GET", "/v1/device/settings", tenant.device_headers())
        print(f"JWKS fetches for {3 * REQUESTS} requests in this process: {tokens.staff_tokens().fetches}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
