"""Dealerships: the tenants. Their profile item sits at the top of their partition."""

from __future__ import annotations

from pynamodb.attributes import ListAttribute, UnicodeAttribute

from dealerlink.store.table import BaseItem, dealership_pk

PROFILE_SK = "PROFILE"


class Dealership(BaseItem, discriminator="dealership"):
    dealership_id = UnicodeAttribute()
    name = UnicodeAttribute()
    country = UnicodeAttribute()
    language = UnicodeAttribute()
    currency = UnicodeAttribute()
    timezone = UnicodeAttribute()
    brands = ListAttribute[str]()
    main_brand = UnicodeAttribute()


def create_dealership(
    dealership_id: str,
    *,
    name: str,
    country: str,
    language: str,
    currency: str,
    timezone: str,
    brands: list[str],
    main_brand: str,
) -> Dealership:
    """Create the profile once; a second create of the same id is refused by the condition."""
    item = Dealership(
        dealership_pk(dealership_id),
        PROFILE_SK,
        dealership_id=dealership_id,
        name=name,
        country=country,
        language=language,
        currency=currency,
        timezone=timezone,
        brands=brands,
        main_brand=main_brand,
    )
    item.save(condition=Dealership.PK.does_not_exist())
    return item


def get_dealership(dealership_id: str) -> Dealership | None:
    try:
        return Dealership.get(dealership_pk(dealership_id), PROFILE_SK)
    except Dealership.DoesNotExist:
        return None
