"""The staff directory in Cognito: accounts, passwords, sign-in, groups.

Cognito enforces the pool's password policy (F-1.3) and owns passwords; DynamoDB owns
profiles, roles and memberships. Cognito's errors become DealerLink errors naming the field.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from botocore.exceptions import ClientError

from dealerlink.adapters.aws import client
from dealerlink.config import settings
from dealerlink.errors import ConflictError, DealerLinkError, UnauthorizedError, ValidationError

_ERRORS: dict[str, DealerLinkError] = {
    "InvalidPasswordException": ValidationError(
        "password needs at least 8 characters, a capital letter, a digit and a special character",
        field="password",
        code="weak_password",
    ),
    "UsernameExistsException": ConflictError("a user with this email exists", field="email", code="email_taken"),
    "NotAuthorizedException": UnauthorizedError("wrong email or password", code="invalid_credentials"),
    "UserNotFoundException": UnauthorizedError("wrong email or password", code="invalid_credentials"),
    "CodeMismatchException": ValidationError("this reset code is wrong", field="code", code="invalid_code"),
    "ExpiredCodeException": ValidationError("this reset code has expired", field="code", code="code_expired"),
    "LimitExceededException": ValidationError("too many attempts; try later", code="rate_limited"),
    "TooManyRequestsException": ValidationError("too many attempts; try later", code="rate_limited"),
}


@contextmanager
def _cognito() -> Iterator[Any]:
    try:
        yield client("cognito-idp")
    except ClientError as exc:
        known = _ERRORS.get(exc.response["Error"]["Code"])
        if known is None:
            raise
        raise type(known)(known.message, field=known.field, code=known.code) from exc


def create_account(email: str, password: str, groups: list[str]) -> str:
    """Create a sign-in account with a permanent password; return its ``sub`` (the user id)."""
    pool = settings().user_pool_id
    with _cognito() as idp:
        created = idp.admin_create_user(
            UserPoolId=pool,
            Username=email,
            UserAttributes=[{"Name": "email", "Value": email}, {"Name": "email_verified", "Value": "true"}],
            MessageAction="SUPPRESS",
        )
        try:
            idp.admin_set_user_password(UserPoolId=pool, Username=email, Password=password, Permanent=True)
        except ClientError:
            idp.admin_delete_user(UserPoolId=pool, Username=email)  # nothing half-created
            raise
        for group in groups:
            idp.admin_add_user_to_group(UserPoolId=pool, Username=email, GroupName=group)
    attributes = {a["Name"]: a["Value"] for a in created["User"]["Attributes"]}
    return str(attributes["sub"])


def delete_account(email: str) -> None:
    with _cognito() as idp:
        idp.admin_delete_user(UserPoolId=settings().user_pool_id, Username=email)


def set_groups(email: str, old: set[str], new: set[str]) -> None:
    pool = settings().user_pool_id
    with _cognito() as idp:
        for group in sorted(new - old):
            idp.admin_add_user_to_group(UserPoolId=pool, Username=email, GroupName=group)
        for group in sorted(old - new):
            idp.admin_remove_user_from_group(UserPoolId=pool, Username=email, GroupName=group)


def disable_account(email: str) -> None:
    with _cognito() as idp:
        idp.admin_disable_user(UserPoolId=settings().user_pool_id, Username=email)


def sign_in(email: str, password: str) -> dict[str, Any]:
    with _cognito() as idp:
        result = idp.initiate_auth(
            ClientId=settings().user_pool_client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": email, "PASSWORD": password},
        )
    tokens = result["AuthenticationResult"]
    return {
        "access_token": tokens["AccessToken"],
        "id_token": tokens["IdToken"],
        "refresh_token": tokens.get("RefreshToken"),
        "expires_in": tokens["ExpiresIn"],
        "token_type": "Bearer",
    }


def start_password_reset(email: str) -> None:
    """Cognito emails a code. Unknown emails look the same to the caller (no enumeration)."""
    try:
        with _cognito() as idp:
            idp.forgot_password(ClientId=settings().user_pool_client_id, Username=email)
    except UnauthorizedError:
        return


def finish_password_reset(email: str, code: str, password: str) -> None:
    """An unknown email is told the code is wrong, as a wrong code is (no enumeration)."""
    try:
        with _cognito() as idp:
            idp.confirm_forgot_password(
                ClientId=settings().user_pool_client_id, Username=email, ConfirmationCode=code, Password=password
            )
    except ClientError as exc:  # moto answers an unknown user so; Cognito's own answer is mapped above
        if exc.response["Error"]["Code"] != "ResourceNotFoundException":
            raise
        raise ValidationError("this reset code is wrong", field="code", code="invalid_code") from exc


def change_password(access_token: str, current: str, new: str) -> None:
    with _cognito() as idp:
        idp.change_password(AccessToken=access_token, PreviousPassword=current, ProposedPassword=new)
