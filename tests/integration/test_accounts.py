"""Staff sign-in (F-1.3): tokens are verified by the app itself; every forgery is refused."""

from __future__ import annotations

import base64
import gzip
import json
import time
from pathlib import Path
from typing import Any

import boto3
import jwt
import moto
import pytest
from chalice.test import Client
from cryptography.hazmat.primitives.asymmetric import rsa

from dealerlink.adapters import directory, tokens
from devstack.template import LocalStack
from tests.integration.tenants import PASSWORD, Tenant, call

MOTO_KEYS = Path(moto.__file__).parent / "cognitoidp" / "resources" / "jwks-private.json.gz"


def _moto_private_key() -> tuple[str, Any]:
    """The key moto signs its Cognito tokens with: lets a test forge an otherwise valid token."""
    key = json.loads(gzip.decompress(MOTO_KEYS.read_bytes()))
    return key["kid"], jwt.PyJWK(key).key


def _claims(tenant: Tenant, **overrides: Any) -> dict[str, Any]:
    claims = jwt.decode(tenant.tokens["dealer_manager"], options={"verify_signature": False})
    return {**claims, **overrides}


def _me(api: Client, token: str) -> tuple[int, Any]:
    return call(api, "GET", "/v1/me", {"Authorization": f"Bearer {token}"})


def test_sign_in_then_me_returns_the_profile(api: Client, tenant_a: Tenant) -> None:
    status, body = call(
        api, "POST", "/v1/auth/sign-in", body={"email": "dealer_manager@alpha.example", "password": PASSWORD}
    )
    assert status == 200
    status, me = _me(api, body["access_token"])
    assert status == 200
    assert (me["email"], me["roles"], me["dealership_ids"]) == (
        "dealer_manager@alpha.example",
        ["dealer_manager"],
        [tenant_a.dealership_id],
    )


def test_wrong_password_is_401_without_saying_which_part_was_wrong(api: Client, tenant_a: Tenant) -> None:
    for email in ("dealer_manager@alpha.example", "nobody@alpha.example"):
        status, body = call(api, "POST", "/v1/auth/sign-in", body={"email": email, "password": "Wrong-123!"})
        assert (status, body["error"]["code"]) == (401, "invalid_credentials")


@pytest.mark.parametrize("missing", ["email", "password"])
def test_sign_in_names_the_missing_field(api: Client, missing: str) -> None:
    body = {"email": "a@b.example", "password": "x"}
    del body[missing]
    status, answer = call(api, "POST", "/v1/auth/sign-in", body=body)
    assert (status, answer["error"]["field"]) == (400, missing)


@pytest.mark.filterwarnings("ignore:The HMAC key")
def test_forged_and_foreign_tokens_are_refused(api: Client, tenant_a: Tenant, stack: LocalStack) -> None:
    kid, moto_key = _moto_private_key()
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = int(time.time())

    def b64(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    forgeries = {
        "alg none": f"{b64({'alg': 'none', 'typ': 'JWT', 'kid': kid})}.{b64(_claims(tenant_a))}.",
        "HS256 with a guessable secret": jwt.encode(
            _claims(tenant_a), "secret", algorithm="HS256", headers={"kid": kid}
        ),
        "another key": jwt.encode(_claims(tenant_a), stranger, algorithm="RS256", headers={"kid": kid}),
        "unknown key id": jwt.encode(_claims(tenant_a), moto_key, algorithm="RS256", headers={"kid": "other"}),
        "expired": jwt.encode(
            _claims(tenant_a, iat=now - 7200, exp=now - 3600), moto_key, algorithm="RS256", headers={"kid": kid}
        ),
        "id token": jwt.encode(_claims(tenant_a, token_use="id"), moto_key, algorithm="RS256", headers={"kid": kid}),
        "another client": jwt.encode(
            _claims(tenant_a, client_id="someone-else"), moto_key, algorithm="RS256", headers={"kid": kid}
        ),
        "garbage": "not.a.jwt",
    }
    # A genuine token of another user pool (same signing keys in moto, another issuer).
    idp = boto3.client("cognito-idp")
    pool = idp.create_user_pool(PoolName="other")["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(
        UserPoolId=pool, ClientName="c", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"]
    )["UserPoolClient"]["ClientId"]
    idp.admin_create_user(UserPoolId=pool, Username="x@other.example", MessageAction="SUPPRESS")
    idp.admin_set_user_password(UserPoolId=pool, Username="x@other.example", Password=PASSWORD, Permanent=True)
    forgeries["another pool"] = idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "x@other.example", "PASSWORD": PASSWORD},
    )["AuthenticationResult"]["AccessToken"]

    for name, token in forgeries.items():
        status, body = _me(api, token)
        assert status == 401, name
        assert body["error"]["code"] in {"invalid_token", "token_expired"}, name

    # The genuine token still works, and the JWKS was fetched once for all of this.
    assert _me(api, tenant_a.tokens["dealer_manager"])[0] == 200
    assert tokens.staff_tokens().fetches == 1


def test_missing_or_other_scheme_authorization_is_401(api: Client, tenant_a: Tenant) -> None:
    for headers in ({}, {"Authorization": "Basic abc"}, {"Authorization": f"Device {tenant_a.device_credential}"}):
        status, body = call(api, "GET", "/v1/me", headers)
        assert (status, body["error"]["code"]) == (401, "unauthenticated")


def test_forgotten_password_resets_with_the_emailed_code(api: Client, tenant_a: Tenant) -> None:
    for email in ("back_office@alpha.example", "unknown@alpha.example"):
        status, body = call(api, "POST", "/v1/auth/forgot-password", body={"email": email})
        assert (status, body) == (202, {"status": "sent_if_known"})
    weak = call(
        api,
        "POST",
        "/v1/auth/reset-password",
        body={"email": "back_office@alpha.example", "code": "123456", "password": "weakpass"},
    )
    assert weak[0] == 400
    assert weak[1]["error"]["field"] == "password"
    status, _ = call(
        api,
        "POST",
        "/v1/auth/reset-password",
        body={"email": "back_office@alpha.example", "code": "123456", "password": "Brand-New-1!"},
    )
    assert status == 200
    assert directory.sign_in("back_office@alpha.example", "Brand-New-1!")["access_token"]


def test_profile_edits_phone_and_language_only(api: Client, tenant_a: Tenant) -> None:
    headers = tenant_a.bearer("back_office")
    status, me = call(api, "PATCH", "/v1/me", headers, {"phone": "+33 6 12 34 56 78", "language": "de"})
    assert status == 200
    assert (me["phone"], me["language"]) == ("+33612345678", "de")
    status, body = call(api, "PATCH", "/v1/me", headers, {"roles": ["dealer_manager"]})
    assert (status, body["error"]["field"], body["error"]["code"]) == (400, "roles", "unknown_field")
    status, body = call(api, "PATCH", "/v1/me", headers, {"phone": "06 12"})
    assert (status, body["error"]["field"]) == (400, "phone")


def test_password_change_needs_the_current_password_and_the_policy(api: Client, tenant_a: Tenant) -> None:
    headers = tenant_a.bearer("salesperson")
    weak = call(api, "POST", "/v1/me/password", headers, {"current_password": PASSWORD, "new_password": "short"})
    assert (weak[0], weak[1]["error"]["field"]) == (400, "new_password")
    ok = call(api, "POST", "/v1/me/password", headers, {"current_password": PASSWORD, "new_password": "Changed-99#"})
    assert ok[0] == 200
    assert directory.sign_in("salesperson@alpha.example", "Changed-99#")["access_token"]
