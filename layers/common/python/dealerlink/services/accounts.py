"""Accounts (F-1.3, F-1.4): signing in, forgotten passwords, one's own profile and password.

Cognito owns passwords (and their policy); every public call is rate-limited per address, so
a password or a reset code cannot be guessed from one place.
"""

from __future__ import annotations

from typing import Any

from dealerlink.adapters import directory
from dealerlink.domain.identity import STAFF_ROLES, Principal, check_password
from dealerlink.errors import ValidationError
from dealerlink.store.ratelimits import hit
from dealerlink.store.users import User, save_user


def _address(email: str) -> str:
    return email.strip().lower()


def sign_in(email: str, password: str, source_ip: str) -> dict[str, Any]:
    """Cognito's tokens for this email and password."""
    hit(f"sign-in#{source_ip}", limit=20, window_seconds=60)
    return directory.sign_in(_address(email), password)


def forgot_password(email: str, source_ip: str) -> None:
    """Cognito emails a reset code; an unknown address looks the same to the caller."""
    hit(f"forgot#{source_ip}", limit=5, window_seconds=60)
    directory.start_password_reset(_address(email))


def reset_password(email: str, code: str, password: str, source_ip: str) -> None:
    check_password(password)
    hit(f"reset#{source_ip}", limit=10, window_seconds=60)
    directory.finish_password_reset(_address(email), code.strip(), password)


def edit_profile(user: User, changes: dict[str, Any]) -> User:
    """Change one's own phone or language, if nobody changed the profile meanwhile."""
    for name, value in changes.items():
        setattr(user, name, value)
    return save_user(user, expected_version=int(user.version))


def change_password(principal: Principal, current: str, new: str) -> None:
    if not principal.roles & STAFF_ROLES:
        raise ValidationError("this account has no password", field="password")
    check_password(new, field="new_password")
    directory.change_password(principal.access_token or "", current, new)
