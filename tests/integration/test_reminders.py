"""F-6: work reports make reminders when sent; each due reminder gets one Step Functions
execution for its version; staff send now, delay, close, edit; the customer books, declines or
asks to be called back; the daily sweep schedules what is due and nothing else."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import boto3
import pytest
from chalice.test import Client

from dealerlink.services import reminders as service
from dealerlink.store import reminders as store
from devstack.template import LocalStack
from devstack.worker import Worker
from tests.integration.flows import intervention, until
from tests.integration.tenants import Tenant, call
from tests.integration.test_sending import contact, emails_to, page_html, send

# "Today" where the test dealerships are (demo settings: Europe/Paris), as the product counts days.
TODAY = datetime.now(ZoneInfo("Europe/Paris")).date()


def _settings(api: Client, tenant: Tenant, **reminders: Any) -> None:
    path = f"/v1/dealerships/{tenant.dealership_id}"
    manager = tenant.bearer("dealer_manager")
    version = call(api, "GET", path, manager)[1]["version"]
    config = {"enabled": True, "send_automatically": True, "days_before": 10, "grouping_window_days": 31, **reminders}
    body = {"version": version, "settings": {"after_sales": {"work_reports_enabled": True, "reminders": config}}}
    status, answer = call(api, "PATCH", path, manager, body)
    assert status == 200, answer


def _planned(*deadlines: date) -> list[dict[str, Any]]:
    return [
        {"id": f"p{i}", "label": f"Work {i}", "urgency": "recommended", "price": "100.00", "deadline": d.isoformat()}
        for i, d in enumerate(deadlines, start=1)
    ]


def _report(api: Client, tenant: Tenant, works_to_plan: list[dict[str, Any]], email: str) -> str:
    return intervention(
        api,
        tenant,
        module="work_report",
        contact=contact(email=email),
        performed_works=[{"label": "Vidange", "urgency": "recommended", "price": "89.00"}],
        works_to_plan=works_to_plan,
    )


def _reminders(api: Client, tenant: Tenant, query: str = "") -> list[dict[str, Any]]:
    status, listed = call(
        api, "GET", f"/v1/dealerships/{tenant.dealership_id}/reminders{query}", tenant.bearer("back_office")
    )
    assert status == 200, listed
    return list(listed["items"])


def _executions(stack: LocalStack) -> list[dict[str, Any]]:
    sfn = boto3.client("stepfunctions")
    return list(sfn.list_executions(stateMachineArn=stack.environment["REMINDER_STATE_MACHINE_ARN"])["executions"])


def test_work_reports_need_deadlines_not_past(api: Client, tenant_a: Tenant) -> None:
    _settings(api, tenant_a)
    base = f"/v1/dealerships/{tenant_a.dealership_id}/interventions"
    body = {"mode": "after_sales", "module": "work_report", "reference": "WR-1"}
    bad = [
        ({"works_to_plan": [{"label": "A", "urgency": "urgent", "price": "1.00"}]}, "works_to_plan.0.deadline"),
        ({"works_to_plan": _planned(TODAY - timedelta(days=1))}, "works_to_plan.0.deadline"),
    ]
    for extra, field in bad:
        status, answer = call(api, "POST", base, tenant_a.bearer("back_office"), {**body, **extra})
        assert (status, answer["error"]["field"]) == (400, field), answer
    status, answer = call(
        api,
        "POST",
        base,
        tenant_a.bearer("back_office"),
        {**body, "module": "mechanics", "works_to_plan": _planned(TODAY)},
    )
    assert (status, answer["error"]["field"]) == (400, "works_to_plan")


def test_a_sent_work_report_makes_grouped_reminders_each_scheduled_once(
    api: Client, tenant_a: Tenant, stack: LocalStack
) -> None:
    _settings(api, tenant_a, days_before=10, grouping_window_days=31)
    soon, later = TODAY + timedelta(days=5), TODAY + timedelta(days=120)
    report = _report(api, tenant_a, _planned(soon, soon + timedelta(days=8), later), "wr1@example.com")
    assert send(api, tenant_a, report, "email")[0] == 200
    found = [r for r in _reminders(api, tenant_a) if r["reference"].startswith("RO-")]
    by_date = sorted(found, key=lambda r: r["send_date"])
    assert [r["works_count"] for r in by_date] == [2, 1]  # F-6.4: {soon, soon + 8} and {later}
    assert by_date[0]["send_date"] == TODAY.isoformat()  # its send date passed: today
    assert by_date[1]["send_date"] == (later - timedelta(days=10)).isoformat()
    executions = [e["name"] for e in _executions(stack)]
    first = by_date[0]["id"]
    assert f"{first}-v1" in executions and not any(by_date[1]["id"] in name for name in executions)

    # The sweep finds nothing new: the due one has its execution, the other is not due.
    assert service.sweep()["started"] == 0
    # A lost execution (e.g. a failed start) is started again by the sweep, once.
    item = store.get(tenant_a.dealership_id, first)
    item.update(actions=[store.Reminder.execution_version.remove()])
    outcome = service.sweep()
    assert outcome["started"] == 1 and outcome["read"] >= 1
    assert service.sweep()["started"] == 0


def test_delay_and_close_replace_or_stop_the_execution(api: Client, tenant_a: Tenant, stack: LocalStack) -> None:
    _settings(api, tenant_a)
    report = _report(api, tenant_a, _planned(TODAY + timedelta(days=3)), "wr2@example.com")
    assert send(api, tenant_a, report, "link")[0] == 200
    (reminder,) = [
        r for r in _reminders(api, tenant_a) if r["status"] == "to_send" and r["send_date"] == TODAY.isoformat()
    ][-1:]
    one = f"/v1/dealerships/{tenant_a.dealership_id}/reminders/{reminder['id']}"
    office = tenant_a.bearer("back_office")

    status, answer = call(api, "POST", one + "/delay", office, {"send_date": (TODAY - timedelta(days=1)).isoformat()})
    assert (status, answer["error"]["code"]) == (400, "send_date_in_past")
    status, delayed = call(api, "POST", one + "/delay", office, {"send_date": (TODAY + timedelta(days=1)).isoformat()})
    assert status == 200 and delayed["version"] == 2, delayed
    runs = {e["name"]: e["status"] for e in _executions(stack)}
    assert runs[f"{reminder['id']}-v1"] == "ABORTED" and runs[f"{reminder['id']}-v2"] == "RUNNING"

    status, closed = call(api, "POST", one + "/close", office)
    assert (status, closed["status"]) == (200, "closed")
    assert {e["name"]: e["status"] for e in _executions(stack)}[f"{reminder['id']}-v2"] == "ABORTED"
    # An execution that fires anyway for an old version sends nothing.
    item = store.get(tenant_a.dealership_id, reminder["id"])
    assert service.deliver_due(item.PK, item.SK, 2) == "no_longer_due"
    assert call(api, "POST", one + "/send", office)[1]["error"]["code"] == "reminder_closed"


def test_a_due_reminder_is_sent_once_and_the_customer_books(api: Client, tenant_a: Tenant, stack: LocalStack) -> None:
    _settings(api, tenant_a)
    path = f"/v1/dealerships/{tenant_a.dealership_id}"
    version = call(api, "GET", path, tenant_a.bearer("dealer_manager"))[1]["version"]
    call(
        api,
        "PATCH",
        path,
        tenant_a.bearer("dealer_manager"),
        {"version": version, "settings": {"booking_link": "https://book.example/garage"}},
    )
    report = _report(api, tenant_a, _planned(TODAY + timedelta(days=2), TODAY + timedelta(days=4)), "wr3@example.com")
    assert send(api, tenant_a, report, "link")[0] == 200
    reminder = next(r for r in _reminders(api, tenant_a, f"?from={TODAY}&to={TODAY}") if r["status"] == "to_send")
    item = store.get(tenant_a.dealership_id, reminder["id"])

    # What the state machine enqueues when the send moment comes: once, whatever the retries.
    assert service.deliver_due(item.PK, item.SK, 1) == "sent"
    assert service.deliver_due(item.PK, item.SK, 1) == "no_longer_due"
    worker = Worker(stack, schedule_seconds=3600)
    (email,) = until(worker, lambda: emails_to("wr3@example.com"), lambda found: len(found) == 1)
    found = re.search(r"/p/([A-Za-z0-9_-]{32})/", email.body)
    assert found, email.body
    token = found.group(1)
    html = until(worker, lambda: page_html(stack, token), lambda found: found is not None)
    assert html is not None and "Work 1" in html and "Work 2" in html

    public = f"/v1/public/pages/{token}"
    assert call(api, "POST", public + "/opened", {})[1]["status"] == "read"
    status, answer = call(api, "POST", public + "/booking", {}, {"accepted_work_ids": ["p9"]})
    assert (status, answer["error"]["field"]) == (400, "accepted_work_ids.0")
    status, booked = call(api, "POST", public + "/booking", {}, {"accepted_work_ids": ["p1"]})
    assert (status, booked["status"], booked["answers"]) == (200, "answered", {"p1": True, "p2": False}), booked
    assert call(api, "POST", public + "/decline-all", {})[1]["error"]["code"] == "answers_locked"
    assert call(api, "POST", public + "/callback", {}, {})[1]["callback_requested"] is True
    one = f"{path}/reminders/{reminder['id']}"
    status, answer = call(api, "PATCH", one, tenant_a.bearer("back_office"), {"version": 5, "works": _planned(TODAY)})
    assert (status, answer["error"]["code"]) == (409, "not_editable")
    assert call(api, "POST", public + "/answers", {}, {"answers": {}})[0] == 404  # not a file's page


@pytest.mark.parametrize("days", [0, -1])
def test_bad_settings_are_refused(api: Client, tenant_a: Tenant, days: int) -> None:
    path = f"/v1/dealerships/{tenant_a.dealership_id}"
    manager = tenant_a.bearer("dealer_manager")
    version = call(api, "GET", path, manager)[1]["version"]
    body = {
        "version": version,
        "settings": {"after_sales": {"reminders": {"grouping_window_days": days, "days_before": days - 1}}},
    }
    status, answer = call(api, "PATCH", path, manager, body)
    assert status == 400 and answer["error"]["field"].startswith("settings.after_sales.reminders."), answer


def test_call_me_back_then_staff_approve(api: Client, tenant_a: Tenant) -> None:
    from dealerlink.store import outbox

    _settings(api, tenant_a, send_automatically=False)
    path = f"/v1/dealerships/{tenant_a.dealership_id}"
    version = call(api, "GET", path, tenant_a.bearer("dealer_manager"))[1]["version"]
    events = {"version": version, "settings": {"after_sales": {"event_addresses": ["atelier@example.com"]}}}
    assert call(api, "PATCH", path, tenant_a.bearer("dealer_manager"), events)[0] == 200
    office = tenant_a.bearer("back_office")
    base = f"/v1/dealerships/{tenant_a.dealership_id}/reminders"
    body = {
        "reference": "MAN-1",
        "contact": {"title": "mr", "last_name": "Manual", "email": "manual@example.com"},
        "send_date": TODAY.isoformat(),
        "works": _planned(TODAY + timedelta(days=30), TODAY + timedelta(days=40)),
    }
    status, created = call(api, "POST", base, office, body)
    assert (status, created["status"], created["scheduled"]) == (201, "to_send", False), created  # manual: no execution
    one = f"{base}/{created['id']}"
    status, sent = call(api, "POST", one + "/send", office)
    assert (status, sent["status"]) == (200, "sent"), sent
    token = store.get(tenant_a.dealership_id, created["id"]).page_token
    public = f"/v1/public/pages/{token}"
    status, answer = call(api, "POST", one + "/approve", office, {"accepted_work_ids": ["p1"]})
    assert (status, answer["error"]["code"]) == (409, "no_callback_requested")
    assert call(api, "POST", public + "/callback", {}, {})[1]["status"] == "read"
    notices = [m for m in outbox.of_subject(tenant_a.dealership_id, created["id"]) if m.message_id.startswith("team-")]
    assert [m.message_id.split("-")[1] for m in notices] == ["callback"]  # F-11.1: the team hears of it
    assert (
        call(api, "POST", one + "/delay", office, {"send_date": TODAY.isoformat()})[1]["error"]["code"]
        == "reminder_sent"
    )
    status, approved = call(api, "POST", one + "/approve", office, {"accepted_work_ids": ["p2"]})
    assert (status, approved["status"], approved["outcome"]) == (200, "answered", "approved_by_staff"), approved
    assert [w["accepted"] for w in approved["works"]] == [False, True]
    status, answer = call(api, "POST", base, office, {**body, "send_date": "2020-01-01"})
    assert (status, answer["error"]["field"]) == (400, "send_date")


def test_a_work_report_imports_answered_interventions(api: Client, tenant_a: Tenant, stack: LocalStack) -> None:
    _settings(api, tenant_a)
    office = tenant_a.bearer("back_office")
    base = f"/v1/dealerships/{tenant_a.dealership_id}/interventions"
    works = [
        {"id": "brakes", "label": "Plaquettes", "urgency": "urgent", "price": "180.00"},
        {"id": "tyres", "label": "Pneus", "urgency": "recommended", "price": "320.00"},
    ]
    answered = intervention(api, tenant_a, contact=contact(), works=works)
    accept = {"accepted_work_ids": ["brakes"], "origin": "phone", "notify": "none"}
    assert call(api, "POST", f"{base}/{answered}/manual-accept", office, accept)[0] == 200
    report = intervention(api, tenant_a, module="work_report", contact=contact(email="wr4@example.com"))
    draft = f"{base}/{report}"

    status, answer = call(api, "POST", draft + "/import", office, {"intervention_ids": [answered], "version": 1})
    assert (status, answer["error"]["field"]) == (400, f"deadlines.{answered}.tyres"), answer
    status, answer = call(api, "POST", draft + "/import", office, {"intervention_ids": [report], "version": 1})
    assert (status, answer["error"]["code"]) == (400, "not_answered")
    deadline = (TODAY + timedelta(days=60)).isoformat()
    body = {"intervention_ids": [answered], "version": 1, "deadlines": {answered: {"tyres": deadline}}}
    status, imported = call(api, "POST", draft + "/import", office, body)
    assert status == 200, imported
    assert [(w["label"], w["price"]) for w in imported["performed_works"]] == [("Plaquettes", "180.00")]
    assert [(w["label"], w["deadline"]) for w in imported["works_to_plan"]] == [("Pneus", deadline)]

    assert send(api, tenant_a, report, "link")[0] == 200
    made = store.listing(tenant_a.dealership_id, None, None)  # the report's reminder exists at once
    assert [len(r.planned) for r in made if r.work_report_id == report] == [1]
    link = call(api, "GET", draft, office)[1]
    worker = Worker(stack, schedule_seconds=3600)
    found = until(
        worker,
        lambda: page_html(stack, _token_of(api, tenant_a, report)),
        lambda html: html is not None and "Pneus" in html,
    )
    assert found is not None and "Plaquettes" in found and link["status"] == "sent"


def _token_of(api: Client, tenant: Tenant, intervention_id: str) -> str:
    from dealerlink.store import interventions

    token = interventions.get(tenant.dealership_id, intervention_id).page_token
    assert token
    return str(token)


def test_a_manual_reminder_shows_the_media_of_the_file_it_names(
    api: Client, tenant_a: Tenant, stack: LocalStack
) -> None:
    from tests.integration.flows import media_of, upload_photo
    from tests.samples import jpeg

    _settings(api, tenant_a, send_automatically=False)
    office = tenant_a.bearer("back_office")
    worker = Worker(stack, schedule_seconds=3600)
    file = intervention(api, tenant_a)
    photo = upload_photo(api, tenant_a, file, jpeg(640, 480))
    until(worker, lambda: media_of(api, tenant_a, file, photo), lambda m: m["status"] == "ready")
    base = f"/v1/dealerships/{tenant_a.dealership_id}/reminders"
    body = {
        "reference": "MAN-2",
        "contact": {"title": "mrs", "last_name": "Photo", "email": "photo@example.com"},
        "send_date": TODAY.isoformat(),
        "works": _planned(TODAY + timedelta(days=30)),
        "intervention_id": "01HZZZZZZZZZZZZZZZZZZZZZZZ",
    }
    status, answer = call(api, "POST", base, office, body)
    assert (status, answer["error"]["field"]) == (400, "intervention_id")
    status, created = call(api, "POST", base, office, {**body, "intervention_id": file})
    assert status == 201, created
    assert call(api, "POST", f"{base}/{created['id']}/send", office)[0] == 200
    token = store.get(tenant_a.dealership_id, created["id"]).page_token
    assert token
    html = until(worker, lambda: page_html(stack, token), lambda found: found is not None and photo in found)
    assert html is not None and "Work 1" in html
    listing = boto3.client("s3").list_objects_v2(
        Bucket=stack.environment["SITE_BUCKET"], Prefix=f"p/{token}/m/{photo}/"
    )
    assert listing.get("KeyCount", 0) > 0


def test_the_sweep_makes_reminders_for_reports_sent_while_reminders_were_off(
    api: Client, tenant_a: Tenant, stack: LocalStack
) -> None:
    _settings(api, tenant_a, enabled=False)
    report = _report(api, tenant_a, _planned(TODAY + timedelta(days=2), TODAY + timedelta(days=90)), "wr5@example.com")
    assert send(api, tenant_a, report, "link")[0] == 200
    assert [r for r in store.listing(tenant_a.dealership_id, None, None) if r.work_report_id == report] == []
    assert service.sweep()["generated"] == 0  # still off: the report keeps waiting

    _settings(api, tenant_a, enabled=True)
    outcome = service.sweep()
    made = [r for r in store.listing(tenant_a.dealership_id, None, None) if r.work_report_id == report]
    assert outcome["generated"] == len(made) == 2, outcome
    due = next(r for r in made if r.send_date == TODAY.isoformat())
    assert f"{due.reminder_id}-v1" in [e["name"] for e in _executions(stack)]
    assert service.sweep()["generated"] == 0  # made once
    assert len([r for r in store.listing(tenant_a.dealership_id, None, None) if r.work_report_id == report]) == 2


def test_editing_a_reminder_needs_the_version_read(api: Client, tenant_a: Tenant) -> None:
    _settings(api, tenant_a, send_automatically=False)
    office = tenant_a.bearer("back_office")
    base = f"/v1/dealerships/{tenant_a.dealership_id}/reminders"
    body = {
        "reference": "MAN-3",
        "contact": {"title": "mr", "last_name": "Edit", "phone": "+33611111111"},
        "send_date": TODAY.isoformat(),
        "works": _planned(TODAY + timedelta(days=30)),
    }
    created = call(api, "POST", base, office, body)[1]
    one = f"{base}/{created['id']}"
    works = _planned(TODAY + timedelta(days=20), TODAY + timedelta(days=25))
    status, answer = call(api, "PATCH", one, office, {"version": 9, "works": works})
    assert (status, answer["error"]["code"]) == (409, "stale_version")
    status, edited = call(api, "PATCH", one, office, {"version": 1, "works": works})
    assert (status, edited["works_count"], edited["deadline"], edited["version"]) == (200, 2, works[0]["deadline"], 2)
    status, answer = call(api, "PATCH", one, office, {"version": 2, "works": []})
    assert (status, answer["error"]["field"]) == (400, "works")
