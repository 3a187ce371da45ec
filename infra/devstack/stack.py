"""Start and stop the whole local system, in-process: ``python -m devstack`` and e2e tests."""

from __future__ import annotations

import json
import logging
import os
import urllib.request
from dataclasses import dataclass
from typing import Any

from devstack.dynamodb import DynamoDBLocal
from devstack.template import REGION, LocalStack, build_stack

log = logging.getLogger("devstack")

# What differs from AWS locally: ffmpeg stands in for MediaConvert behind the same port.
LOCAL_OVERRIDES = {"TRANSCODER": "devstack.ffmpeg:FfmpegTranscoder"}


@dataclass(frozen=True)
class Ports:
    moto: int
    api: int
    site: int
    dynamodb: int

    @classmethod
    def from_env(cls) -> Ports:
        return cls(
            moto=int(os.environ.get("MOTO_PORT", "5000")),
            api=int(os.environ.get("API_PORT", "8000")),
            site=int(os.environ.get("SITE_PORT", "8080")),
            dynamodb=int(os.environ.get("DYNAMODB_PORT", "8001")),
        )


def _aws_environment(moto_port: int, dynamodb: DynamoDBLocal) -> None:
    """Point every AWS client of this process (boto3, PynamoDB, Powertools) at the local stack:
    DynamoDB (tables and streams) at DynamoDB Local, every other service at moto."""
    os.environ.update(
        {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_SESSION_TOKEN": "testing",
            "AWS_DEFAULT_REGION": REGION,
            "AWS_REGION": REGION,
            "AWS_ENDPOINT_URL": f"http://127.0.0.1:{moto_port}",
            "MOTO_PORT": str(moto_port),  # Step Functions tasks call back into this port
            "POWERTOOLS_TRACE_DISABLED": "true",
            "POWERTOOLS_DEV": os.environ.get("POWERTOOLS_DEV", "false"),
            **dynamodb.environment,
        }
    )


class System:
    """DynamoDB Local, moto's server, the resources of template.yaml, the API, the worker and
    "CloudFront"."""

    def __init__(self, ports: Ports, host: str = "127.0.0.1") -> None:
        self.ports = ports
        self.host = host
        self.stack: LocalStack | None = None
        self._parts: list[Any] = []
        self.demo: dict[str, str] = {}

    def start(self) -> System:
        """Start every part; if one fails, stop those already running (no JVM left behind)."""
        try:
            return self._start()
        except BaseException:
            self.stop()
            raise

    def _start(self) -> System:
        from moto.server import ThreadedMotoServer

        # The JVM starts while moto does; both must answer before the resources are made.
        dynamodb = DynamoDBLocal(self.ports.dynamodb, self.host).launch()
        self._parts.append(dynamodb)
        _aws_environment(self.ports.moto, dynamodb)
        moto = ThreadedMotoServer(ip_address=self.host, port=self.ports.moto, verbose=False)
        moto.start()
        self._parts.append(moto)
        request = urllib.request.Request(
            f"http://{self.host}:{self.ports.moto}/moto-api/config",
            data=json.dumps({"stepfunctions": {"execute_state_machine": True}}).encode(),
            method="POST",
        )
        urllib.request.urlopen(request, timeout=10).close()  # noqa: S310 - a fixed http URL
        dynamodb.wait_ready()

        self.stack = build_stack()
        # The functions' environment: set before any handler module (PynamoDB models) loads.
        site_url = f"http://{self.host}:{self.ports.site}"
        os.environ.update({**self.stack.environment, **LOCAL_OVERRIDES, "SITE_URL": site_url})

        from devstack.seed import seed_demo

        self.demo = seed_demo()

        from devstack.servers import api_server, site_server
        from devstack.worker import Worker, load_handler

        api_spec = next(f for f in self.stack.functions if f.logical_id == "ApiFunction")
        for part in (
            api_server(load_handler(api_spec), self.host, self.ports.api),
            site_server(self.stack.environment["SITE_BUCKET"], self.ports.api, self.host, self.ports.site),
            Worker(self.stack),
        ):
            part.start()
            self._parts.append(part)
        from devstack.seed import seed_customer_page

        self.demo["customer page"] = seed_customer_page(site_url)
        return self

    def stop(self) -> None:
        for part in reversed(self._parts):
            try:
                part.stop()
            except Exception:
                log.exception("stopping %s failed", type(part).__name__)
        self._parts.clear()

    @property
    def urls(self) -> dict[str, str]:
        return {
            "aws (moto)": f"http://{self.host}:{self.ports.moto}",
            "dynamodb (local)": f"http://{self.host}:{self.ports.dynamodb}",
            "api": f"http://{self.host}:{self.ports.api}/v1/health",
            "site (CloudFront)": f"http://{self.host}:{self.ports.site}/api/v1/health",
            "openapi": f"http://{self.host}:{self.ports.api}/v1/openapi.json",
        }
