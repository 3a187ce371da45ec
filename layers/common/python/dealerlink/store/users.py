"""Users: a profile item (the one identity read per request), one membership item per
dealership (listing a dealership's users is one Query) and an email lookup (uniqueness)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pynamodb.attributes import ListAttribute, NumberAttribute, UnicodeAttribute

from dealerlink.domain.identity import Role
from dealerlink.errors import ConflictError, NotFoundError
from dealerlink.store.table import BaseItem, dealership_pk, start_key
from dealerlink.store.transactions import transaction

PROFILE = "PROFILE"


def user_pk(user_id: str) -> str:
    return f"USR#{user_id}"


def email_pk(email: str) -> str:
    return f"EMAIL#{email.strip().lower()}"


class User(BaseItem, discriminator="user"):
    user_id = UnicodeAttribute()
    email = UnicodeAttribute()
    first_name = UnicodeAttribute()
    last_name = UnicodeAttribute()
    phone = UnicodeAttribute(null=True)
    language = UnicodeAttribute()
    roles = ListAttribute[str]()
    dealership_ids = ListAttribute[str]()
    status = UnicodeAttribute(default="active")
    created_at = UnicodeAttribute()
    version = NumberAttribute(default=1)

    @property
    def role_set(self) -> frozenset[Role]:
        return frozenset(Role(r) for r in self.roles)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.user_id,
            "email": self.email,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "phone": self.phone,
            "language": self.language,
            "roles": sorted(self.roles),
            "dealership_ids": sorted(self.dealership_ids),
            "status": self.status,
            "created_at": self.created_at,
        }


class Membership(BaseItem, discriminator="membership"):
    """A user as a dealership lists it (a copy of the profile's display fields)."""

    user_id = UnicodeAttribute()
    email = UnicodeAttribute()
    first_name = UnicodeAttribute()
    last_name = UnicodeAttribute()
    roles = ListAttribute[str]()
    status = UnicodeAttribute(default="active")


class EmailLookup(BaseItem, discriminator="email_lookup"):
    user_id = UnicodeAttribute()


def _membership(user: User, dealership_id: str) -> Membership:
    return Membership(
        dealership_pk(dealership_id),
        f"USER#{user.user_id}",
        user_id=user.user_id,
        email=user.email,
        first_name=user.first_name,
        last_name=user.last_name,
        roles=user.roles,
        status=user.status,
    )


def create_user(user: User) -> User:
    """Profile, email lookup and memberships in one transaction: an email is taken once."""
    user.PK, user.SK = user_pk(user.user_id), PROFILE
    user.created_at = datetime.now(UTC).isoformat()
    taken = ConflictError(f"a user with email {user.email} exists", field="email", code="email_taken")
    lookup = EmailLookup(email_pk(user.email), "LOOKUP", user_id=user.user_id)
    failures = {(user.PK, user.SK): ConflictError("user exists", field="id"), (lookup.PK, lookup.SK): taken}
    with transaction(failures) as tx:
        tx.save(user, condition=User.PK.does_not_exist())
        tx.save(lookup, condition=EmailLookup.PK.does_not_exist())
        for dealership_id in user.dealership_ids:
            tx.save(_membership(user, dealership_id))
    return user


def get_user(user_id: str) -> User | None:
    try:
        return User.get(user_pk(user_id), PROFILE)
    except User.DoesNotExist:
        return None


def get_member(dealership_id: str, user_id: str) -> User:
    """A user of ``dealership_id``; anyone else's is not found."""
    user = get_user(user_id)
    if user is None or dealership_id not in user.dealership_ids:
        raise NotFoundError("no such user", field="user_id")
    return user


def list_members(dealership_id: str, limit: int, cursor: dict[str, Any] | None) -> tuple[list[Membership], Any]:
    pk = dealership_pk(dealership_id)
    page = Membership.query(
        pk,
        Membership.SK.startswith("USER#"),
        limit=limit,
        last_evaluated_key=start_key(cursor, equal={"PK": pk}, prefix={"SK": "USER#"}),
    )
    items = list(page)
    return items, page.last_evaluated_key


def save_user(user: User, expected_version: int) -> User:
    """Write the profile and every membership copy; a concurrent edit loses with 409."""
    user.version = expected_version + 1
    stale = ConflictError("the user changed meanwhile; reload and retry", field="version", code="stale_version")
    with transaction({(user.PK, user.SK): stale}) as tx:
        tx.save(user, condition=User.version == expected_version)
        for dealership_id in user.dealership_ids:
            tx.save(_membership(user, dealership_id))
    return user
