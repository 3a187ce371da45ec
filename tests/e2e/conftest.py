"""End-to-end tier: the local stack started as ``make dev`` starts it, on free ports."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class RunningStack:
    process: subprocess.Popen[bytes] | None  # None: attached to a stack started elsewhere
    log: Path
    moto: str
    api: str
    site: str
    dynamodb: str
    env: dict[str, str]

    def client(self, service: str) -> Any:
        """A boto3 client of the stack: DynamoDB Local for tables and streams, moto for the rest."""
        return boto3.client(
            service,
            endpoint_url=self.dynamodb if service in ("dynamodb", "dynamodbstreams") else self.moto,
            region_name="eu-west-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )

    def demo(self, name: str) -> str:
        """A value of the "Demo data" the stack printed (e.g. "technician phone")."""
        found = re.search(rf"^  {re.escape(name)}\s+(.+)$", self.log.read_text(), re.M)
        assert found, f"the stack printed no {name!r}"
        return found.group(1).strip()

    def stop(self, timeout: float = 20) -> int:
        if self.process is None:
            return 0
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout=timeout)


def start_stack(name: str, ports: tuple[int, int, int, int] | None = None, timeout: float = 120) -> RunningStack:
    moto, api, site, dynamodb = ports or (free_port(), free_port(), free_port(), free_port())
    ARTIFACTS.mkdir(exist_ok=True)
    log = ARTIFACTS / f"devstack-{name}.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TABLE_NAME"))}
    env.update({"MOTO_PORT": str(moto), "API_PORT": str(api), "SITE_PORT": str(site), "DYNAMODB_PORT": str(dynamodb)})
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "devstack"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    deadline = time.monotonic() + timeout
    while b"READY" not in log.read_bytes():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"local stack did not start:\n{log.read_text()[-4000:]}")
        time.sleep(0.2)
    host = "http://127.0.0.1"
    return RunningStack(process, log, f"{host}:{moto}", f"{host}:{api}", f"{host}:{site}", f"{host}:{dynamodb}", env)


def attached_stack(description: str) -> RunningStack:
    """A stack started elsewhere (bench/stack_memory.py): ``log moto api site dynamodb`` URLs."""
    log, moto, api, site, dynamodb = description.split()
    return RunningStack(None, Path(log), moto, api, site, dynamodb, dict(os.environ))


@pytest.fixture(scope="session")
def local_stack() -> Iterator[RunningStack]:
    # One stack per pytest-xdist worker, each with its own log; or the one a bench started.
    if os.environ.get("DEALERLINK_E2E_STACK"):
        yield attached_stack(os.environ["DEALERLINK_E2E_STACK"])
        return
    running = start_stack(f"session-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}")
    try:
        yield running
    finally:
        running.stop()
