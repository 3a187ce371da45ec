"""One Logger and one Metrics per function, configured the same way everywhere.

Logs are JSON with the Lambda request id as correlation id; metrics go out as EMF under the
``DealerLink`` namespace. Tracing is Lambda's active X-Ray tracing (template.yaml,
``Tracing: Active``), which records every invocation without code. Powertools Tracer is
left out on purpose: its X-Ray SDK builds two botocore clients at import, about 0.3 s of
every cold start (bench/import_cost.py), for subsegments no handler needs yet.
"""

from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics


def observability(service: str) -> tuple[Logger, Metrics]:
    """Return the Logger and Metrics of a function named ``service``."""
    return Logger(service=service), Metrics(service=service, namespace="DealerLink")
