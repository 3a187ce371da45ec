"""Each request's log records name its own route, method and request id, and each view reads
its own request, even when requests run at the same time on threads (the local stack serves
them so; a Lambda process handles one at a time, but nothing here may rely on it)."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from chalice.local import LambdaContext

from dealerlink.api import edge
from functions.api.app import app

# Routes answered without AWS; each body makes an answer no other request of the list would get.
REQUESTS: list[tuple[str, str, dict[str, Any] | None]] = [
    ("GET", "/v1/openapi.json", None),
    ("GET", "/v1/me", None),
    ("PATCH", "/v1/me", {"language": "fr"}),
    ("POST", "/v1/auth/sign-in", {"email": "x" * 300}),
    ("POST", "/v1/auth/reset-password", {"password": "weak"}),
]
ROUNDS = 4


class _Records(logging.Handler):
    """Log records as the API writes them (same formatter), one JSON document each."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(edge.logger.registered_formatter)
        self.documents: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        document = json.loads(self.format(record))
        with self._lock:
            self.documents.append(document)


@pytest.fixture
def records() -> Iterator[_Records]:
    handler, api_logger = _Records(), logging.getLogger(edge.logger.name)
    api_logger.addHandler(handler)
    try:
        yield handler
    finally:
        api_logger.removeHandler(handler)


def _event(method: str, path: str, body: dict[str, Any] | None, request_id: str) -> dict[str, Any]:
    return {
        "resource": path,
        "path": path,
        "httpMethod": method,
        "headers": {"content-type": "application/json"},
        "multiValueHeaders": {},
        "multiValueQueryStringParameters": None,
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": {
            "resourcePath": path,
            "httpMethod": method,
            "requestId": request_id,
            "identity": {"sourceIp": "203.0.113.10"},
        },
        "body": None if body is None else json.dumps(body),
        "isBase64Encoded": False,
    }


def _all_at_once(monkeypatch: pytest.MonkeyPatch, parties: int) -> None:
    """Hold every view until all requests have started: their work overlaps for sure."""
    barrier = threading.Barrier(parties, timeout=20)
    for method, path, *_ in REQUESTS:
        entry = app.routes[path][method]

        def waiting(*args: Any, _view: Callable[..., Any] = entry.view_function, **kwargs: Any) -> Any:
            barrier.wait()
            return _view(*args, **kwargs)

        monkeypatch.setattr(entry, "view_function", waiting)


def _call(request_id: str, method: str, path: str, body: dict[str, Any] | None) -> dict[str, Any]:
    answer: dict[str, Any] = app(_event(method, path, body, request_id), LambdaContext("api", 512))
    return answer


def test_concurrent_requests_log_and_read_their_own_request(monkeypatch: pytest.MonkeyPatch, records: _Records) -> None:
    alone = {(method, path): _call("alone", method, path, body) for method, path, body in REQUESTS}
    records.documents.clear()
    calls = [(f"req-{n}-{i}", *request) for n in range(ROUNDS) for i, request in enumerate(REQUESTS)]
    _all_at_once(monkeypatch, len(calls))
    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        futures = {c[0]: pool.submit(_call, *c) for c in calls}
        answers = {request_id: future.result(timeout=60) for request_id, future in futures.items()}

    by_id = {request_id: (method, path) for request_id, method, path, _ in calls}
    for request_id, (method, path) in by_id.items():
        assert answers[request_id] == alone[(method, path)], request_id  # the same as when alone
    logged = [d for d in records.documents if d.get("message") == "request"]
    assert sorted(d["correlation_id"] for d in logged) == sorted(by_id)
    for document in logged:
        method, path = by_id[document["correlation_id"]]
        status = alone[(method, path)]["statusCode"]
        assert (document["method"], document["route"], document["status"]) == (method, path, status), document


def test_keys_of_a_request_do_not_outlive_it(records: _Records) -> None:
    app(_event("GET", "/v1/openapi.json", None, "req-once"), LambdaContext("api", 512))
    edge.logger.info("after the request")
    after = [d for d in records.documents if d.get("message") == "after the request"]
    assert len(after) == 1
    assert not {"route", "method", "correlation_id"} & set(after[0])
