"""The demo data ``make dev`` starts with: what a new engineer needs to click through."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

DEMO_DEALERSHIP_ID = "01HZZZDEMQDEA1ERSH1P000000"
DEMO_GROUP_ID = "01HZZZDEMQGR0VP000000000000"[:26]
DEMO_PASSWORD = "Demo-1234!"  # noqa: S105 - the local demo account, printed by make dev
DEMO_MANAGER = "manager@demo.dealerlink.example"
DEMO_BACK_OFFICE = "backoffice@demo.dealerlink.example"


def demo_settings() -> dict[str, object]:
    return {
        "name": "Garage Demo Lyon",
        "country": "FR",
        "default_language": "fr",
        "currency": "EUR",
        "vat_rate": "20.00",
        "timezone": "Europe/Paris",
        "address": "12 rue de la République, 69002 Lyon",
        "website": "https://garage-demo.example",
        "brands": [{"code": "peugeot", "name": "Peugeot"}, {"code": "citroen", "name": "Citroën"}],
        "main_brand": "peugeot",
    }


def seed_demo() -> dict[str, str]:
    """Create the demo group, dealership, two staff users and a paired technician phone."""
    from dealerlink.adapters import directory
    from dealerlink.api.security import credential_hash, device_credential
    from dealerlink.domain.dealerships import DealershipSettings
    from dealerlink.ids import new_id
    from dealerlink.store.dealerships import create_dealership, create_group
    from dealerlink.store.devices import Device
    from dealerlink.store.table import dealership_pk
    from dealerlink.store.users import User, create_user

    create_group(DEMO_GROUP_ID, "Groupe Demo")
    create_dealership(DEMO_DEALERSHIP_ID, DealershipSettings.model_validate(demo_settings()), group_id=DEMO_GROUP_ID)
    for email, first, roles in (
        (DEMO_MANAGER, "Marie", ["dealer_manager", "back_office"]),
        (DEMO_BACK_OFFICE, "Bruno", ["back_office"]),
    ):
        user_id = directory.create_account(email, DEMO_PASSWORD, roles)
        create_user(
            User(
                user_id=user_id,
                email=email,
                first_name=first,
                last_name="Demo",
                language="fr",
                roles=roles,
                dealership_ids=[DEMO_DEALERSHIP_ID],
            )
        )
    secret = secrets.token_urlsafe(32)
    now = datetime.now(UTC).isoformat()
    device = Device(
        dealership_pk(DEMO_DEALERSHIP_ID),
        f"DEVICE#{new_id()}",
        dealership_id=DEMO_DEALERSHIP_ID,
        name="demo-phone",
        app="app",
        status="active",
        created_at=now,
        created_by="seed",
        paired_at=now,
        credential_hash=credential_hash(secret),
    )
    device.device_id = device.SK.removeprefix("DEVICE#")
    device.save()
    return {
        "dealership": f"Garage Demo Lyon ({DEMO_DEALERSHIP_ID})",
        "dealer manager": f"{DEMO_MANAGER} / {DEMO_PASSWORD}",
        "back office": f"{DEMO_BACK_OFFICE} / {DEMO_PASSWORD}",
        "sign in": "POST /v1/auth/sign-in {email, password} -> Authorization: Bearer <access_token>",
        "technician phone": f"Authorization: Device {device_credential(device, secret)}",
    }


DEMO_WORKS = [
    {"id": "brakes", "label": "Plaquettes de frein avant", "urgency": "urgent", "price": "180.00"},
    {"id": "wipers", "label": "Balais d'essuie-glace", "urgency": "recommended", "price": "25.00"},
    {"id": "tyres", "label": "Pneus arrière", "urgency": "recommended", "price": "320.00"},
    {"id": "levels", "label": "Contrôle des niveaux", "urgency": "offered", "price": "0.00"},
]


def seed_customer_page(site: str) -> str:
    """Make and send (as a share link) a demo intervention through the running API, the way the
    back office does, and answer its customer page URL. The pages function publishes it."""
    import requests

    api = f"{site}/api/v1"
    signed_in = requests.post(
        f"{api}/auth/sign-in", json={"email": DEMO_BACK_OFFICE, "password": DEMO_PASSWORD}, timeout=30
    )
    signed_in.raise_for_status()
    headers = {"Authorization": f"Bearer {signed_in.json()['access_token']}"}
    base = f"{api}/dealerships/{DEMO_DEALERSHIP_ID}/interventions"
    contact = {
        "title": "mrs",
        "first_name": "Claire",
        "last_name": "Martin",
        "email": "claire.martin@example.com",
        "language": "fr",
    }
    vehicle = {"plate": "AB-123-CD", "make": "Peugeot", "model": "308", "mileage": 48200}
    body = {
        "mode": "after_sales",
        "module": "mechanics",
        "reference": "RO-DEMO-0001",
        "contact": contact,
        "vehicle": vehicle,
        "works": DEMO_WORKS,
    }
    created = requests.post(base, json=body, headers=headers, timeout=30)
    created.raise_for_status()
    sent = requests.post(f"{base}/{created.json()['id']}/send", json={"channel": "link"}, headers=headers, timeout=30)
    sent.raise_for_status()
    return str(sent.json()["link"])
