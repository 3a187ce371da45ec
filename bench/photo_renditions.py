"""Photo renditions (F-4.5): one 12 MP phone photo to every rendition, against a naive pipeline.

The photo is generated: 4000 x 3000, smooth gradients with noise and edges so it weighs a
few MB at quality 90, with EXIF orientation 6 and GPS tags, as a phone held upright sends.
Each figure is a median over RUNS rounds; a round runs every mode once, each in a fresh
interpreter (so memory is per run, and a busy spell on a shared machine slows every mode
alike). Each process first handles a 64 x 48 photo, so what Pillow imports on first use counts
as start-up. Memory is the peak RSS (ru_maxrss), absolute and over "baseline", a process that
does the same start-up and reads the same bytes without processing them.

"ours" is ``dealerlink.adapters.imaging.photo_renditions`` (JPEG draft decoding, each width
from the one above, encodings on WORKERS threads); "ours, 1 cpu" the same pinned to one core
(a small Lambda); "naive" decodes in full, applies ``exif_transpose``, resizes each rendition
from the full image with LANCZOS and encodes one after the other, with the same settings.
Budget (issue Media): <= 0.6 s, <= 300 MB, >= 3x faster than naive.
"""

from __future__ import annotations

import io
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

RUNS = int(os.environ.get("BENCH_RUNS", "7"))
BUDGET_SECONDS = 0.6
BUDGET_MB = 300.0
BUDGET_RATIO = 3.0
ROOT = Path(__file__).resolve().parents[1]
MODES = {"baseline": "baseline", "ours": "ours", "ours-1cpu": "ours, 1 cpu", "naive": "naive"}


def make_photo(width: int = 4000, height: int = 3000) -> bytes:
    """A phone-like JPEG: gradients, coarse and fine noise, hard edges; orientation 6 and GPS."""
    from PIL import Image, ImageDraw

    channels = (Image.linear_gradient("L"), Image.radial_gradient("L"), Image.linear_gradient("L").rotate(90))
    image = Image.merge("RGB", [c.resize((width, height)) for c in channels])
    coarse = Image.effect_noise((width // 2, height // 2), 40).resize((width, height), Image.Resampling.BICUBIC)
    texture = Image.merge("RGB", (coarse, Image.effect_noise((width, height), 12), coarse))
    image = Image.blend(image, texture, 0.35)
    draw = ImageDraw.Draw(image)
    for i in range(60):
        box = (i * width // 66, i * height // 75, i * width // 66 + width // 10, i * height // 75 + height // 10)
        draw.ellipse(box, outline=(i * 4, 255 - i * 4, 128), width=8)
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90 degrees clockwise to show
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 3.0)})
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90, exif=exif)
    return buffer.getvalue()


def naive(data: bytes) -> list[tuple[str, int, int]]:
    """The obvious pipeline: full decode, upright, every rendition resized from the full image."""
    from PIL import Image, ImageOps

    from dealerlink.adapters.imaging import ENCODINGS, THUMBNAIL, WIDTHS, encode_rendition

    image = ImageOps.exif_transpose(Image.open(io.BytesIO(data)))  # decodes in full; RGB already
    renditions = []
    for slot in WIDTHS:
        resized = image.resize((slot, round(image.height * slot / image.width)), Image.Resampling.LANCZOS)
        renditions += [encode_rendition(resized, f"w{slot}.{ext}") for ext in ENCODINGS]
    thumbnail = ImageOps.fit(image, (THUMBNAIL, THUMBNAIL), Image.Resampling.LANCZOS)
    renditions.append(encode_rendition(thumbnail, "thumb.jpg"))
    return [(r.name, r.width, r.height) for r in renditions]


def ours(data: bytes) -> list[tuple[str, int, int]]:
    from dealerlink.adapters.imaging import photo_renditions

    return [(r.name, r.width, r.height) for r in photo_renditions(data).renditions]


