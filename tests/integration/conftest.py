"""Integration tier: handlers and adapters in-process, on template.yaml's resources.

AWS is moto in-process (``mock_aws``), except DynamoDB: that is DynamoDB Local, one per test
process, with the tables made afresh for each test. moto's DynamoDB is no database under
concurrency and its streams go silent after a cancelled transaction, so conditions,
transactions and streams are tested on AWS's own emulator.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import boto3
import pytest
import requests
from chalice.test import Client
from moto import mock_aws

from dealerlink.adapters import tokens
from dealerlink.adapters.aws import reset_clients
from devstack import dynamodb
from devstack.stack import LOCAL_OVERRIDES
from devstack.template import LocalStack, build_stack
from devstack.worker import LocalContext
from functions.api.app import app
from tests.integration.tenants import Tenant, make_tenant

# One boto3 session for building stacks: each new session parses the service models again.
SESSION = boto3.session.Session()


@contextmanager
def aws_stack() -> Iterator[LocalStack]:
    """Every resource of template.yaml (DynamoDB Local's tables, moto's rest), with the
    functions' environment set; the tables are dropped afterwards."""
    dynamodb.shared()
    with mock_aws():
        dynamodb.drop_tables(SESSION)
        built = build_stack(SESSION)
        saved = dict(os.environ)
        os.environ.update({**built.environment, **LOCAL_OVERRIDES})
        reset_clients()
        try:
            yield built
        finally:
            os.environ.clear()
            os.environ.update(saved)
            reset_clients()
            dynamodb.drop_tables(SESSION)


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
