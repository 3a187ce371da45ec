"""A dealership's settings (F-9.1 general, F-9.2 after-sales, F-9.3 sales, F-6.2 reminders)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, HttpUrl, ValidationInfo, model_validator

from dealerlink.domain.contacts import normalise_email
from dealerlink.domain.media import MediaLimits
from dealerlink.domain.validation import LANGUAGES


def _timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {value!r}") from None
    return value


def _email(value: str, info: ValidationInfo) -> str:
    """Addresses a client sends are checked (email-validator); stored ones load as they are,
    so a document written before a stricter check still opens (SES judges it when sending)."""
    return normalise_email(value) if (info.context or {}).get("from_client") else value


Email = Annotated[str, AfterValidator(_email)]
Language = Literal["en", "fr", "de", "nl", "es", "it", "pt", "sv", "no"]
assert set(Language.__args__) == set(LANGUAGES)  # type: ignore[attr-defined]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)


class Brand(_Strict):
    code: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,31}$")
    name: str = Field(min_length=1, max_length=80)
    address: str | None = Field(default=None, max_length=300)
    website: HttpUrl | None = None
    booking_link: HttpUrl | None = None
    share_statistics: bool = False


class Reminders(_Strict):
    """F-6.2: off by default; send date = deadline - days_before; grouping window in days;
    automatic reminders leave at ``send_hour`` o'clock of the dealership's zone (a working
    morning unless the dealership says otherwise)."""

    enabled: bool = False
    send_automatically: bool = False
    days_before: int = Field(default=10, ge=0, le=365)
    grouping_window_days: int = Field(default=31, ge=1, le=365)
    send_hour: int = Field(default=9, ge=0, le=23)


class Notifications(_Strict):
    """F-11.1: which customer events tell the team."""

    on_read: bool = True
    on_answer: bool = True
    on_payment: bool = True
    on_callback: bool = True
    on_deadline_passed: bool = True


class AfterSales(_Strict):
    notifications: Notifications = Notifications()
    event_addresses: list[Email] = Field(default_factory=list, max_length=20)
    direct_send_from_app: bool = False
    default_checklists: dict[str, str] = Field(default_factory=dict)  # brand code -> checklist id
    work_reports_enabled: bool = False
    reminders: Reminders = Reminders()


class MediaQuotas(_Strict):
    """F-4.1: limits per intervention, the FAQ's defaults; a dealership may raise or lower them."""

    max_photos: int = Field(default=50, ge=1, le=500)
    max_video_seconds: int = Field(default=300, ge=10, le=3600)
    max_total_video_seconds: int = Field(default=600, ge=10, le=7200)
    max_attachments: int = Field(default=20, ge=0, le=100)

    def limits(self) -> MediaLimits:
        return MediaLimits(**self.model_dump())


class PhotoExport(_Strict):
    enabled: bool = False
    partner: str | None = Field(default=None, max_length=80)
    account: str | None = Field(default=None, max_length=120)


class Sales(_Strict):
    direct_send_from_app: bool = False
    notify_salesperson: bool = True
    photo_export: PhotoExport = PhotoExport()


class DealershipSettings(_Strict):
    """Everything a dealer manager configures; validated whole after every change."""

    name: str = Field(min_length=1, max_length=120)
    country: str = Field(pattern=r"^[A-Z]{2}$")
    default_language: Language
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    vat_rate: Decimal = Field(ge=0, lt=100, max_digits=5, decimal_places=2)
    timezone: Annotated[str, AfterValidator(_timezone)]
    address: str | None = Field(default=None, max_length=300)
    website: HttpUrl | None = None
    booking_link: HttpUrl | None = None
    brands: list[Brand] = Field(min_length=1, max_length=30)
    main_brand: str
    modes: list[Literal["after_sales", "sales"]] = Field(default=["after_sales", "sales"], min_length=1)
    after_sales: AfterSales = AfterSales()
    sales: Sales = Sales()
    media: MediaQuotas = MediaQuotas()

    @model_validator(mode="after")
    def _main_brand_is_a_brand(self) -> DealershipSettings:
        codes = [b.code for b in self.brands]
        if len(set(codes)) != len(codes):
            raise ValueError("brand codes must be unique")
        if self.main_brand not in codes:
            raise ValueError(f"main_brand {self.main_brand!r} is not one of the brands")
        unknown = set(self.after_sales.default_checklists) - set(codes)
        if unknown:
            raise ValueError(f"default checklists name unknown brands: {sorted(unknown)}")
        return self
