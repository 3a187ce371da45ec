"""Signing in, passwords, one's own profile, the dealership's settings and health."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from dealerlink.api.contract.common import Body, Out, merge_patch_of
from dealerlink.domain.dealerships import DealershipSettings

Secret = Field(min_length=1, max_length=256)


class SignIn(Body):
    email: str = Field(min_length=1, max_length=256, examples=["claire@garage.example"])
    password: str = Secret


class Tokens(Out):
    """Cognito's tokens: send ``Authorization: Bearer <access_token>``."""

    access_token: str
    id_token: str
    refresh_token: str | None
    expires_in: int
    token_type: str


class ForgotPassword(Body):
    email: str = Field(min_length=1, max_length=256)


class ResetPassword(Body):
    email: str = Field(min_length=1, max_length=256)
    code: str = Field(min_length=1, max_length=64)
    password: str = Secret


class ChangePassword(Body):
    current_password: str = Secret
    new_password: str = Secret


class Outcome(Out):
    status: Literal["sent_if_known", "password_changed"]


SettingsPatch = merge_patch_of(DealershipSettings)


class DealershipEdit(Body):
    version: int = Field(description="the version you read (a stale one is 409 stale_version)")
    settings: SettingsPatch  # type: ignore[valid-type]


class DealershipOut(Out):
    id: str
    group_id: str | None
    version: int
    settings: DealershipSettings


class HealthOut(Out):
    status: Literal["ok", "degraded"]
    checks: dict[str, str] = Field(description="each resource a request needs: ok, or what failed")
