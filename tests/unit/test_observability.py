"""Metrics on the local stack: every function and concurrent API requests share one process."""

from __future__ import annotations

import json
import threading

import pytest

from dealerlink.observability import observability


def test_concurrent_adds_and_flushes_never_fail(capsys: pytest.CaptureFixture[str]) -> None:
    _, metrics = observability("race")
    start, failures = threading.Barrier(16), []

    def request() -> None:
        start.wait(timeout=30)
        for _ in range(200):
            try:
                metrics.add_metric(name="Requests", unit="Count", value=1)
                metrics.flush_metrics()
            except Exception as error:  # noqa: BLE001 - what the test looks for
                failures.append(error)

    threads = [threading.Thread(target=request) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    emitted = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    assert sum(sum(e["Requests"]) if isinstance(e["Requests"], list) else e["Requests"] for e in emitted) == 3200
    assert {e["service"] for e in emitted} == {"race"}
    assert emitted[0]["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "DealerLink"
