"""Concurrency and the stream pipeline on the local stack (DynamoDB Local), over HTTP.

Outside testing found that on moto's DynamoDB two to five of ten concurrent confirmations
won, concurrent offline creates made several files, and one cancelled transaction silenced the
table stream until restart. On DynamoDB Local every round must hold."""

from __future__ import annotations

import time

import requests

from tests.e2e.client import BackOffice, eventually
from tests.e2e.conftest import RunningStack
from tests.e2e.races import WORKS, confirmation_round, offline_create_round

ROUNDS = 20


def test_ten_concurrent_confirmations_of_one_page_one_wins_in_every_round(local_stack: RunningStack) -> None:
    office = BackOffice(local_stack)
    rounds = [confirmation_round(local_stack, office) for _ in range(ROUNDS)]
    assert all(r.held for r in rounds), [r.detail for r in rounds if not r.held]


def test_five_concurrent_offline_creates_make_one_file_in_every_round(local_stack: RunningStack) -> None:
    rounds = [offline_create_round(local_stack) for _ in range(ROUNDS)]
    assert all(r.held for r in rounds), [r.detail for r in rounds if not r.held]


def test_after_a_cancelled_transaction_the_next_page_is_served_within_5_s(local_stack: RunningStack) -> None:
    office = BackOffice(local_stack)
    contact = {"title": "mr", "last_name": "Roux", "email": "roux@example.com"}
    body = {"mode": "after_sales", "module": "mechanics", "contact": contact, "works": WORKS}
    first = office.call("POST", "/interventions", {**body, "reference": f"CX-{time.time_ns()}"}, expect=201)
    link = office.call("POST", f"/interventions/{first['id']}/send", {"channel": "link"})["link"]
    answers = f"{local_stack.site}/api/v1/public/pages/{link.rstrip('/').rsplit('/', 1)[1]}/answers"
    everything = {"answers": {w["id"]: True for w in WORKS}}
    assert requests.post(answers, json=everything, timeout=30).status_code == 200
    # The second confirmation's transaction is cancelled by its condition: a 409.
    assert requests.post(answers, json=everything, timeout=30).status_code == 409

    second = office.call("POST", "/interventions", {**body, "reference": f"CX-{time.time_ns()}"}, expect=201)
    link = office.call("POST", f"/interventions/{second['id']}/send", {"channel": "link"})["link"]
    sent_at = time.monotonic()
    eventually(lambda: requests.get(link, timeout=10).status_code, lambda status: status == 200, timeout=30)
    assert time.monotonic() - sent_at <= 5