def child(mode: str, path: str) -> int:
    """One measured run in this fresh process; prints its figures as JSON."""
    if mode == "make":
        Path(path).write_bytes(make_photo())
        return 0
    import PIL.Image  # noqa: F401  imports belong to the baseline, not to the run

    import dealerlink.adapters.imaging  # noqa: F401

    if mode == "ours-1cpu":
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    warm_up = make_photo(64, 48)  # what Pillow imports on first use counts as start-up, as imports do
    ours(warm_up), naive(warm_up)
    data = Path(path).read_bytes()
    run = {"baseline": lambda _: [], "ours": ours, "ours-1cpu": ours, "naive": naive}[mode]
    wall, cpu = time.perf_counter(), time.process_time()
    outputs = run(data)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(json.dumps({"seconds": wall, "cpu": cpu, "peak_mb": peak_mb, "outputs": outputs}))
    return 0


@dataclass(frozen=True)
class Figures:
    seconds: float  # medians over RUNS processes
    cpu: float
    peak_mb: float
    outputs: list[list[object]]  # (name, width, height) of each rendition, from the first run


def run_once(mode: str, path: str) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench.photo_renditions", "--child", mode, path]
    result: dict[str, Any] = json.loads(subprocess.check_output(command, cwd=ROOT))
    return result


def measure(path: str) -> dict[str, Figures]:
    """RUNS rounds, each running every mode once: a busy spell slows all modes alike."""
    rounds = [{mode: run_once(mode, path) for mode in MODES} for _ in range(RUNS)]
    return {
        mode: Figures(
            seconds=statistics.median(r[mode]["seconds"] for r in rounds),
            cpu=statistics.median(r[mode]["cpu"] for r in rounds),
            peak_mb=statistics.median(r[mode]["peak_mb"] for r in rounds),
            outputs=rounds[0][mode]["outputs"],
        )
        for mode in MODES
    }


def verdict(ok: bool) -> str:
    return "ok" if ok else "OVER"


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        path = f"{folder}/photo.jpg"
        # Made in a child too: a child inherits its parent's peak RSS, so this one must stay small.
        subprocess.check_call([sys.executable, "-m", "bench.photo_renditions", "--child", "make", path], cwd=ROOT)
        size_mb = Path(path).stat().st_size / 1e6
        print(f"photo        4000 x 3000 JPEG, {size_mb:.1f} MB, orientation 6 + GPS; median of {RUNS} processes")
        figures = measure(path)
    base = figures["baseline"].peak_mb
    for mode, label in MODES.items():
        f = figures[mode]
        print(
            f"{label:<12} {f.seconds * 1000:6.1f} ms  cpu {f.cpu * 1000:6.1f} ms  "
            f"peak {f.peak_mb:5.1f} MB (+{f.peak_mb - base:5.1f} MB)"
        )
    ours, naive = figures["ours"], figures["naive"]
    ratio = naive.seconds / ours.seconds
    print(f"time         {ours.seconds:.3f} s (budget <= {BUDGET_SECONDS} s) {verdict(ours.seconds <= BUDGET_SECONDS)}")
    print(
        f"memory       {ours.peak_mb:.0f} MB peak, +{ours.peak_mb - base:.0f} MB over the baseline "
        f"(budget <= {BUDGET_MB:.0f} MB) {verdict(ours.peak_mb <= BUDGET_MB)}"
    )
    print(
        f"speed-up     {ratio:.1f}x naive/ours (budget >= {BUDGET_RATIO}x) {verdict(ratio >= BUDGET_RATIO)}; "
        f"in cpu time {naive.cpu / ours.cpu:.1f}x"
    )
    same = ours.outputs == naive.outputs
    print(f"outputs      {'the same names and sizes as naive' if same else 'DIFFERENT from naive'}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        sys.exit(child(sys.argv[2], sys.argv[3]))
    sys.exit(main())
