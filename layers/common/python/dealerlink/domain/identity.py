"""Who is calling, and what each role may do (F-1.2, F-1.3, F-1.6, F-2).

Pure rules: the API edge builds a :class:`Principal` from a verified token or device
credential and asks :func:`authorize` before any view runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from dealerlink.errors import ForbiddenError, NotFoundError, ValidationError


class Role(StrEnum):
    DEALER_MANAGER = "dealer_manager"
    BACK_OFFICE = "back_office"
    SALESPERSON = "salesperson"
    TECHNICIAN = "technician"
    AUDITOR = "auditor"
    AUDIT_MANAGER = "audit_manager"
    GROUP_MANAGER = "group_manager"


# Technicians and auditors work only through paired devices: no password, no sign-in.
DEVICE_ONLY_ROLES = frozenset({Role.TECHNICIAN, Role.AUDITOR})
# Roles that may use the back office at all (sign in with a password).
STAFF_ROLES = frozenset(Role) - DEVICE_ONLY_ROLES

_PASSWORD_RULES = (
    (re.compile(r".{8,}", re.S), "at least 8 characters"),
    (re.compile(r"[A-Z]"), "a capital letter"),
    (re.compile(r"[0-9]"), "a digit"),
    (re.compile(r"[^A-Za-z0-9]"), "a special character"),
)
_DEVICE_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


@dataclass(frozen=True)
class Principal:
    """The authenticated caller. ``dealership_ids`` are the only tenants it may touch."""

    kind: str  # "staff" | "device"
    subject: str  # user id (Cognito sub) or device id
    roles: frozenset[Role] = field(default_factory=frozenset)
    dealership_ids: frozenset[str] = field(default_factory=frozenset)
    app: str | None = None  # devices: "app" | "audit"
    name: str | None = None  # devices: the identifier shown in the app
    access_token: str | None = field(default=None, repr=False)

    @property
    def dealership_id(self) -> str:
        """A device's one dealership."""
        (only,) = self.dealership_ids
        return only


def authorize(principal: Principal, dealership_id: str | None, roles: tuple[Role, ...]) -> None:
    """Refuse unless ``principal`` belongs to ``dealership_id`` and holds one of ``roles``.

    Another dealership's objects are 404, never 403: their existence is not revealed.
    Group managers hold every right in the dealerships of their group (their memberships).
    """
    if dealership_id is not None and dealership_id not in principal.dealership_ids:
        raise NotFoundError("no such dealership", field="dealership_id")
    if not roles or Role.GROUP_MANAGER in principal.roles:
        return
    if not principal.roles & set(roles):
        needed = ", ".join(sorted(r.value for r in roles))
        raise ForbiddenError(f"this needs one of the roles: {needed}", code="role_required")


def check_password(password: str, field: str = "password") -> None:
    """F-1.3, checked before Cognito (which enforces the same policy) for a clearer message."""
    missing = [rule for pattern, rule in _PASSWORD_RULES if not pattern.search(password)]
    if missing:
        raise ValidationError(f"{field} needs {', '.join(missing)}", field=field, code="weak_password")


def check_device_name(name: object) -> str:
    if not isinstance(name, str) or not _DEVICE_NAME.match(name):
        raise ValidationError(
            "device name: 1-64 letters, digits, '.', '_' or '-', without spaces", field="name", code="invalid_name"
        )
    return name


def parse_roles(values: object, *, field_name: str = "roles") -> frozenset[Role]:
    if not isinstance(values, list) or not values:
        raise ValidationError("at least one role is required", field=field_name)
    roles = set()
    for index, value in enumerate(values):
        try:
            roles.add(Role(value))
        except ValueError:
            known = ", ".join(r.value for r in Role)
            raise ValidationError(
                f"unknown role {value!r} (known: {known})", field=f"{field_name}.{index}", code="unknown_role"
            ) from None
    return frozenset(roles)


def needs_password(roles: frozenset[Role]) -> bool:
    """A user signs in (and so needs a password) when any of its roles is a staff role."""
    return bool(roles & STAFF_ROLES)
