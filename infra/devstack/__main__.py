"""``python -m devstack``: run DealerLink locally until Ctrl-C (what ``make dev`` calls)."""

from __future__ import annotations

import logging
import os
import signal
import sys
import time

from devstack.stack import Ports, System


def main() -> int:
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # moto's server logs every request
    # A plain flag, not a threading.Event: a handler that sets an Event can deadlock when the
    # signal lands while the main thread holds the Event's own lock (entering or leaving wait),
    # as a Ctrl-C right after READY did.
    asked: list[int] = []
    signal.signal(signal.SIGINT, lambda signum, _frame: asked.append(signum))
    signal.signal(signal.SIGTERM, lambda signum, _frame: asked.append(signum))

    system = System(Ports.from_env()).start()
    print("DealerLink is running locally:", flush=True)
    for name, url in system.urls.items():
        print(f"  {name:<18} {url}", flush=True)
    print("Demo data:", flush=True)
    for name, value in system.demo.items():
        print(f"  {name:<18} {value}", flush=True)
    print("READY (Ctrl-C stops)", flush=True)
    while not asked:
        time.sleep(0.1)
    print("stopping…", flush=True)
    system.stop()
    print("stopped", flush=True)
    return 0


if __name__ == "__main__":
    code = main()
    # Every part is stopped and its port free: leave now rather than wait seconds for the
    # interpreter to tear down moto's objects one by one (Ctrl-C must end within 10 s).
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
