"""The API function: one Chalice app, the handler of the Lambda behind API Gateway.

Routes live in blueprints of the shared package (``dealerlink.api``); this module only
assembles them, so it stays small and its import stays cheap.
"""

from __future__ import annotations

from dealerlink.api import (
    accounts,
    checklists,
    customers,
    dealerships,
    devices,
    downloads,
    edge,
    health,
    interventions,
    media,
    openapi,
    public,
    reminders,
    sending,
    templates,
    users,
)

app = edge.App(app_name="dealerlink-api")
app.api.binary_types = ["image/png", "application/zip", "application/octet-stream"]
edge.install(app)
for blueprint in (
    health,
    openapi,
    accounts,
    dealerships,
    users,
    devices,
    interventions,
    checklists,
    media,
    downloads,
    sending,
    customers,
    public,
    templates,
    reminders,
):
    app.register_blueprint(blueprint.bp)
