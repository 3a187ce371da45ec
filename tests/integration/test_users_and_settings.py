"""Users (F-1.3) and dealership settings (F-9.1 to F-9.3), with rights per role (F-1.2)."""

from __future__ import annotations

import boto3
import pytest
from chalice.test import Client

from devstack.template import LocalStack
from tests.integration.tenants import PASSWORD, Tenant, call


def _users_path(tenant: Tenant) -> str:
    return f"/v1/dealerships/{tenant.dealership_id}/users"


def _new_user(**overrides: object) -> dict[str, object]:
    return {
        "email": "new.person@alpha.example",
        "first_name": "Nina",
        "last_name": "Nouvelle",
        "phone": "+33 6 11 22 33 44",
        "language": "fr",
        "roles": ["back_office"],
        "password": "Welcome-1!",
        **overrides,
    }


def _table_count(stack: LocalStack) -> int:
    return int(boto3.client("dynamodb").scan(TableName=stack.environment["TABLE_NAME"], Select="COUNT")["Count"])


def _cognito_users(stack: LocalStack) -> int:
    idp = boto3.client("cognito-idp")
    return len(idp.list_users(UserPoolId=stack.environment["USER_POOL_ID"])["Users"])


def test_manager_creates_a_staff_user_who_can_sign_in(api: Client, tenant_a: Tenant) -> None:
    status, user = call(api, "POST", _users_path(tenant_a), tenant_a.bearer("dealer_manager"), _new_user())
    assert status == 201
    assert (user["email"], user["phone"], user["roles"], user["dealership_ids"]) == (
        "new.person@alpha.example",
        "+33611223344",
        ["back_office"],
        [tenant_a.dealership_id],
    )
    assert "password" not in user
    status, tokens = call(
        api, "POST", "/v1/auth/sign-in", body={"email": "new.person@alpha.example", "password": "Welcome-1!"}
    )
    assert status == 200
    assert tokens["token_type"] == "Bearer"
    status, listed = call(api, "GET", _users_path(tenant_a), tenant_a.bearer("dealer_manager"))
    assert user["id"] in [u["id"] for u in listed["items"]]


def test_technicians_have_no_password(api: Client, tenant_a: Tenant) -> None:
    body = _new_user(email="tech@alpha.example", roles=["technician"], password=None)
    status, user = call(api, "POST", _users_path(tenant_a), tenant_a.bearer("dealer_manager"), body)
    assert (status, user["roles"]) == (201, ["technician"])
    with_password = _new_user(email="tech2@alpha.example", roles=["technician"])
    status, body = call(api, "POST", _users_path(tenant_a), tenant_a.bearer("dealer_manager"), with_password)
    assert (status, body["error"]["field"]) == (400, "password")


@pytest.mark.parametrize(
    ("overrides", "status", "field", "code"),
    [
        ({"password": "password1"}, 400, "password", "weak_password"),
        ({"password": "Password1"}, 400, "password", "weak_password"),
        ({"password": None}, 400, "password", "invalid"),
        ({"roles": ["wizard"]}, 400, "roles.0", "unknown_role"),
        ({"roles": []}, 400, "roles", "invalid"),
        ({"email": "not-an-email"}, 400, "email", "invalid"),
        ({"email": "dealer_manager@alpha.example"}, 409, "email", "email_taken"),
        ({"last_name": ""}, 400, "last_name", "invalid"),
        ({"nickname": "x"}, 400, "nickname", "unknown_field"),
        ({"roles": ["group_manager"]}, 400, "roles", "role_not_allowed"),
    ],
)
def test_bad_users_are_refused_and_nothing_is_half_created(
    api: Client, tenant_a: Tenant, stack: LocalStack, overrides: dict[str, object], status: int, field: str, code: str
) -> None:
    body = _new_user(**overrides)
    if overrides.get("password", "") is None:
        body.pop("password")
    items, accounts = _table_count(stack), _cognito_users(stack)
    answer = call(api, "POST", _users_path(tenant_a), tenant_a.bearer("dealer_manager"), body)
    assert answer[0] == status
    assert (answer[1]["error"]["field"], answer[1]["error"]["code"]) == (field, code)
    assert (_table_count(stack), _cognito_users(stack)) == (items, accounts)


