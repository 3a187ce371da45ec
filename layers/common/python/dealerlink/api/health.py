"""``GET /v1/health``: is every resource a request path needs reachable?"""

from __future__ import annotations

from chalice import Response

from dealerlink.adapters.health import probe_all
from dealerlink.api.contract.accounts import HealthOut
from dealerlink.api.edge import Access, Blueprint, json_response, route

bp = Blueprint(__name__)


@route(bp, "/v1/health", "GET", access=Access.PUBLIC, tags=("ops",), response=HealthOut)
def health() -> Response:
    """Report the table, buckets and queues reachable (503 when any is not)."""
    checks = probe_all()
    healthy = all(state == "ok" for state in checks.values())
    answer = HealthOut(status="ok" if healthy else "degraded", checks=checks).model_dump(mode="json")
    return json_response(answer, 200 if healthy else 503)
