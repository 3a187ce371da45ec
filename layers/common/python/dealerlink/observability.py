"""One Logger, Metrics and Tracer per function, configured the same way everywhere.

Logs are JSON with the Lambda request id as correlation id; metrics go out as EMF under the
``DealerLink`` namespace; tracing is X-Ray on AWS and off locally (POWERTOOLS_TRACE_DISABLED).
"""

from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics, Tracer


def observability(service: str) -> tuple[Logger, Metrics, Tracer]:
    """Return the three Powertools tools for a function named ``service``."""
    logger = Logger(service=service)
    metrics = Metrics(service=service, namespace="DealerLink")
    tracer = Tracer(service=service)
    return logger, metrics, tracer
