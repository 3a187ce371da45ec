"""The local stack's bounds (issue 11): memory of all its processes before and after the whole
e2e tier ran against it, and how long Ctrl-C takes to free the ports and end every process.

Budget: under 1.5 GB RSS in all (the stack's Python process and DynamoDB Local's JVM) after
the e2e tier; Ctrl-C within 10 s.

Run: ``python -m bench.stack_memory`` (``make bench`` runs every bench).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import psutil

from tests.e2e.conftest import RunningStack, start_stack

ROOT = Path(__file__).resolve().parents[1]


def rss_mb(stack: RunningStack) -> tuple[float, dict[str, float]]:
    """Resident memory of the stack's process and its children (DynamoDB Local's JVM)."""
    assert stack.process is not None
    main = psutil.Process(stack.process.pid)
    parts = {"python": main.memory_info().rss / 2**20}
    for child in main.children(recursive=True):
        parts[child.name()] = parts.get(child.name(), 0) + child.memory_info().rss / 2**20
    return sum(parts.values()), parts


def _ports(stack: RunningStack) -> list[int]:
    return [int(urlparse(url).port or 0) for url in (stack.moto, stack.api, stack.site, stack.dynamodb)]


def _free(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def main() -> None:
    stack = start_stack("bench-memory")
    assert stack.process is not None
    total, parts = rss_mb(stack)
    print(f"RSS after start: {total:.0f} MB ({', '.join(f'{k} {v:.0f}' for k, v in parts.items())})")
    attached = " ".join([str(stack.log), stack.moto, stack.api, stack.site, stack.dynamodb])
    started = time.monotonic()
    tier = subprocess.run(
        [sys.executable, "-m", "pytest", "tests/e2e", "-q", "-p", "no:xdist", "-x"],
        cwd=ROOT,
        env={**os.environ, "DEALERLINK_E2E_STACK": attached},
        capture_output=True,
        text=True,
        check=False,
    )
    summary = (tier.stdout.strip().splitlines() or ["?"])[-1]
    print(f"e2e tier against this stack: {summary} ({time.monotonic() - started:.0f} s)")
    total, parts = rss_mb(stack)
    print(f"RSS after the e2e tier: {total:.0f} MB ({', '.join(f'{k} {v:.0f}' for k, v in parts.items())})")
    print(f"budget 1536 MB: {'within' if total < 1536 else 'OVER'}")

    processes = [psutil.Process(stack.process.pid), *psutil.Process(stack.process.pid).children(recursive=True)]
    ports = _ports(stack)
    asked = time.monotonic()
    stack.stop(timeout=30)
    psutil.wait_procs(processes, timeout=30)
    while not all(_free(p) for p in ports) and time.monotonic() - asked < 30:
        time.sleep(0.05)
    print(f"Ctrl-C to every process ended and every port free: {time.monotonic() - asked:.1f} s (budget 10 s)")


if __name__ == "__main__":
    main()