def test_back_office_and_sales_cannot_manage_users_or_settings(api: Client, tenant_a: Tenant) -> None:
    dealership = f"/v1/dealerships/{tenant_a.dealership_id}"
    for role in ("back_office", "salesperson"):
        for method, path, body in (
            ("GET", _users_path(tenant_a), None),
            ("POST", _users_path(tenant_a), _new_user()),
            ("PATCH", dealership, {"version": 1, "settings": {"website": "https://x.example"}}),
            ("POST", f"{dealership}/devices", {"name": "x"}),
        ):
            status, answer = call(api, method, path, tenant_a.bearer(role), body)
            assert (status, answer["error"]["code"]) == (403, "role_required"), (role, method, path)
    assert call(api, "GET", dealership, tenant_a.bearer("back_office"))[0] == 200


def test_group_manager_holds_every_right_in_its_dealerships(api: Client, tenant_a: Tenant) -> None:
    status, _ = call(api, "GET", _users_path(tenant_a), tenant_a.bearer("group_manager"))
    assert status == 200


def test_manager_edits_roles_and_deactivates_a_user(api: Client, tenant_a: Tenant) -> None:
    manager = tenant_a.bearer("dealer_manager")
    user_id = tenant_a.users["back_office"].user_id
    path = f"{_users_path(tenant_a)}/{user_id}"
    status, user = call(api, "PATCH", path, manager, {"roles": ["back_office", "salesperson"], "first_name": "Bea"})
    assert (status, user["roles"], user["first_name"]) == (200, ["back_office", "salesperson"], "Bea")
    status, user = call(api, "DELETE", path, manager)
    assert (status, user["status"]) == (200, "inactive")
    status, answer = call(api, "GET", "/v1/me", tenant_a.bearer("back_office"))
    assert (status, answer["error"]["code"]) == (401, "inactive_account")
    status, answer = call(
        api, "POST", "/v1/auth/sign-in", body={"email": "back_office@alpha.example", "password": PASSWORD}
    )
    assert status == 401


def test_settings_change_with_a_merge_patch_and_an_optimistic_version(api: Client, tenant_a: Tenant) -> None:
    manager = tenant_a.bearer("dealer_manager")
    path = f"/v1/dealerships/{tenant_a.dealership_id}"
    status, current = call(api, "GET", path, manager)
    assert status == 200
    patch = {
        "version": current["version"],
        "settings": {
            "booking_link": "https://booking.example/alpha",
            "after_sales": {
                "reminders": {"enabled": True, "days_before": 14},
                "event_addresses": ["Atelier@Alpha.example"],
            },
        },
    }
    status, changed = call(api, "PATCH", path, manager, patch)
    assert status == 200
    assert changed["version"] == current["version"] + 1
    settings = changed["settings"]
    assert settings["booking_link"] == "https://booking.example/alpha"
    assert settings["after_sales"]["reminders"] == {
        "enabled": True,
        "send_automatically": False,
        "days_before": 14,
        "grouping_window_days": 31,
        "send_hour": 9,
    }
    assert settings["after_sales"]["event_addresses"] == ["atelier@alpha.example"]
    assert settings["name"] == current["settings"]["name"]
    stale = call(api, "PATCH", path, manager, patch)
    assert (stale[0], stale[1]["error"]["code"]) == (409, "stale_version")


@pytest.mark.parametrize(
    ("settings", "field"),
    [
        ({"vat_rate": "120"}, "settings.vat_rate"),
        ({"country": "France"}, "settings.country"),
        ({"timezone": "Mars/Olympus"}, "settings.timezone"),
        ({"default_language": "tlh"}, "settings.default_language"),
        ({"main_brand": "ferrari"}, "settings"),
        (
            {"after_sales": {"reminders": {"grouping_window_days": 0}}},
            "settings.after_sales.reminders.grouping_window_days",
        ),
        ({"after_sales": {"reminders": {"days_before": -1}}}, "settings.after_sales.reminders.days_before"),
        ({"website": "not a url"}, "settings.website"),
        ({"colour": "red"}, "settings.colour"),
    ],
)
def test_bad_settings_are_refused_naming_the_field(
    api: Client, tenant_a: Tenant, settings: dict[str, object], field: str
) -> None:
    path = f"/v1/dealerships/{tenant_a.dealership_id}"
    status, answer = call(api, "PATCH", path, tenant_a.bearer("dealer_manager"), {"version": 1, "settings": settings})
    assert (status, answer["error"]["field"]) == (400, field)
    assert call(api, "GET", path, tenant_a.bearer("dealer_manager"))[1]["version"] == 1
