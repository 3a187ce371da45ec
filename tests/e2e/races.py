"""Races on the running local stack, over HTTP as clients make them: the e2e tests assert that
every round holds, bench/concurrency.py prints how many did.

A round holds when DynamoDB Local's conditional transactions let exactly one caller win and
nothing is recorded twice; moto's DynamoDB let two to five win (it copies the table per
transaction)."""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import requests

from dealerlink.ids import new_id
from tests.e2e.client import BackOffice
from tests.e2e.conftest import RunningStack

WORKS = [
    {"id": "brakes", "label": "Plaquettes de frein avant", "urgency": "urgent", "price": "180.00"},
    {"id": "wipers", "label": "Balais d'essuie-glace", "urgency": "recommended", "price": "25.00"},
    {"id": "tyres", "label": "Pneus arrière", "urgency": "recommended", "price": "320.00"},
    {"id": "bulb", "label": "Ampoule de code", "urgency": "recommended", "price": "12.00"},
]


@dataclass(frozen=True)
class Round:
    held: bool
    detail: str


def _together(calls: Sequence[Callable[[], requests.Response]]) -> list[requests.Response]:
    """Run the calls on threads released at the same moment."""
    start = threading.Barrier(len(calls))

    def run(call: Callable[[], requests.Response]) -> requests.Response:
        start.wait(timeout=60)
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def _answers(n: int) -> dict[str, bool]:
    """The n-th of 16 different answer sets (so each caller would record another amount)."""
    return {work["id"]: bool(n >> i & 1) for i, work in enumerate(WORKS)}


def confirmation_round(stack: RunningStack, office: BackOffice, callers: int = 10) -> Round:
    """``callers`` customers confirm one page at once: one 200, the rest 409, and the file holds
    the winner's answers, its amount, and one ``answered`` history event."""
    contact = {"title": "mrs", "last_name": "Martin", "email": f"race.{time.time_ns()}@example.com"}
    body = {"mode": "after_sales", "module": "mechanics", "reference": f"RACE-{time.time_ns()}", "contact": contact}
    created = office.call("POST", "/interventions", {**body, "works": WORKS}, expect=201)
    sent = office.call("POST", f"/interventions/{created['id']}/send", {"channel": "link"})
    token = str(sent["link"]).rstrip("/").rsplit("/", 1)[1]
    url = f"{stack.site}/api/v1/public/pages/{token}/answers"
    answers = [_answers(n) for n in range(callers)]
    calls = [functools.partial(requests.post, url, json={"answers": a}, timeout=60) for a in answers]
    statuses = [r.status_code for r in _together(calls)]
    winners = [n for n, status in enumerate(statuses) if status == 200]
    file = office.call("GET", f"/interventions/{created['id']}")
    history = office.call("GET", f"/interventions/{created['id']}/history?limit=100")["items"]
    recorded = sum(1 for event in history if event["action"] == "answered")
    held = (
        sorted(statuses) == [200] + [409] * (callers - 1)
        and file["status"] == "answered"
        and file["answers"] == answers[winners[0]]
        and recorded == 1
    )
    return Round(held, f"statuses {sorted(statuses)}, answered events {recorded}, status {file['status']}")


def offline_create_round(stack: RunningStack, callers: int = 5) -> Round:
    """A phone's offline create sent ``callers`` times at once: one 201, the others 200, one file."""
    headers = {"Authorization": stack.demo("technician phone").removeprefix("Authorization: ")}
    body: dict[str, Any] = {
        "client_id": new_id(),
        "mode": "after_sales",
        "module": "mechanics",
        "reference": f"OFF-{time.time_ns()}",
        "works": WORKS[:2],
    }
    url = f"{stack.site}/api/v1/device/interventions"
    answers = _together([functools.partial(requests.post, url, json=body, headers=headers, timeout=60)] * callers)
    statuses = sorted(r.status_code for r in answers)
    ids = {r.json().get("id") for r in answers}
    held = statuses == [200] * (callers - 1) + [201] and ids == {body["client_id"]}
    return Round(held, f"statuses {statuses}, files {sorted(str(i) for i in ids)}")
