"""Races on the local stack (issue 11): rounds held / rounds run, over HTTP on DynamoDB Local.

- 10 concurrent confirmations of one customer page: one 200, nine 409, the winner's answers and
  one ``answered`` history event recorded;
- 5 concurrent offline creates with one ``client_id``: one 201, four 200 with the same file.

Run: ``python -m bench.concurrency`` (``make bench`` runs every bench).
"""

from __future__ import annotations

import time

from tests.e2e.client import BackOffice
from tests.e2e.conftest import start_stack
from tests.e2e.races import confirmation_round, offline_create_round

ROUNDS = 20


def main() -> None:
    stack = start_stack("bench-concurrency")
    try:
        office = BackOffice(stack)
        for name, run in (
            ("10 concurrent confirmations of one page", lambda: confirmation_round(stack, office)),
            ("5 concurrent offline creates, one client_id", lambda: offline_create_round(stack)),
        ):
            started = time.monotonic()
            rounds = [run() for _ in range(ROUNDS)]
            held = sum(r.held for r in rounds)
            seconds = (time.monotonic() - started) / ROUNDS
            print(f"{name}: {held} / {len(rounds)} rounds held ({seconds:.2f} s a round)")
            for r in rounds:
                if not r.held:
                    print(f"  broken round: {r.detail}")
    finally:
        stack.stop()


if __name__ == "__main__":
    main()
