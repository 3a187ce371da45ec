"""Integration tier: handlers and adapters against moto in-process, on template.yaml's resources."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from dealerlink.adapters.aws import reset_clients
from devstack.template import LocalStack, build_stack
from devstack.worker import LocalContext
from moto import mock_aws


@pytest.fixture
def stack() -> Iterator[LocalStack]:
    """Every resource of template.yaml, fresh for each test, with the functions' environment set."""
    with mock_aws():
        built = build_stack()
        saved = dict(os.environ)
        os.environ.update(built.environment)
        reset_clients()
        try:
            yield built
        finally:
            os.environ.clear()
            os.environ.update(saved)
            reset_clients()


@pytest.fixture
def context() -> LocalContext:
    return LocalContext(function_name="test")
