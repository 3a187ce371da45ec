"""Jinja2 rendering of customer pages and emails into the site bucket (issue: customer page)."""
