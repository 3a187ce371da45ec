"""Integration tier: handlers and adapters against moto in-process, on template.yaml's resources."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import requests
from chalice.test import Client
from moto import mock_aws

from dealerlink.adapters import tokens
from dealerlink.adapters.aws import reset_clients
from devstack.stack import LOCAL_OVERRIDES
from devstack.template import LocalStack, build_stack
from devstack.worker import LocalContext
from functions.api.app import app
from tests.integration.tenants import Tenant, make_tenant


@contextmanager
def aws_stack() -> Iterator[LocalStack]:
    """Every resource of template.yaml in moto, with the functions' environment set."""
    with mock_aws():
        built = build_stack()
        saved = dict(os.environ)
        os.environ.update({**built.environment, **LOCAL_OVERRIDES})
        reset_clients()
        try:
            yield built
        finally:
            os.environ.clear()
            os.environ.update(saved)
            reset_clients()


@contextmanager
def api_client() -> Iterator[Client]:
    """The Chalice app with staff tokens verified against moto's user pool JWKS.

    In-process, moto intercepts ``requests`` but not urllib, so only the JWKS download is
    swapped; signature, issuer, client, expiry and token use are verified as on AWS.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tokens, "fetch_json", lambda url: requests.get(url, timeout=5).json())
        patch.setattr(tokens, "_instance", None)
        with Client(app) as client:
            yield client


@pytest.fixture
def stack() -> Iterator[LocalStack]:
    """A fresh stack for each test."""
    with aws_stack() as built:
        yield built


@pytest.fixture
def context() -> LocalContext:
    return LocalContext(function_name="test")


@pytest.fixture
def api(stack: LocalStack) -> Iterator[Client]:
    with api_client() as client:
        yield client


@pytest.fixture
def tenant_a(stack: LocalStack) -> Tenant:
    return make_tenant("Alpha")


@pytest.fixture
def tenant_b(stack: LocalStack) -> Tenant:
    return make_tenant("Bravo")


@pytest.fixture
def atomic_dynamodb(monkeypatch: pytest.MonkeyPatch) -> None:
    """moto's in-process DynamoDB is not thread-safe; give it the atomicity DynamoDB has, so
    concurrent requests test our conditions rather than moto's dictionaries."""
    from moto.dynamodb.models import DynamoDBBackend

    lock = threading.RLock()
    for name in ("transact_write_items", "put_item", "get_item", "update_item", "query", "batch_get_item"):
        original = getattr(DynamoDBBackend, name)

        def locked(self: Any, *args: Any, _original: Any = original, **kwargs: Any) -> Any:
            with lock:
                return _original(self, *args, **kwargs)

        monkeypatch.setattr(DynamoDBBackend, name, locked)
