"""The local stack: moto's server as AWS, resources from template.yaml, the API, the event
worker loop and a CloudFront stand-in, all on 127.0.0.1. ``python -m devstack`` runs it."""
