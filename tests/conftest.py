"""Shared test set-up: fake credentials and the local resource names, before any import.

PynamoDB models read the table name when their module is imported, so the environment is
set here, at collection, to the names devstack.template gives the stage ``local``.
"""

from __future__ import annotations

import os

for key in ("AWS_ENDPOINT_URL", "AWS_PROFILE"):
    os.environ.pop(key, None)
os.environ.update(
    {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "eu-west-1",
        "AWS_REGION": "eu-west-1",
        "TABLE_NAME": "dealerlink-local-main",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_NAMESPACE": "DealerLink",
    }
)

# The API mounts its routes lazily; tests that walk the route table (tenancy, bad input,
# OpenAPI) need every route module imported, once, before collection reads ROUTES.
from dealerlink.api.edge import load_all  # noqa: E402 - after the environment above

load_all()
