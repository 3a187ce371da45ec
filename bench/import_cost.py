"""Cold-start import cost of each function's handler module, beside boto3's own.

Each figure is the median of RUNS fresh interpreters timing one import (what a Lambda cold
start pays before the first event), compared with ``import boto3; boto3.client("dynamodb")``.
Budget (issue Foundation): API <= 1.5x, event functions <= 1.2x.

The layer makes its clients with botocore at first use, so a second column shows the import
plus the first client (``client("dynamodb")``), the like-for-like figure with the baseline.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys

RUNS = int(os.environ.get("BENCH_RUNS", "15"))
BASELINE = 'import boto3; boto3.client("dynamodb", region_name="eu-west-1")'
HANDLERS = {
    "api": ("functions.api.app", 1.5),
    "media": ("functions.media.handler", 1.2),
    "notify": ("functions.notify.handler", 1.2),
    "pages": ("functions.pages.handler", 1.2),
    "stats": ("functions.stats.handler", 1.2),
    "reminders": ("functions.reminders.handler", 1.2),
    "payments": ("functions.payments.handler", 1.2),
}
ENV = {**os.environ, "AWS_DEFAULT_REGION": "eu-west-1", "TABLE_NAME": "bench", "POWERTOOLS_TRACE_DISABLED": "true"}


def median_seconds(statement: str) -> float:
    code = f"import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"
    samples = [float(subprocess.check_output([sys.executable, "-c", code], env=ENV)) for _ in range(RUNS)]
    return statistics.median(samples)


def compile_bytecode() -> None:
    """What the layer build ships (layers/common/Makefile): bytecode, so imports do not compile.

    Timestamp-checked here (the layer uses unchecked hashes): an edited file recompiles."""
    for folder in ("layers/common/python", "functions"):
        subprocess.run([sys.executable, "-m", "compileall", "-q", folder], check=True)


def main() -> int:
    compile_bytecode()
    baseline = median_seconds(BASELINE)
    print(f"baseline  {baseline * 1000:7.1f} ms  ({BASELINE}; median of {RUNS})")
    over = []
    for name, (module, budget) in HANDLERS.items():
        seconds = median_seconds(f"import {module}")
        ratio = seconds / baseline
        verdict = "ok" if ratio <= budget else "OVER"
        first = median_seconds(f"import {module}; from dealerlink.adapters.aws import client; client('dynamodb')")
        print(
            f"{name:<9} {seconds * 1000:7.1f} ms  {ratio:4.2f}x  (budget {budget}x) {verdict}"
            f"   + first client {first * 1000:7.1f} ms  {first / baseline:4.2f}x"
        )
        if ratio > budget:
            over.append(name)
    # The API mounts routes lazily: its first request also imports that route's feature module.
    for feature in ("interventions", "media", "public"):
        seconds = median_seconds(f"import functions.api.app, dealerlink.api.{feature}")
        print(
            f"api + first {feature} request {seconds * 1000:7.1f} ms  {seconds / baseline:4.2f}x  (paid once per cold start)"
        )
    if over:
        print(f"over budget: {', '.join(over)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
