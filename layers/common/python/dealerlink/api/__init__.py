"""The HTTP edge: Chalice blueprints, the route table, error mapping and OpenAPI.

Only the API function imports this package (it is the one place Chalice is used).
"""
