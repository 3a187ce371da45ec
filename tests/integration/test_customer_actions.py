"""F-5.3-F-5.5, F-3.14, F-11.1: what a customer does through the page's public API, and who hears of it."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from chalice.test import Client

from devstack.template import LocalStack
from devstack.worker import Worker
from tests.integration.flows import until
from tests.integration.tenants import Tenant, call
from tests.integration.test_sending import emails_to, history_of, page_html, ready_intervention, send, token_of

ALL_ANSWERED = {"brakes": True, "wipers": True, "tyres": False}


def _sent(api: Client, tenant: Tenant, **fields: Any) -> tuple[str, str]:
    intervention_id = ready_intervention(api, tenant, **fields)
    status, sent = send(api, tenant, intervention_id, "link")
    assert status == 200, sent
    return intervention_id, token_of(sent["link"])


def _file(api: Client, tenant: Tenant, intervention_id: str) -> Any:
    return call(
        api,
        "GET",
        f"/v1/dealerships/{tenant.dealership_id}/interventions/{intervention_id}",
        tenant.bearer("back_office"),
    )[1]


def test_opening_the_page_marks_it_read_once_and_tells_the_team(
    api: Client, tenant_a: Tenant, stack: LocalStack
) -> None:
    dealership = f"/v1/dealerships/{tenant_a.dealership_id}"
    patch = {"version": 1, "settings": {"after_sales": {"event_addresses": ["atelier@alpha.example"]}}}
    assert call(api, "PATCH", dealership, tenant_a.bearer("dealer_manager"), patch)[0] == 200
    intervention_id, token = _sent(api, tenant_a)
    first = call(api, "POST", f"/v1/public/pages/{token}/opened")
    again = call(api, "POST", f"/v1/public/pages/{token}/opened")
    assert (first[0], first[1]["status"], again[1]["status"]) == (200, "read", "read")
    history = history_of(api, tenant_a, intervention_id)
    assert [e["action"] for e in history["items"]].count("read") == 1
    worker = Worker(stack, schedule_seconds=3600)
    author = tenant_a.users["back_office"].email
    until(worker, lambda: emails_to("atelier@alpha.example") + emails_to(author), lambda found: len(found) == 2)


def test_the_customer_answers_every_work_and_the_answers_lock(api: Client, tenant_a: Tenant, stack: LocalStack) -> None:
    intervention_id, token = _sent(api, tenant_a)
    call(api, "POST", f"/v1/public/pages/{token}/opened")
    status, answered = call(api, "POST", f"/v1/public/pages/{token}/answers", body={"answers": ALL_ANSWERED})
    assert status == 200, answered
    # 180.00 urgent + 25.00 recommended approved; the tyres declined.
    assert (answered["status"], answered["accepted_amount"]) == ("answered", {"amount": "205.00", "currency": "EUR"})
    stored = _file(api, tenant_a, intervention_id)
    assert (stored["status"], stored["answers"], stored["answer_origin"]) == ("answered", ALL_ANSWERED, "customer_page")
    status, again = call(
        api, "POST", f"/v1/public/pages/{token}/answers", body={"answers": {**ALL_ANSWERED, "tyres": True}}
    )
    assert (status, again["error"]["code"]) == (409, "answers_locked")
    assert _file(api, tenant_a, intervention_id)["accepted_amount"] == {"amount": "205.00", "currency": "EUR"}
    worker = Worker(stack, schedule_seconds=3600)
    html = until(
        worker, lambda: page_html(stack, token) or "", lambda page: '"status": "answered"' in page or "answered" in page
    )
    assert "205" in html


@pytest.mark.parametrize(
    ("answers", "field", "code"),
    [
        ({"brakes": True, "wipers": True}, "answers.tyres", "answer_required"),
        ({**ALL_ANSWERED, "levels": True}, "answers.levels", "unknown_work"),
        ({**ALL_ANSWERED, "invented": True}, "answers.invented", "unknown_work"),
        ({**ALL_ANSWERED, "brakes": "yes"}, "answers.brakes", "invalid"),
        ("all of them", "answers", "invalid"),
    ],
)
def test_answers_name_what_is_wrong(api: Client, tenant_a: Tenant, answers: Any, field: str, code: str) -> None:
    _, token = _sent(api, tenant_a)
    status, answer = call(api, "POST", f"/v1/public/pages/{token}/answers", body={"answers": answers})
    assert (status, answer["error"]["field"], answer["error"]["code"]) == (400, field, code)


def test_a_closed_intervention_cannot_be_answered(api: Client, tenant_a: Tenant) -> None:
    intervention_id, token = _sent(api, tenant_a)
    close = f"/v1/dealerships/{tenant_a.dealership_id}/interventions/{intervention_id}/close"
    assert call(api, "POST", close, tenant_a.bearer("back_office"))[0] == 200
    status, answer = call(api, "POST", f"/v1/public/pages/{token}/answers", body={"answers": ALL_ANSWERED})
    assert (status, answer["error"]["code"]) == (409, "answers_locked")


def test_two_confirmations_at_the_same_moment_exactly_one_wins(api: Client, tenant_a: Tenant) -> None:
    intervention_id, token = _sent(api, tenant_a)
    bodies = [{"answers": ALL_ANSWERED}, {"answers": {"brakes": False, "wipers": False, "tyres": True}}] * 2
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda body: call(api, "POST", f"/v1/public/pages/{token}/answers", body=body), bodies))
    assert sorted(status for status, _ in results) == [200, 409, 409, 409]
    winner = next(answer for status, answer in results if status == 200)
    assert _file(api, tenant_a, intervention_id)["answers"] == winner["answers"]


def test_rating_and_callback_once_each_even_after_answering(api: Client, tenant_a: Tenant) -> None:
    intervention_id, token = _sent(api, tenant_a)
    call(api, "POST", f"/v1/public/pages/{token}/answers", body={"answers": ALL_ANSWERED})
    status, rated = call(api, "POST", f"/v1/public/pages/{token}/rating", body={"stars": 5, "comment": "<b>Top</b>"})
    assert (status, rated["rated"]) == (200, True)
    assert (
        call(api, "POST", f"/v1/public/pages/{token}/rating", body={"stars": 1})[1]["error"]["code"] == "already_rated"
    )
    assert call(api, "POST", f"/v1/public/pages/{token}/rating", body={"stars": 6})[0] in (400, 409)
    status, called = call(api, "POST", f"/v1/public/pages/{token}/callback", body={"message": "Après 18h"})
    assert (status, called["callback_requested"]) == (200, True)
    history = history_of(api, tenant_a, intervention_id)
    assert {"rated", "callback", "answered"} <= {e["action"] for e in history["items"]}


def test_bad_ratings_name_their_field(api: Client, tenant_a: Tenant) -> None:
    _, token = _sent(api, tenant_a)
    for body, field in (
        ({"stars": 0}, "stars"),
        ({"stars": True}, "stars"),
        ({"stars": 4, "comment": "x" * 2001}, "comment"),
    ):
        status, answer = call(api, "POST", f"/v1/public/pages/{token}/rating", body=body)
        assert (status, answer["error"]["field"]) == (400, field)


@pytest.mark.parametrize("suffix", ["", "/opened", "/answers", "/rating", "/callback"])
def test_unknown_tampered_and_malformed_tokens_get_the_same_404(api: Client, tenant_a: Tenant, suffix: str) -> None:
    _, token = _sent(api, tenant_a)
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    method = "GET" if not suffix else "POST"
    # A body each route takes (bodies refuse fields of other routes): the token alone is at fault.
    body = {"/answers": {"answers": ALL_ANSWERED}, "/rating": {"stars": 5}, "/callback": {}}.get(suffix)
    answers = [
        call(api, method, f"/v1/public/pages/{bad}{suffix}", body=body)
        for bad in (tampered, "short", "x" * 32, "%2e%2e")
    ]
    assert {status for status, _ in answers} == {404}
    assert len({str(answer) for _, answer in answers}) == 1
