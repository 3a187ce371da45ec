"""F-6 on the running local stack: an answered intervention's declined work goes into a work
report; its deadline makes the reminder due now; with automatic sending on, the state machine
(really run by moto) enqueues it, the email arrives without anyone acting, and the customer
books an appointment on the reminder page."""

from __future__ import annotations

import re
import time
from datetime import date, timedelta

import requests

from tests.e2e.client import BackOffice, eventually
from tests.e2e.conftest import RunningStack
from tests.e2e.test_customer_page import sent_emails


def test_a_reminder_leaves_by_itself_and_the_customer_books(local_stack: RunningStack) -> None:
    office = BackOffice(local_stack)
    manager = BackOffice(local_stack, "manager@demo.dealerlink.example")
    settings = office.call("GET", "")
    # send_hour 0: the send moment of a reminder due today is already past at any time of day,
    # so it leaves at once (the default, 9:00, would make this test wait until the morning).
    reminders = {
        "enabled": True,
        "send_automatically": True,
        "days_before": 7,
        "grouping_window_days": 31,
        "send_hour": 0,
    }
    manager.call(
        "PATCH",
        "",
        {
            "version": settings["version"],
            "settings": {
                "booking_link": "https://booking.example/garage-demo",
                "after_sales": {"work_reports_enabled": True, "reminders": reminders},
            },
        },
    )
    address = f"reminded.{time.time_ns()}@example.com"
    contact = {"title": "mr", "last_name": "Durand", "email": address, "language": "fr"}
    works = [
        {"id": "brakes", "label": "Plaquettes de frein", "urgency": "urgent", "price": "180.00"},
        {"id": "tyres", "label": "Pneus arrière", "urgency": "recommended", "price": "320.00"},
    ]
    answered = office.call(
        "POST",
        "/interventions",
        {
            "mode": "after_sales",
            "module": "mechanics",
            "reference": f"RO-{time.time_ns()}",
            "contact": contact,
            "works": works,
        },
        expect=201,
    )
    office.call(
        "POST",
        f"/interventions/{answered['id']}/manual-accept",
        {"accepted_work_ids": ["brakes"], "origin": "phone", "notify": "none"},
    )
    # The declined tyres become a work to plan; a deadline within days_before makes it due now.
    deadline = (date.today() + timedelta(days=3)).isoformat()
    report = office.call(
        "POST",
        "/interventions",
        {
            "mode": "after_sales",
            "module": "work_report",
            "reference": f"WR-{time.time_ns()}",
            "contact": contact,
            "performed_works": [{"label": "Plaquettes de frein", "urgency": "urgent", "price": "180.00"}],
            "works_to_plan": [
                {
                    "label": "Pneus arrière",
                    "urgency": "recommended",
                    "price": "320.00",
                    "deadline": deadline,
                    "source_intervention_id": answered["id"],
                    "source_work_id": "tyres",
                }
            ],
        },
        expect=201,
    )
    office.call("POST", f"/interventions/{report['id']}/send", {"channel": "link"})

    found = eventually(lambda: sent_emails(local_stack, address), lambda emails: len(emails) == 1, timeout=60)
    link = re.search(r"https?://[^\s\"<>]+/p/([A-Za-z0-9_-]{32})/", found[0]["body"])
    assert link, found[0]["body"]
    page = eventually(lambda: requests.get(link.group(0), timeout=10), lambda answer: answer.status_code == 200)
    assert "Pneus arrière" in page.text

    public = f"{local_stack.site}/api/v1/public/pages/{link.group(1)}"
    assert requests.post(public + "/opened", timeout=10).json()["status"] == "read"
    booked = requests.post(public + "/booking", json={"accepted_work_ids": ["p1"]}, timeout=10)
    assert booked.status_code == 200, booked.text
    assert booked.json()["status"] == "answered"
    listed = office.call("GET", "/reminders?status=answered")["items"]
    assert any(r["reference"] == report["reference"] for r in listed)
