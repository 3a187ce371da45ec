"""A dealership's users (F-1.3, F-9.7): dealer managers create, edit and remove them."""

from __future__ import annotations

from typing import Any

from dealerlink.adapters import directory
from dealerlink.api import rights
from dealerlink.api.contract.common import ListQuery, Page
from dealerlink.api.contract.users import MemberOut, UserOut
from dealerlink.api.edge import Access, Blueprint, route
from dealerlink.api.paging import decode_cursor, page
from dealerlink.domain.identity import Principal, Role, check_password, needs_password, parse_roles
from dealerlink.domain.users import NewUser, UserChanges
from dealerlink.errors import ValidationError
from dealerlink.ids import new_id
from dealerlink.store.users import User, create_user, get_member, list_members, save_user

bp = Blueprint(__name__)
USERS = "/v1/dealerships/{dealership_id}/users"


def _dealerships(principal: Principal, dealership_id: str, wanted: list[str]) -> list[str]:
    """The user's dealerships: the path's one plus others the manager also manages."""
    chosen = sorted({dealership_id, *wanted})
    for index, other in enumerate(chosen):
        if other not in principal.dealership_ids:
            raise ValidationError("you can add users only to your dealerships", field=f"dealership_ids.{index}")
    return chosen


@route(
    bp, USERS, "POST", access=Access.STAFF, roles=rights.CONFIGURATION, status=201, tags=("users",),
    body=NewUser, response=UserOut,
)  # fmt: skip
def add_user(dealership_id: str, principal: Principal, body: NewUser) -> dict[str, Any]:
    """Create a user; staff roles need a password (F-1.3), technicians and auditors do not."""
    data = body
    roles = parse_roles(data.roles)
    if Role.GROUP_MANAGER in roles and Role.GROUP_MANAGER not in principal.roles:
        raise ValidationError("only a group manager can make group managers", field="roles", code="role_not_allowed")
    dealerships = _dealerships(principal, dealership_id, data.dealership_ids)
    user = User(
        email=data.email,
        first_name=data.first_name,
        last_name=data.last_name,
        phone=data.phone,
        language=data.language,
        roles=sorted(r.value for r in roles),
        dealership_ids=dealerships,
    )
    if needs_password(roles):
        if not data.password:
            raise ValidationError("a password is required for these roles", field="password")
        check_password(data.password)
        user.user_id = directory.create_account(data.email, data.password, user.roles)
        try:
            create_user(user)
        except Exception:
            directory.delete_account(data.email)  # nothing half-created
            raise
    else:
        if data.password:
            raise ValidationError("technicians and auditors have no password", field="password")
        user.user_id = new_id()
        create_user(user)
    return user.to_json()


@route(
    bp, USERS, "GET", access=Access.STAFF, roles=rights.CONFIGURATION, tags=("users",),
    query=ListQuery, response=Page[MemberOut],
)  # fmt: skip
def users(dealership_id: str, query: ListQuery) -> dict[str, Any]:
    """The dealership's users."""
    items, last = list_members(dealership_id, query.limit, decode_cursor(query.cursor))
    return page(
        [
            {
                "id": m.user_id,
                "email": m.email,
                "first_name": m.first_name,
                "last_name": m.last_name,
                "roles": sorted(m.roles),
                "status": m.status,
            }
            for m in items
        ],
        last,
    )


@route(
    bp, USERS + "/{user_id}", "GET", access=Access.STAFF, roles=rights.CONFIGURATION, tags=("users",), response=UserOut
)
def read_user(dealership_id: str, user_id: str) -> dict[str, Any]:
    """One user of the dealership."""
    return get_member(dealership_id, user_id).to_json()


@route(
    bp, USERS + "/{user_id}", "PATCH", access=Access.STAFF, roles=rights.CONFIGURATION, tags=("users",),
    body=UserChanges, response=UserOut,
)  # fmt: skip
def edit_user(dealership_id: str, user_id: str, principal: Principal, body: UserChanges) -> dict[str, Any]:
    """Change a user's names, phone, language or roles."""
    changes = body.model_dump(exclude_unset=True)
    user = get_member(dealership_id, user_id)
    version = user.version
    if "roles" in changes:
        roles = parse_roles(changes.pop("roles"))
        if Role.GROUP_MANAGER in roles ^ user.role_set and Role.GROUP_MANAGER not in principal.roles:
            raise ValidationError("only a group manager can change group managers", field="roles")
        if needs_password(roles) and not needs_password(user.role_set):
            raise ValidationError("a device-only user cannot become staff; create a staff user", field="roles")
        if needs_password(user.role_set):
            directory.set_groups(user.email, set(user.roles), {r.value for r in roles})
        user.roles = sorted(r.value for r in roles)
    for name, value in changes.items():
        setattr(user, name, value)
    return save_user(user, expected_version=int(version)).to_json()


@route(
    bp,
    USERS + "/{user_id}",
    "DELETE",
    access=Access.STAFF,
    roles=rights.CONFIGURATION,
    tags=("users",),
    response=UserOut,
)
def deactivate_user(dealership_id: str, user_id: str, principal: Principal) -> dict[str, Any]:
    """Deactivate a user: sign-in is refused at once; their history stays."""
    if user_id == principal.subject:
        raise ValidationError("you cannot deactivate yourself", field="user_id")
    user = get_member(dealership_id, user_id)
    if needs_password(user.role_set):
        directory.disable_account(user.email)
    user.status = "inactive"
    return save_user(user, expected_version=int(user.version)).to_json()
