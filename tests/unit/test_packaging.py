"""What ships to Lambda matches what the tests run on."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _pins(lines: list[str]) -> dict[str, str]:
    pins = {}
    for line in lines:
        match = re.match(r"^\s*([A-Za-z0-9_.-]+)(\[[^\]]*\])?==([^\s;]+)", line)
        if match:
            pins[match[1].lower()] = match[3]
    return pins


def test_layer_requirements_are_the_project_runtime_pins_minus_the_lambda_runtime() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    layer = (ROOT / "layers/common/requirements.txt").read_text().splitlines()
    runtime = _pins(project)
    runtime.pop("boto3")  # provided by the Lambda runtime
    runtime.pop("chalice")  # added by layers/common/Makefile without its CLI dependencies
    assert _pins(layer) == runtime


def test_handler_modules_import_no_x_ray_sdk_and_no_test_tools() -> None:
    """Cold starts stay lean: nothing under functions/ or the layer imports these."""
    heavy = re.compile(r"^\s*(from|import)\s+(aws_xray_sdk|moto|pytest|devstack)\b", re.M)
    sources = [*ROOT.glob("functions/**/*.py"), *ROOT.glob("layers/common/python/**/*.py")]
    offenders = [str(p.relative_to(ROOT)) for p in sources if heavy.search(p.read_text())]
    assert offenders == []


def test_pillow_ships_with_the_media_function_only() -> None:
    """Image processing is the media function's: its package pins what pyproject's media extra pins."""
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    media = (ROOT / "functions/media/requirements.txt").read_text().splitlines()
    assert _pins(media) == _pins(extras["media"])
    layer = (ROOT / "layers/common/requirements.txt").read_text().lower()
    assert "pillow" not in layer
