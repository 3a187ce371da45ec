"""Staff tokens: Cognito access tokens verified in the app, on AWS, locally and in tests alike.

``chalice local`` and moto accept forged tokens, so nothing upstream is trusted: the
signature (RS256 only: ``alg: none`` and HS256 are refused), issuer, client, expiry and
token use are all checked here. The pool's JWKS is fetched at most once per cold start,
and again only for an unknown key id (key rotation), at most once a minute. PyJWT (and
its cryptography) loads with the first staff request: device, customer and public calls
never pay for it.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable
from typing import Any

from dealerlink.config import settings
from dealerlink.errors import UnauthorizedError

Fetch = Callable[[str], dict[str, Any]]


def fetch_json(url: str) -> dict[str, Any]:
    import urllib.request

    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - https (or local moto) URL from config
        body: dict[str, Any] = json.load(response)
    return body


class StaffTokens:
    """Verifies access tokens of one user pool and client."""

    REFRESH_AFTER = 60.0

    def __init__(self, issuer: str, client_id: str, jwks_url: str, fetch: Fetch | None = None) -> None:
        self.issuer = issuer
        self.client_id = client_id
        self.jwks_url = jwks_url
        self.fetch = fetch
        self.fetches = 0
        self._keys: dict[str, Any] = {}
        self._fetched_at = 0.0
        self._lock = threading.Lock()

    def _key(self, kid: str) -> Any:
        import jwt

        with self._lock:
            stale = time.monotonic() - self._fetched_at > self.REFRESH_AFTER
            if kid not in self._keys and (not self._keys or stale):
                jwks = (self.fetch or fetch_json)(self.jwks_url)
                self.fetches += 1
                self._fetched_at = time.monotonic()
                self._keys = {k["kid"]: jwt.PyJWK(k).key for k in jwks.get("keys", []) if "kid" in k}
            if kid not in self._keys:
                raise UnauthorizedError("token signed by an unknown key", code="invalid_token")
            return self._keys[kid]

    def verify(self, token: str) -> dict[str, Any]:
        """The token's claims, or UnauthorizedError saying why it is refused."""
        import jwt

        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise UnauthorizedError("malformed token", code="invalid_token") from exc
        if header.get("alg") != "RS256":
            raise UnauthorizedError("token algorithm must be RS256", code="invalid_token")
        key = self._key(str(header.get("kid", "")))
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=["RS256"],
                issuer=self.issuer,
                options={"require": ["exp", "iat", "iss", "sub", "token_use", "client_id"], "verify_aud": False},
                leeway=5,
            )
        except jwt.ExpiredSignatureError as exc:
            raise UnauthorizedError("token expired", code="token_expired") from exc
        except jwt.PyJWTError as exc:
            raise UnauthorizedError(f"invalid token: {exc}", code="invalid_token") from exc
        wrong_use = claims["token_use"] != "access"  # noqa: S105 - a claim value, not a secret
        if wrong_use or claims["client_id"] != self.client_id:
            raise UnauthorizedError("not an access token of this application", code="invalid_token")
        return claims


_instance: StaffTokens | None = None


def staff_tokens() -> StaffTokens:
    """The process-wide verifier for the configured pool (locally: moto's JWKS endpoint)."""
    global _instance
    cfg = settings()
    if _instance is None or _instance.client_id != cfg.user_pool_client_id:
        issuer = f"https://cognito-idp.{cfg.region}.amazonaws.com/{cfg.user_pool_id}"
        endpoint = os.environ.get("AWS_ENDPOINT_URL")
        jwks_url = (
            f"{endpoint}/{cfg.user_pool_id}/.well-known/jwks.json" if endpoint else f"{issuer}/.well-known/jwks.json"
        )
        _instance = StaffTokens(issuer, cfg.user_pool_client_id, jwks_url)
    return _instance
