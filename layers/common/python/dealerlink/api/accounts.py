"""Signing in, forgotten passwords and one's own profile (F-1.3, F-1.4)."""

from __future__ import annotations

from typing import Any

from dealerlink.api.contract.accounts import ChangePassword, ForgotPassword, Outcome, ResetPassword, SignIn, Tokens
from dealerlink.api.contract.users import UserOut
from dealerlink.api.edge import Access, Blueprint, route
from dealerlink.api.security import signed_in_user
from dealerlink.domain.identity import Principal
from dealerlink.domain.users import ProfileChanges
from dealerlink.services import accounts

bp = Blueprint(__name__)


def _source_ip() -> str:
    identity = (bp.current_request.context or {}).get("identity") or {}
    return str(identity.get("sourceIp") or "unknown")


@route(
    bp, "/v1/auth/sign-in", "POST", access=Access.PUBLIC, tags=("accounts",), body=SignIn, response=Tokens,
    errors=(401,),
    examples={"the demo back office": {"email": "backoffice@demo.example", "password": "Demo-1234!"}},
)  # fmt: skip
def sign_in(body: SignIn) -> dict[str, Any]:
    """Sign in with email and password; returns Cognito tokens (use the access token)."""
    return accounts.sign_in(body.email, body.password, _source_ip())


@route(
    bp, "/v1/auth/forgot-password", "POST", access=Access.PUBLIC, status=202, tags=("accounts",),
    body=ForgotPassword, response=Outcome,
)  # fmt: skip
def forgot_password(body: ForgotPassword) -> dict[str, Any]:
    """Email a reset code; answers the same whether or not the address is known."""
    accounts.forgot_password(body.email, _source_ip())
    return {"status": "sent_if_known"}


@route(
    bp, "/v1/auth/reset-password", "POST", access=Access.PUBLIC, tags=("accounts",),
    body=ResetPassword, response=Outcome, errors=(401,),
)  # fmt: skip
def reset_password(body: ResetPassword) -> dict[str, Any]:
    """Set a new password with the emailed code."""
    accounts.reset_password(body.email, body.code, body.password, _source_ip())
    return {"status": "password_changed"}


@route(bp, "/v1/me", "GET", access=Access.STAFF, tags=("accounts",), response=UserOut)
def me() -> dict[str, Any]:
    """The signed-in user's profile, roles and dealerships."""
    return signed_in_user().to_json()


@route(bp, "/v1/me", "PATCH", access=Access.STAFF, tags=("accounts",), body=ProfileChanges, response=UserOut)
def edit_me(body: ProfileChanges) -> dict[str, Any]:
    """Change one's own phone or language (F-1.4)."""
    return accounts.edit_profile(signed_in_user(), body.model_dump(exclude_unset=True)).to_json()


@route(bp, "/v1/me/password", "POST", access=Access.STAFF, tags=("accounts",), body=ChangePassword, response=Outcome)
def change_my_password(principal: Principal, body: ChangePassword) -> dict[str, Any]:
    """Change one's own password (the current one is required)."""
    accounts.change_password(principal, body.current_password, body.new_password)
    return {"status": "password_changed"}
