"""The whole system on 127.0.0.1, driven over HTTP the way clients and AWS events drive it."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from typing import Any

import psutil
import requests

from devstack.seed import DEMO_DEALERSHIP_ID
from tests.e2e.conftest import RunningStack, free_port, start_stack

SITE_BUCKET = "dealerlink-local-site-123456789012-eu-west-1"
TABLE = "dealerlink-local-main"


def _eventually(read: Callable[[], Any], accept: Callable[[Any], bool], timeout: float = 15) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = read()
        if accept(value) or time.monotonic() > deadline:
            return value
        time.sleep(0.2)


def test_health_through_the_api_and_through_cloudfront(local_stack: RunningStack) -> None:
    direct = requests.get(f"{local_stack.api}/v1/health", timeout=10)
    edge = requests.get(f"{local_stack.site}/api/v1/health", timeout=10)
    assert direct.status_code == edge.status_code == 200
    assert direct.json() == edge.json()
    assert set(direct.json()["checks"].values()) == {"ok"}
    assert edge.headers["X-Content-Type-Options"] == "nosniff"


def test_table_changes_reach_the_stream_handlers(local_stack: RunningStack) -> None:
    dynamodb = local_stack.client("dynamodb")

    def counts() -> dict[str, Any]:
        item: dict[str, Any] = dynamodb.get_item(
            TableName=TABLE, Key={"PK": {"S": f"DLR#{DEMO_DEALERSHIP_ID}"}, "SK": {"S": "COUNTERS"}}
        ).get("Item", {})
        return item

    # The seeded dealership profile went through the stream to the stats function.
    assert _eventually(counts, lambda item: "count_dealership" in item).get("count_dealership") == {"N": "1"}


def test_customer_pages_are_served_from_the_site_bucket(local_stack: RunningStack) -> None:
    local_stack.client("s3").put_object(
        Bucket=SITE_BUCKET, Key="p/demo/index.html", Body=b"<!doctype html><title>demo</title>", ContentType="text/html"
    )
    page = requests.get(f"{local_stack.site}/p/demo/", timeout=10)
    assert page.status_code == 200
    assert page.headers["Content-Type"] == "text/html"
    assert page.text == "<!doctype html><title>demo</title>"
    assert requests.get(f"{local_stack.site}/p/missing/", timeout=10).status_code == 404
    assert requests.get(f"{local_stack.site}/elsewhere", timeout=10).status_code == 404


def test_errors_keep_their_format_through_cloudfront(local_stack: RunningStack) -> None:
    response = requests.delete(f"{local_stack.site}/api/v1/health", timeout=10)
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


def _port_free(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def test_the_stack_stops_on_ctrl_c_within_10_s_and_starts_again_on_the_same_ports() -> None:
    ports = (free_port(), free_port(), free_port(), free_port())
    first = start_stack("restart-1", ports)
    assert first.process is not None
    java = [p for p in psutil.Process(first.process.pid).children(recursive=True) if "java" in p.name()]
    assert java, "DynamoDB Local runs as a child of the stack"
    asked = time.monotonic()
    assert first.stop(timeout=10) == 0
    assert time.monotonic() - asked <= 10
    assert b"stopped" in first.log.read_bytes()
    assert all(_port_free(port) for port in ports)
    _, alive = psutil.wait_procs(java, timeout=1)
    assert not alive, alive
    second = start_stack("restart-2", ports)
    try:
        assert requests.get(f"{second.api}/v1/health", timeout=10).status_code == 200
    finally:
        assert second.stop() == 0
