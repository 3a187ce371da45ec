"""Where the deployed resources are: read from the environment set by template.yaml.

The same names are set by the local stack (infra/devstack) from the same template, so code
never knows whether it runs on AWS or on moto.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Settings:
    stage: str
    region: str
    table_name: str
    media_bucket: str
    site_bucket: str
    outbox_queue_url: str
    media_uploads_queue_url: str
    media_tasks_queue_url: str
    payments_queue_url: str
    stream_dlq_url: str
    reminder_state_machine_arn: str
    user_pool_id: str
    user_pool_client_id: str
    secrets_key_id: str
    sender_email: str
    site_url: str
    backoffice_url: str
    backoffice_origin: str  # the one browser origin allowed to call the API (CORS)


@lru_cache(maxsize=1)
def settings() -> Settings:
    """Read once per process (a Lambda cold start); tests clear the cache when they change env."""
    env = os.environ.get
    return Settings(
        stage=env("STAGE", "local"),
        region=env("AWS_REGION") or env("AWS_DEFAULT_REGION") or "eu-west-1",
        table_name=env("TABLE_NAME", "dealerlink-local-main"),
        media_bucket=env("MEDIA_BUCKET", ""),
        site_bucket=env("SITE_BUCKET", ""),
        outbox_queue_url=env("OUTBOX_QUEUE_URL", ""),
        media_uploads_queue_url=env("MEDIA_UPLOADS_QUEUE_URL", ""),
        media_tasks_queue_url=env("MEDIA_TASKS_QUEUE_URL", ""),
        payments_queue_url=env("PAYMENTS_QUEUE_URL", ""),
        stream_dlq_url=env("STREAM_DLQ_URL", ""),
        reminder_state_machine_arn=env("REMINDER_STATE_MACHINE_ARN", ""),
        user_pool_id=env("USER_POOL_ID", ""),
        user_pool_client_id=env("USER_POOL_CLIENT_ID", ""),
        secrets_key_id=env("SECRETS_KEY_ID", ""),
        sender_email=env("SENDER_EMAIL", "no-reply@dealerlink.example"),
        site_url=env("SITE_URL", "https://links.dealerlink.example"),
        backoffice_url=env("BACKOFFICE_URL", "https://app.dealerlink.example"),
        backoffice_origin=env("BACKOFFICE_ORIGIN", "https://app.dealerlink.example"),
    )
