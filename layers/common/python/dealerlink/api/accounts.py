"""Signing in, forgotten passwords and one's own profile (F-1.3, F-1.4)."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from dealerlink.adapters import directory
from dealerlink.api.edge import Access, read_json, route
from dealerlink.api.security import signed_in_user
from dealerlink.domain.identity import STAFF_ROLES, Principal, check_password
from dealerlink.domain.users import ProfileChanges
from dealerlink.domain.validation import parse
from dealerlink.errors import ValidationError
from dealerlink.store.ratelimits import hit
from dealerlink.store.users import save_user

bp = Blueprint(__name__)


def _text(body: dict[str, Any], name: str, max_length: int = 256) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(f"{name} is required", field=name)
    if len(value) > max_length:
        raise ValidationError(f"{name} is too long", field=name)
    return value.strip()


def _source_ip() -> str:
    identity = (bp.current_request.context or {}).get("identity") or {}
    return str(identity.get("sourceIp") or "unknown")


@route(bp, "/v1/auth/sign-in", "POST", access=Access.PUBLIC, tags=("accounts",))
def sign_in() -> dict[str, Any]:
    """Sign in with email and password; returns Cognito tokens (use the access token)."""
    body = read_json(bp.current_request)
    email = _text(body, "email").lower()
    hit(f"sign-in#{_source_ip()}", limit=20, window_seconds=60)
    tokens = directory.sign_in(email, _text(body, "password"))
    return tokens


@route(bp, "/v1/auth/forgot-password", "POST", access=Access.PUBLIC, status=202, tags=("accounts",))
def forgot_password() -> dict[str, Any]:
    """Email a reset code; answers the same whether or not the address is known."""
    body = read_json(bp.current_request)
    hit(f"forgot#{_source_ip()}", limit=5, window_seconds=60)
    directory.start_password_reset(_text(body, "email").lower())
    return {"status": "sent_if_known"}


@route(bp, "/v1/auth/reset-password", "POST", access=Access.PUBLIC, tags=("accounts",))
def reset_password() -> dict[str, Any]:
    """Set a new password with the emailed code."""
    body = read_json(bp.current_request)
    password = _text(body, "password")
    check_password(password)
    hit(f"reset#{_source_ip()}", limit=10, window_seconds=60)
    directory.finish_password_reset(_text(body, "email").lower(), _text(body, "code", 64), password)
    return {"status": "password_changed"}


@route(bp, "/v1/me", "GET", access=Access.STAFF, tags=("accounts",))
def me() -> dict[str, Any]:
    """The signed-in user's profile, roles and dealerships."""
    return signed_in_user().to_json()


@route(bp, "/v1/me", "PATCH", access=Access.STAFF, tags=("accounts",))
def edit_me() -> dict[str, Any]:
    """Change one's own phone or language (F-1.4)."""
    changes = parse(ProfileChanges, read_json(bp.current_request)).model_dump(exclude_unset=True)
    user = signed_in_user()
    for name, value in changes.items():
        setattr(user, name, value)
    return save_user(user, expected_version=int(user.version)).to_json()


@route(bp, "/v1/me/password", "POST", access=Access.STAFF, tags=("accounts",))
def change_my_password(principal: Principal) -> dict[str, Any]:
    """Change one's own password (the current one is required)."""
    if not principal.roles & STAFF_ROLES:
        raise ValidationError("this account has no password", field="password")
    body = read_json(bp.current_request)
    new = _text(body, "new_password")
    check_password(new, field="new_password")
    directory.change_password(principal.access_token or "", _text(body, "current_password"), new)
    return {"status": "password_changed"}
