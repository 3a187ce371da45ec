"""The API's typed contract: one pydantic model per request body, query and response.

Routes name these models (``route(..., body=, query=, response=)``); the edge validates what
comes in and serialises what goes out through them, and ``infra/openapi.json`` carries their
JSON Schemas as components. Feature modules (``contract/<feature>.py``) build on ``common``.
"""
