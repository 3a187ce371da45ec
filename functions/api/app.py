"""The API function: one Chalice app, the handler of the Lambda behind API Gateway.

Routes are declared in the shared package's feature modules (``dealerlink.api.<feature>``) and
mounted here from the generated index: a module is imported at the first request that needs
it, so a cold start pays for the edge only (``bench/import_cost.py``).
"""

from __future__ import annotations

from dealerlink.api import edge, index

app = edge.App(app_name="dealerlink-api")
app.api.binary_types = ["image/png", "application/zip", "application/octet-stream"]
edge.install(app)
edge.mount(app, index.ROUTES)
