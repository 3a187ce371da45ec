"""Use cases that orchestrate the domain, the store and the adapters; handlers and views call them."""
