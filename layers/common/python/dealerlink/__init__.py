"""DealerLink's shared package: the Lambda layer every function imports.

- ``domain``: pure Python rules (no AWS, no I/O);
- ``store``: PynamoDB models and repositories on the single table;
- ``adapters``: the small ports to AWS services;
- ``api``: Chalice blueprints and the HTTP edge (errors, OpenAPI);
- ``pages``: Jinja2 rendering of customer pages and emails.
"""

__version__ = "0.1.0"
