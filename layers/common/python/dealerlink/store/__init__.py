"""PynamoDB models and repositories on the single table (see ARCHITECTURE.md §3)."""
