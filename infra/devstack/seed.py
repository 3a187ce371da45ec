"""The demo data ``make dev`` starts with: what a new engineer needs to click through."""

from __future__ import annotations

DEMO_DEALERSHIP_ID = "01HZZZDEMQDEA1ERSH1P000000"


def seed_demo() -> dict[str, str]:
    """Create the demo dealership (idempotent per fresh moto state); return what to print."""
    from dealerlink.store.dealerships import create_dealership

    create_dealership(
        DEMO_DEALERSHIP_ID,
        name="Garage Demo Lyon",
        country="FR",
        language="fr",
        currency="EUR",
        timezone="Europe/Paris",
        brands=["peugeot", "citroen"],
        main_brand="peugeot",
    )
    return {"dealership": f"Garage Demo Lyon ({DEMO_DEALERSHIP_ID})"}
