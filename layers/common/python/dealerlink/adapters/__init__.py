"""Small ports to AWS services. Adapters import the domain, never the other way round."""
