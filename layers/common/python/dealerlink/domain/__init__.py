"""Pure rules of the product: no boto3, no PynamoDB, no Chalice, no Jinja2, no I/O."""
