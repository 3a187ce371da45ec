"""Reachability of the resources every request path depends on."""

from __future__ import annotations

from collections.abc import Callable

from botocore.exceptions import BotoCoreError, ClientError

from dealerlink.adapters.aws import client
from dealerlink.config import settings


def _checks() -> dict[str, Callable[[], object]]:
    cfg = settings()
    sqs = client("sqs")

    def queue(url: str) -> Callable[[], object]:
        return lambda: sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])

    return {
        "table": lambda: client("dynamodb").describe_table(TableName=cfg.table_name),
        "media_bucket": lambda: client("s3").head_bucket(Bucket=cfg.media_bucket),
        "site_bucket": lambda: client("s3").head_bucket(Bucket=cfg.site_bucket),
        "outbox_queue": queue(cfg.outbox_queue_url),
        "media_uploads_queue": queue(cfg.media_uploads_queue_url),
        "payments_queue": queue(cfg.payments_queue_url),
    }


def _probe(check: Callable[[], object]) -> str:
    try:
        check()
    except (BotoCoreError, ClientError, ValueError):
        return "unreachable"
    return "ok"


def probe_all() -> dict[str, str]:
    """Probe every dependency concurrently: ``{"table": "ok", "media_bucket": "unreachable", …}``."""
    checks = _checks()
    from concurrent.futures import ThreadPoolExecutor  # only health checks need threads

    with ThreadPoolExecutor(max_workers=len(checks)) as pool:
        results = pool.map(_probe, checks.values())
    return dict(zip(checks, results, strict=True))
