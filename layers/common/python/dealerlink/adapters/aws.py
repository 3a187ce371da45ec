"""One cached boto3 client per service and process.

boto3 reads ``AWS_ENDPOINT_URL`` itself, which is how the local stack and tests point every
client at moto without the code knowing.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import boto3
from botocore.config import Config

from dealerlink.config import settings

_CONFIG = Config(retries={"mode": "standard", "max_attempts": 3}, connect_timeout=3, read_timeout=10)


@cache
def _session() -> boto3.session.Session:
    """One session per process: its loader parses each service model and the endpoint data
    once, however many clients are made (a session of its own per client parses them again)."""
    return boto3.session.Session()


@cache
def client(service: str) -> Any:
    """The process-wide client for ``service`` (created on first use, not at import)."""
    return _session().client(service, region_name=settings().region, config=_CONFIG)


def reset_clients() -> None:
    """Forget cached clients (tests switch endpoints between cases)."""
    client.cache_clear()
    settings.cache_clear()
