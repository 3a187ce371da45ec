"""The customer page's headers are written twice: in template.yaml's PageHeadersPolicy (what
CloudFront adds to /p/*) and in the layer (what the API adds to the previews it serves, which
CloudFront's /api/* does not dress). They must say the same."""

from __future__ import annotations

from dealerlink.pages.headers import PAGE_CSP, PAGE_HEADERS
from devstack.template import load_template, page_headers


def test_the_layer_csp_is_the_page_headers_policy_csp() -> None:
    policy = load_template()["Resources"]["PageHeadersPolicy"]["Properties"]["ResponseHeadersPolicyConfig"]
    assert policy["SecurityHeadersConfig"]["ContentSecurityPolicy"]["ContentSecurityPolicy"] == PAGE_CSP


def test_the_layer_sends_every_header_cloudfront_adds_to_customer_pages() -> None:
    assert page_headers() == PAGE_HEADERS
