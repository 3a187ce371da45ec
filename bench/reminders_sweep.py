"""Reminders (issue 7): grouping and the daily sweep at scale.

1. Grouping (pure domain): 100,000 works to plan across 1,000 dealerships (100 each, deadlines
   spread over a year), grouped per dealership with a 31-day window: time and reminders made.
2. The sweep (in-process, moto): the reminders of part 1 stored, of which a few are due; the
   sweep's time, DynamoDB items read and executions started. Then as many again stored, none
   due: the items read must stay the same (they grow with the reminders due, not with all).

Items read = GetItem items + Query ScannedCount, as in bench/interventions_cost.py.
"""

from __future__ import annotations

import os
import random
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import tests.conftest  # noqa: F401 - fake credentials and local names, before any store import
from bench._reads import calls, install, items_read, uninstall
from dealerlink.domain.reminders import ReminderGroup, group_works
from dealerlink.domain.work_reports import PlannedWork
from dealerlink.ids import new_id
from tests.integration.conftest import aws_stack

DEALERSHIPS = int(os.environ.get("BENCH_DEALERSHIPS", "1000"))
WORKS_EACH = int(os.environ.get("BENCH_WORKS_EACH", "100"))


def _works(rng: random.Random, today: date, first_day: int) -> list[PlannedWork]:
    return [
        PlannedWork(
            id=f"p{i}",
            label=f"Work {i}",
            urgency=rng.choice(["recommended", "urgent"]),  # type: ignore[arg-type]
            price=Decimal("100.00"),
            deadline=today + timedelta(days=rng.randint(first_day, 365)),
        )
        for i in range(WORKS_EACH)
    ]


def grouping(today: date) -> tuple[dict[str, list[ReminderGroup]], float]:
    rng = random.Random(7)
    works = {new_id(): _works(rng, today, 30) for _ in range(DEALERSHIPS)}
    start = time.perf_counter()
    groups = {d: group_works(w, 31) for d, w in works.items()}
    return groups, time.perf_counter() - start


def store_reminders(groups: dict[str, list[ReminderGroup]], today: date, due_every: int) -> int:
    """Write every group as a reminder (batch writes); every ``due_every``-th one is due today."""
    from dealerlink.store import reminders as store

    count = 0
    with store.Reminder.batch_write() as batch:
        for dealership_id, made in groups.items():
            for group in made:
                due = due_every and count % due_every == 0
                send_day = today if due else group.deadline - timedelta(days=10)
                batch.save(
                    store.new_reminder(
                        dealership_id,
                        new_id(),
                        group,
                        send_day,
                        brand="peugeot",
                        reference="R",
                        contact={"title": "mr", "last_name": "Bench", "email": "b@example.com"},
                        vehicle={},
                        customer_id=None,
                        work_report_id=None,
                        actor="bench",
                    )
                )
                count += 1
    return count


def sweep_once() -> tuple[dict[str, int], float, int]:
    from dealerlink.services import reminders

    items_read[0] = 0
    calls.clear()
    start = time.perf_counter()
    outcome = reminders.sweep(datetime.now(UTC))
    return outcome, time.perf_counter() - start, items_read[0]


def main() -> None:
    today = datetime.now(UTC).date()
    groups, seconds = grouping(today)
    made = sum(len(g) for g in groups.values())
    total = DEALERSHIPS * WORKS_EACH
    print(f"grouping     {total:,} works, {DEALERSHIPS:,} dealerships -> {made:,} reminders in {seconds:.2f} s")
    with aws_stack():
        from dealerlink.domain.dealerships import DealershipSettings
        from dealerlink.store.dealerships import create_dealership
        from devstack.seed import demo_settings

        raw = {**demo_settings(), "after_sales": {"reminders": {"enabled": True, "send_automatically": True}}}
        settings = DealershipSettings.model_validate(raw)
        for dealership_id in groups:
            create_dealership(dealership_id, settings)
        start = time.perf_counter()
        stored = store_reminders(groups, today, due_every=100)
        print(
            f"stored       {stored:,} reminders ({stored // 100 + 1:,} due today) in {time.perf_counter() - start:.0f} s"
        )
        install()
        outcome, seconds, read = sweep_once()
        print(
            f"sweep        {seconds:.2f} s, {read:,} items read, {outcome['started']:,} executions started, {outcome['dealerships']:,} dealerships' settings"
        )
        again, seconds2, read2 = sweep_once()
        print(
            f"sweep again  {seconds2:.2f} s, {read2:,} items read, {again['started']} started (all scheduled already)"
        )
        uninstall()
        more = store_reminders(groups, today, due_every=0)
        install()
        _, seconds3, read3 = sweep_once()
        print(
            f"x2 stored    {stored + more:,} reminders, none more due: sweep {seconds3:.2f} s, {read3:,} items read "
            f"({'same as' if read3 == read2 else 'NOT the same as'} before)"
        )


if __name__ == "__main__":
    main()
