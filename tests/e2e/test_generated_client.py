"""A client generated from infra/openapi.json (openapi-python-client) drives a whole flow on the
local stack: sign in, create a file, send it as a link, the customer opens it and answers, the
back office reads it answered. Bodies are built with the generated models and answers are read
from them, so an untyped or wrong schema fails here as it would in a mobile app."""

from __future__ import annotations

import importlib
import subprocess
import sys
import time
import typing
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from devstack.routes import OPENAPI
from devstack.seed import DEMO_BACK_OFFICE, DEMO_DEALERSHIP_ID, DEMO_PASSWORD
from tests.e2e.conftest import RunningStack

pytestmark = pytest.mark.e2e

CONFIG = "project_name_override: dlclient\npackage_name_override: dlclient\npost_hooks: []\n"


@pytest.fixture(scope="module")
def dlclient(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    """The client package, generated afresh from the checked-in document."""
    where = tmp_path_factory.mktemp("client")
    (where / "config.yaml").write_text(CONFIG)
    generator = Path(sys.executable).with_name("openapi-python-client")
    done = subprocess.run(
        [str(generator), "generate", "--path", str(OPENAPI), "--meta", "none", "--output-path",
         str(where / "dlclient"), "--config", str(where / "config.yaml")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Warning" not in done.stdout + done.stderr, done.stdout + done.stderr  # every schema understood
    sys.path.insert(0, str(where))
    try:
        yield importlib.import_module("dlclient")
    finally:
        sys.path.remove(str(where))
        for name in [m for m in sys.modules if m == "dlclient" or m.startswith("dlclient.")]:
            del sys.modules[name]


def operation(client: ModuleType, tag: str, name: str) -> ModuleType:
    return importlib.import_module(f"dlclient.api.{tag}.{name}")


def body_of(module: ModuleType, data: dict[str, Any]) -> Any:
    """The generated body model of an operation, built from ``data`` (its type names are the schema's)."""
    model = typing.get_type_hints(module.sync_detailed)["body"]
    return model.from_dict(data)


def call(module: ModuleType, client: Any, expect: int, **kwargs: Any) -> Any:
    answer = module.sync_detailed(client=client, **kwargs)
    assert answer.status_code == expect, (module.__name__, answer.status_code, answer.content)
    assert answer.parsed is not None and not isinstance(answer.parsed, dict), "answer not typed"
    return answer.parsed


def test_a_generated_client_drives_a_whole_flow(local_stack: RunningStack, dlclient: ModuleType) -> None:
    anonymous = dlclient.Client(base_url=local_stack.api, raise_on_unexpected_status=True)
    sign_in = operation(dlclient, "accounts", "post_auth_sign_in")
    token = call(sign_in, anonymous, 200, body=body_of(sign_in, {"email": DEMO_BACK_OFFICE, "password": DEMO_PASSWORD}))
    staff = dlclient.AuthenticatedClient(base_url=local_stack.api, token=token.access_token)

    create = operation(dlclient, "interventions", "post_dealerships_dealership_id_interventions")
    works = [
        {"id": "brakes", "label": "Plaquettes de frein avant", "urgency": "urgent", "price": "180.00"},
        {"id": "wipers", "label": "Balais d'essuie-glace", "urgency": "recommended", "price": "25.00"},
    ]
    new_file = {
        "mode": "after_sales",
        "module": "mechanics",
        "reference": f"GEN-{time.time_ns()}",
        "contact": {"title": "mrs", "last_name": "Martin", "email": "claire@example.com", "language": "fr"},
        "works": works,
    }
    created = call(create, staff, 201, dealership_id=DEMO_DEALERSHIP_ID, body=body_of(create, new_file))
    assert created.status == "waiting_to_send" and [w.id for w in created.works] == ["brakes", "wipers"]

    send = operation(dlclient, "sending", "post_dealerships_dealership_id_interventions_intervention_id_send")
    sent = call(
        send, staff, 200, dealership_id=DEMO_DEALERSHIP_ID, intervention_id=created.id,
        body=body_of(send, {"channel": "link"}),
    )  # fmt: skip
    page_token = sent.link.rstrip("/").split("/")[-1]

    opened = operation(dlclient, "public", "post_public_pages_token_opened")
    call(opened, anonymous, 200, token=page_token)
    answers = operation(dlclient, "public", "post_public_pages_token_answers")
    answered = call(
        answers, anonymous, 200, token=page_token,
        body=body_of(answers, {"answers": {"brakes": True, "wipers": False}}),
    )  # fmt: skip
    assert answered.status == "answered"

    read = operation(dlclient, "interventions", "get_dealerships_dealership_id_interventions_intervention_id")
    final = call(read, staff, 200, dealership_id=DEMO_DEALERSHIP_ID, intervention_id=created.id)
    assert final.status == "answered"
