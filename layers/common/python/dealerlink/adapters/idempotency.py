"""Exactly-once processing on the main table with Powertools idempotency.

The persistence layer creates a DynamoDB client when built, so it is built on first use
rather than at import: handler modules stay cheap to import (see bench/import_cost.py).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any, TypeVar

from dealerlink.adapters.aws import client
from dealerlink.config import settings

F = TypeVar("F", bound=Callable[..., Any])


@lru_cache(maxsize=1)
def _config_and_store() -> tuple[Any, Any]:
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer, IdempotencyConfig

    store = DynamoDBPersistenceLayer(
        table_name=settings().table_name,
        key_attr="PK",
        sort_key_attr="SK",
        expiry_attr="ttl",
        boto3_client=client("dynamodb"),
    )
    return IdempotencyConfig(expires_after_seconds=7 * 24 * 3600), store


def register_context(context: Any) -> None:
    """Let in-progress records expire with the invocation (Powertools needs the context)."""
    config, _ = _config_and_store()
    config.register_lambda_context(context)


def once(data_keyword_argument: str) -> Callable[[F], F]:
    """Run the decorated function once per distinct value of its ``data_keyword_argument``.

    Example::

        @once("upload")
        def take_upload(*, upload: dict) -> dict: ...
    """

    def decorate(fn: F) -> F:
        @lru_cache(maxsize=1)
        def guarded() -> Callable[..., Any]:
            from aws_lambda_powertools.utilities.idempotency import idempotent_function

            config, store = _config_and_store()
            wrapped: Callable[..., Any] = idempotent_function(
                data_keyword_argument=data_keyword_argument, persistence_store=store, config=config
            )(fn)
            return wrapped

        def call(*args: Any, **kwargs: Any) -> Any:
            return guarded()(*args, **kwargs)

        call.__name__ = fn.__name__
        call.__doc__ = fn.__doc__
        return call  # type: ignore[return-value]

    return decorate
