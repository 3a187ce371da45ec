"""Customer page budgets (issue 6) on the running local stack.

- page weight without media: HTML + CSS + JS, each gzipped as CloudFront serves them (budget 30 KB);
- render time per page (Jinja2, in-process, the demo page's view);
- seconds from ``send`` to the page being served by the site (pages function via the stream);
- Lighthouse (mobile) performance and accessibility of the demo page in Debian's Chromium, when
  Lighthouse is installed (``make bench`` installs it under .lighthouse/ with npm).

Run: ``python -m bench.customer_page`` (``make bench`` runs every bench).
"""

from __future__ import annotations

import gzip
import json
import os
import re
import statistics
import subprocess
import time
from pathlib import Path

import requests

from tests.e2e.client import BackOffice
from tests.e2e.conftest import start_stack

ROOT = Path(__file__).resolve().parents[1]
LIGHTHOUSE = ROOT / ".lighthouse" / "node_modules" / ".bin" / "lighthouse"
CHROME_FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update "
    "--disable-sync --disable-dev-shm-usage"
)
WORKS = [
    {"id": "brakes", "label": "Plaquettes de frein avant", "urgency": "urgent", "price": "180.00"},
    {"id": "wipers", "label": "Balais d'essuie-glace", "urgency": "recommended", "price": "25.00"},
    {"id": "tyres", "label": "Pneus arrière", "urgency": "recommended", "price": "320.00"},
    {"id": "levels", "label": "Contrôle des niveaux", "urgency": "offered", "price": "0.00"},
]


def page_weight(url: str) -> dict[str, int]:
    """Bytes of the page and of the CSS and JS it links, each gzipped."""
    html = requests.get(url, timeout=10).text
    origin = re.match(r"https?://[^/]+", url)
    assert origin
    sizes = {"html": len(gzip.compress(html.encode(), 9))}
    for path, kind in re.findall(r'(?:href|src)="(/p/assets/[^"]+\.(css|js))"', html):
        sizes[kind] = len(gzip.compress(requests.get(origin.group(0) + path, timeout=10).content, 9))
    return sizes


def render_time(runs: int = 200) -> float:
    """Median milliseconds to render a page with every part (the renderer tests' full view)."""
    from dealerlink.pages.render import render_page
    from tests.unit.test_pages_render import full_view

    view = full_view()
    render_page(view)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        render_page(view)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def send_to_served(office: BackOffice, runs: int = 5) -> list[float]:
    seconds = []
    for run in range(runs):
        body = {
            "mode": "after_sales",
            "module": "mechanics",
            "reference": f"RO-BENCH-{run}-{time.time_ns()}",
            "contact": {"title": "mr", "last_name": "Bench", "email": "bench@example.com", "language": "fr"},
            "works": WORKS,
        }
        created = office.call("POST", "/interventions", body, expect=201)
        start = time.monotonic()
        link = office.call("POST", f"/interventions/{created['id']}/send", {"channel": "link"})["link"]
        while requests.get(link, timeout=10).status_code != 200:
            time.sleep(0.02)
        seconds.append(time.monotonic() - start)
    return seconds


def lighthouse(url: str) -> dict[str, float] | None:
    if not LIGHTHOUSE.exists():
        return None
    env = {**os.environ, "CHROME_PATH": "/usr/lib/chromium/chromium"}
    done = subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            "--quiet",
            "--output=json",
            "--only-categories=performance,accessibility",
            f"--chrome-flags={CHROME_FLAGS}",
        ],
        capture_output=True,
        env=env,
        timeout=180,
        check=False,
    )
    if done.returncode != 0:
        print("lighthouse failed:", done.stderr.decode()[-500:])
        return None
    report = json.loads(done.stdout)
    return {name: round(category["score"] * 100) for name, category in report["categories"].items()}


def main() -> None:
    stack = start_stack("bench-pages")
    try:
        log = stack.log.read_text()
        found = re.search(r"customer page\s+(http://\S+/p/[A-Za-z0-9_-]{32}/)", log)
        assert found, log
        url = found.group(1)
        while requests.get(url, timeout=10).status_code != 200:
            time.sleep(0.1)
        sizes = page_weight(url)
        total = sum(sizes.values())
        parts = ", ".join(f"{k} {v / 1024:.1f} KB" for k, v in sizes.items())
        print(
            f"page weight  {total / 1024:.1f} KB gzipped ({parts}); budget <= 30 KB {'ok' if total <= 30 * 1024 else 'OVER'}"
        )
        print(f"render       {render_time():.2f} ms median per page (every part shown)")
        served = send_to_served(BackOffice(stack))
        print(
            f"send->served median {statistics.median(served):.2f} s, max {max(served):.2f} s over {len(served)} sends"
        )
        scores = lighthouse(url)
        if scores is None:
            print("lighthouse   not installed (npm install --prefix .lighthouse lighthouse@12)")
        else:
            print(
                f"lighthouse   mobile performance {scores['performance']}, accessibility {scores['accessibility']} (aim >= 95)"
            )
    finally:
        stack.stop()


if __name__ == "__main__":
    main()
