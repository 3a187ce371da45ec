"""Keep the API's two generated contracts in step with the Chalice app's route table.

- template.yaml: the API's ``DefinitionBody`` between the ``BEGIN ROUTES``/``END ROUTES``
  markers: one ``aws_proxy`` integration per route, so API Gateway routes every Chalice route
  with the ``resourcePath`` Chalice dispatches on, and the function needs one permission (one
  SAM ``Api`` event per route made one each, past Lambda's 20 KB policy limit);
- infra/openapi.json: the OpenAPI document clients and fuzzers read;
- dealerlink/api/index.py: which module declares each route, so the API function mounts
  routes without importing their modules (``edge.mount``).

``python -m devstack.routes --check`` fails when either drifted; ``--write`` regenerates both.
"""

from __future__ import annotations

import argparse
import importlib
import json
import re
import sys
from typing import TYPE_CHECKING

from devstack.template import ROOT, TEMPLATE

if TYPE_CHECKING:
    from dealerlink.api.edge import RouteSpec

OPENAPI = ROOT / "infra" / "openapi.json"
INDEX = ROOT / "layers" / "common" / "python" / "dealerlink" / "api" / "index.py"
_NOT_ROUTES = {"edge", "index", "paging", "rights", "security", "contract"}
_BLOCK = re.compile(r"(?P<indent>[ ]*)# BEGIN ROUTES[^\n]*\n.*?# END ROUTES\n", re.S)


def route_modules() -> list[str]:
    """The dealerlink.api modules that may declare routes (every one but the edge's own)."""
    import pkgutil

    import dealerlink.api

    return sorted(m.name for m in pkgutil.iter_modules(dealerlink.api.__path__) if m.name not in _NOT_ROUTES)


def route_table() -> list[RouteSpec]:
    """Every declared route, every route module imported."""
    from dealerlink.api.edge import ROUTES

    for module in route_modules():
        importlib.import_module(f"dealerlink.api.{module}")
    return ROUTES


def app_routes() -> list[tuple[str, str]]:
    """(path, method) of every route the Chalice app serves, sorted."""
    from functions.api.app import app

    return sorted((path, method) for path, methods in app.routes.items() for method in methods)


def expected_index() -> str:
    specs = sorted(route_table(), key=lambda s: (s.path, s.method))
    lines = [
        '"""Which module declares each route (generated: python -m devstack.routes --write).',
        "",
        "The API function mounts routes from here and imports a module at its first call.",
        '"""',
        "",
        "MODULES = (",
        *[f"    {json.dumps(m)}," for m in route_modules()],
        ")",
        "ROUTES = (",
        *[f"    ({json.dumps(s.path)}, {json.dumps(s.method)}, {json.dumps(s.module)})," for s in specs],
        ")",
    ]
    return "\n".join(lines) + "\n"


def event_name(path: str, method: str) -> str:
    """A stable logical name per route: ``GET /v1/dealerships/{dealership_id}`` ->
    ``GetDealershipsByDealershipId``."""
    words = []
    for segment in path.strip("/").split("/")[1:]:
        if segment.startswith("{"):
            words.append("By")
        words += [w.capitalize() for w in re.split(r"[^A-Za-z0-9]+", segment) if w]
    return method.capitalize() + "".join(words)


INTEGRATION = (
    "{ type: aws_proxy, httpMethod: POST, uri: !Sub 'arn:${AWS::Partition}:apigateway:${AWS::Region}:"
    "lambda:path/2015-03-31/functions/${ApiFunction.Alias}/invocations' }"
)


def render_definition(routes: list[tuple[str, str]], indent: str) -> str:
    """The API's OpenAPI definition for API Gateway: every route to the API function."""
    lines = [
        f"{indent}# BEGIN ROUTES (generated from the Chalice app: python -m devstack.routes --write)",
        f"{indent}openapi: 3.0.1",
        f"{indent}info: {{ title: !Sub 'dealerlink-${{StageName}}-api', version: '1' }}",
        f"{indent}paths:",
    ]
    by_path: dict[str, list[str]] = {}
    for path, method in routes:
        by_path.setdefault(path, []).append(method)
    for path in sorted(by_path):
        lines.append(f"{indent}  '{path}':")
        params = re.findall(r"{(\w+)}", path)
        for method in sorted(by_path[path]):
            lines.append(f"{indent}    {method.lower()}:")
            lines.append(f"{indent}      operationId: {event_name(path, method)}")
            if params:
                lines.append(f"{indent}      parameters:")
                lines += [
                    f"{indent}        - {{ name: {p}, in: path, required: true, schema: {{ type: string }} }}"
                    for p in params
                ]
            lines.append(f"{indent}      x-amazon-apigateway-integration: {INTEGRATION}")
    lines.append(f"{indent}# END ROUTES")
    return "\n".join(lines) + "\n"


def expected_template(text: str) -> str:
    match = _BLOCK.search(text)
    if not match:
        raise SystemExit("template.yaml has no BEGIN ROUTES/END ROUTES block")
    return (
        text[: match.start()]
        + render_definition(sorted((r.path, r.method) for r in route_table()), match["indent"])
        + text[match.end() :]
    )


def expected_openapi() -> str:
    from dealerlink.api.openapi import build_openapi

    return json.dumps(build_openapi(route_table()), indent=2, sort_keys=True) + "\n"


def drift() -> list[str]:
    """What is out of date (empty when both contracts match the app)."""
    stale = []
    if not INDEX.exists() or INDEX.read_text() != expected_index():
        stale.append(str(INDEX.relative_to(ROOT)))
    if TEMPLATE.read_text() != expected_template(TEMPLATE.read_text()):
        stale.append(str(TEMPLATE.relative_to(ROOT)))
    if not OPENAPI.exists() or OPENAPI.read_text() != expected_openapi():
        stale.append(str(OPENAPI.relative_to(ROOT)))
    return stale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="fail when either drifted (the default)")
    mode.add_argument("--write", action="store_true", help="regenerate both")
    args = parser.parse_args(argv)
    if args.write:
        INDEX.write_text(expected_index())
        TEMPLATE.write_text(expected_template(TEMPLATE.read_text()))
        OPENAPI.write_text(expected_openapi())
        print("routes written to dealerlink/api/index.py, template.yaml and infra/openapi.json")
        return 0
    stale = drift()
    for path in stale:
        print(f"{path} is out of date with the Chalice app: run python -m devstack.routes --write")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
