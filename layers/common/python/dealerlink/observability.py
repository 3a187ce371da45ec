"""One Logger and one Metrics per function, configured the same way everywhere.

Logs are JSON with the Lambda request id as correlation id; metrics go out as EMF under the
``DealerLink`` namespace. Tracing is Lambda's active X-Ray tracing (template.yaml,
``Tracing: Active``), which records every invocation without code. Powertools Tracer is
left out on purpose: its X-Ray SDK builds two botocore clients at import, about 0.3 s of
every cold start (bench/import_cost.py), for subsegments no handler needs yet.
"""

from __future__ import annotations

import threading
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics.provider.cloudwatch_emf.cloudwatch import AmazonCloudWatchEMFProvider

NAMESPACE = "DealerLink"


class _EMF(AmazonCloudWatchEMFProvider):
    """EMF metrics of one function, changed by one thread at a time.

    On Lambda an environment runs one invocation at a time; the local stack runs every function
    and concurrent API requests on threads of one process, where a flush racing another (or an
    add) would fail a request with "Must contain at least one metric".
    """

    _lock = threading.RLock()

    def add_metric(self, *args: Any, **kwargs: Any) -> None:
        with self._lock:
            super().add_metric(*args, **kwargs)

    def flush_metrics(self, raise_on_empty_metrics: bool = False) -> None:
        with self._lock:
            super().flush_metrics(raise_on_empty_metrics=raise_on_empty_metrics)


def observability(service: str) -> tuple[Logger, Metrics]:
    """Return the Logger and Metrics of a function named ``service``."""
    provider = _EMF(namespace=NAMESPACE, service=service)
    return Logger(service=service), Metrics(service=service, namespace=NAMESPACE, provider=provider)
