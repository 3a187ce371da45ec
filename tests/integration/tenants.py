"""Two dealerships with a user of every staff role and a paired phone each: the cast of the
identity and tenancy tests."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from chalice.test import Client

from dealerlink.adapters import directory
from dealerlink.api.security import device_credential
from dealerlink.domain.dealerships import DealershipSettings
from dealerlink.domain.pairing import credential_hash
from dealerlink.ids import new_id
from dealerlink.store.dealerships import create_dealership
from dealerlink.store.devices import Device
from dealerlink.store.table import dealership_pk
from dealerlink.store.users import User, create_user
from devstack.seed import demo_settings

PASSWORD = "Secret-123!"
STAFF = ("dealer_manager", "back_office", "salesperson", "group_manager")


@dataclass
class Tenant:
    dealership_id: str
    users: dict[str, User] = field(default_factory=dict)  # role -> user
    tokens: dict[str, str] = field(default_factory=dict)  # role -> access token
    device: Device | None = None
    device_credential: str = ""
    objects: dict[str, str] = field(default_factory=dict)  # other objects tests made, by kind

    def bearer(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}", "Content-Type": "application/json"}

    def device_headers(self) -> dict[str, str]:
        return {"Authorization": f"Device {self.device_credential}", "Content-Type": "application/json"}


def make_tenant(name: str) -> Tenant:
    tenant = Tenant(new_id())
    settings = DealershipSettings.model_validate({**demo_settings(), "name": name})
    create_dealership(tenant.dealership_id, settings, group_id=f"group-{name}")
    for role in STAFF:
        email = f"{role}@{name.lower()}.example"
        user = User(
            user_id=directory.create_account(email, PASSWORD, [role]),
            email=email,
            first_name=role,
            last_name=name,
            language="fr",
            roles=[role],
            dealership_ids=[tenant.dealership_id],
        )
        tenant.users[role] = create_user(user)
        tenant.tokens[role] = directory.sign_in(email, PASSWORD)["access_token"]
    secret = secrets.token_urlsafe(32)
    device_id = new_id()
    device = Device(
        dealership_pk(tenant.dealership_id),
        f"DEVICE#{device_id}",
        device_id=device_id,
        dealership_id=tenant.dealership_id,
        name=f"{name.lower()}-phone",
        app="app",
        status="active",
        created_at=datetime.now(UTC).isoformat(),
        created_by="test",
        credential_hash=credential_hash(secret),
    )
    device.save()
    tenant.device, tenant.device_credential = device, device_credential(device, secret)
    return tenant


def call(client: Client, method: str, path: str, headers: dict[str, str] | None = None, body: Any = None) -> Any:
    """One request through the Chalice app; returns (status, parsed JSON)."""
    payload = None if body is None else json.dumps(body)
    response = getattr(client.http, method.lower())(path, headers=headers or {}, body=payload)
    return response.status_code, json.loads(response.body) if response.body else None
