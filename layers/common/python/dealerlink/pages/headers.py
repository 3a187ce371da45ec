"""The response headers of a customer page, for the pages the API itself serves (previews).

CloudFront adds them to the pages under ``/p/*`` (template.yaml's ``PageHeadersPolicy``); a
preview comes through ``/api/*``, which that policy does not cover, so the API sends the same
ones. The layer cannot read template.yaml at run time: this copy is checked against it by
``tests/unit/test_page_headers.py``.
"""

from __future__ import annotations

PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self' blob:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)

PAGE_HEADERS: dict[str, str] = {
    "Content-Security-Policy": PAGE_CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
}
