"""Interventions: DynamoDB work per request must not grow with the table (issue: interventions).

Part 1 (in-process app on moto): DynamoDB calls and items read per request for get, list,
search, create and edit, with 100 and with 20,000 interventions in the dealership and
another dealership of the same size beside it. Items read = items returned by GetItem and
BatchGetItem plus ``ScannedCount`` of each Query: what DynamoDB bills.

Part 2 (the local stack over HTTP, as `make dev` runs it): p50/p99 of list and create with
8 concurrent clients.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3
import requests

import tests.conftest  # noqa: F401 - fake credentials and local names, before any store import
from bench._reads import calls, install, items_read, uninstall
from dealerlink.ids import new_id
from tests.integration.conftest import api_client, aws_stack
from tests.integration.tenants import Tenant, call, make_tenant

SIZES = [int(n) for n in os.environ.get("BENCH_SIZES", "100,20000").split(",") if n]
REQUESTS = int(os.environ.get("BENCH_HTTP_REQUESTS", "200"))


def _body(reference: str) -> dict[str, Any]:
    return {
        "mode": "after_sales",
        "module": "mechanics",
        "reference": reference,
        "vehicle": {"plate": f"AB-{reference[-3:]}-CD"},
        "contact": {"title": "mr", "last_name": "Bench", "email": f"{reference.lower()}@example.com"},
        "works": [{"label": "Plaquettes", "urgency": "urgent", "price": "120.00"}],
    }


def _seed(tenant: Tenant, count: int, table: str) -> None:
    """Interventions written straight to the table (as the API writes them, minus keywords)."""
    dynamodb = boto3.client("dynamodb")
    d = tenant.dealership_id
    doc = json.dumps({"vehicle": {}, "contact": None, "works": [], "internal_message": {}})
    for start in range(0, count, 25):
        batch = []
        for _ in range(min(25, count - start)):
            i = new_id()
            item = {
                "PK": f"DLR#{d}",
                "SK": f"INT#{i}",
                "type": "intervention",
                "intervention_id": i,
                "dealership_id": d,
                "status": "waiting_to_send",
                "version": 1,
                "mode": "after_sales",
                "module": "mechanics",
                "brand": "peugeot",
                "reference": f"SEED-{i}",
                "author_id": "seed",
                "author_kind": "user",
                "created_at": "2026-11-24T00:00:00+00:00",
                "updated_at": "2026-11-24T00:00:00+00:00",
                "doc": doc,
                "GSI1PK": f"DLR#{d}#OPEN",
                "GSI1SK": i,
                "GSI2PK": f"DLR#{d}#INT",
                "GSI2SK": i,
            }
            batch.append(
                {
                    "PutRequest": {
                        "Item": {k: ({"N": str(v)} if isinstance(v, int) else {"S": v}) for k, v in item.items()}
                    }
                }
            )
        dynamodb.batch_write_item(RequestItems={table: batch})


def _measure(
    client: Any, name: str, method: str, path: str, headers: dict[str, str], body: Any = None, runs: int = 20
) -> str:
    calls.clear()
    items_read[0] = 0
    for _ in range(runs):
        payload = body() if callable(body) else body
        status, answer = call(client, method, path, headers, payload)
        assert status in (200, 201), (name, status, answer)
    per_call = {k: round(v / runs, 2) for k, v in sorted(calls.items())}
    return f"  {name:<8} dynamodb calls/request {sum(per_call.values()):5.2f} {per_call}  items read/request {items_read[0] / runs:6.1f}"


def _versions(start: int) -> Any:
    """Bodies of successive edits, each with the version the previous one produced."""
    version = [start]

    def next_body() -> dict[str, Any]:
        body = {"version": version[0], "message": f"m{version[0]}"}
        version[0] += 1
        return body

    return next_body


def part_one() -> None:
    install()
    for size in SIZES:
        with aws_stack() as stack, api_client() as client:
            tenant, neighbour = make_tenant("Bench"), make_tenant("Neighbour")
            started = time.perf_counter()
            for t in (tenant, neighbour):
                _seed(t, size, stack.environment["TABLE_NAME"])
            headers = tenant.bearer("back_office")
            base = f"/v1/dealerships/{tenant.dealership_id}/interventions"
            _, one = call(client, "POST", base, headers, _body("RO-BENCH-001"))
            print(
                f"{size} interventions per dealership x 2 dealerships (seeded in {time.perf_counter() - started:.0f} s):"
            )
            runs = 20 if size <= 1000 else 3  # moto's in-memory writes slow down with its table
            print(_measure(client, "get", "GET", f"{base}/{one['id']}", headers))
            print(_measure(client, "list", "GET", f"{base}?limit=25", headers))
            print(_measure(client, "search", "GET", f"{base}?q=RO-BENCH-001", headers))
            print(_measure(client, "create", "POST", base, headers, lambda: _body(f"RO-{new_id()}"), runs))
            print(_measure(client, "edit", "PATCH", f"{base}/{one['id']}", headers, _versions(one["version"]), runs))
    uninstall()


def part_two() -> None:
    from devstack.seed import DEMO_BACK_OFFICE, DEMO_DEALERSHIP_ID, DEMO_PASSWORD
    from tests.e2e.conftest import start_stack

    running = start_stack("bench")
    try:
        api = running.api
        token = requests.post(
            f"{api}/v1/auth/sign-in", json={"email": DEMO_BACK_OFFICE, "password": DEMO_PASSWORD}, timeout=10
        ).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        base = f"{api}/v1/dealerships/{DEMO_DEALERSHIP_ID}/interventions"

        def timed(kind: str) -> float | None:
            started = time.perf_counter()
            try:
                if kind == "create":
                    response = requests.post(base, json=_body(f"RO-{new_id()}"), headers=headers, timeout=30)
                else:
                    response = requests.get(f"{base}?limit=25", headers=headers, timeout=30)
            except requests.RequestException:
                return None
            return time.perf_counter() - started if response.status_code in (200, 201) else None

        for kind in ("create", "list"):
            with ThreadPoolExecutor(max_workers=8) as pool:
                results = list(pool.map(timed, [kind] * REQUESTS))
            durations = sorted(d for d in results if d is not None)
            p50 = statistics.median(durations) * 1000
            p99 = durations[max(0, int(len(durations) * 0.99) - 1)] * 1000
            failed = len(results) - len(durations)
            print(
                f"  HTTP {kind:<6} 8 clients, {REQUESTS} requests: p50 {p50:6.1f} ms  p99 {p99:7.1f} ms  failed {failed}"
            )
    finally:
        running.stop(timeout=180)


def main() -> int:
    part_one()
    part_two()
    return 0


if __name__ == "__main__":
    sys.exit(main())
