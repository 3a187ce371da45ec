"""What a customer page, an email or an SMS shows: the view model the renderer reads.

The caller (the pages stream handler, the send API, the preview route) fills these from the
store; the templates read nothing else. Everything here is already decided: URLs are final
(absolute paths on the site's origin, or relative to the page), money is Decimal gross as the
customer pays it (``dealerlink.domain.worklist`` rounded it), times are aware UTC datetimes
that the renderer shows in the dealership's time zone. The renderer invents no URL and does no
arithmetic beyond adding rounded lines.

Example::

    view = PageView(kind="intervention", module="mechanics", lang="fr", api_base="/api/v1/public/pages/tok",
                    version=3, status="sent", dealership=Dealer(name="Garage du Lac", timezone="Europe/Paris"),
                    brand=BrandRef(code="renault", name="Renault"), customer=Customer("mr", "Jean", "Martin"),
                    reference="OR-1234", currency="EUR", works=(Work("w1", "Plaquettes", "urgent", Decimal("89.00")),))
    html = render_page(view)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from dealerlink.domain.dealerships import Language
from dealerlink.domain.worklist import Totals

PageKind = Literal["intervention", "work_report", "reminder"]
PageStatus = Literal["waiting_to_send", "sent", "read", "answered", "closed"]
Title = Literal["mr", "mrs", "ms", "company"]
UrgencyName = Literal["urgent", "recommended", "offered", "ok"]
StaffEvent = Literal["read", "answered", "callback", "rated", "paid", "deadline_passed", "page_failed"]


@dataclass(frozen=True)
class Dealer:
    """The dealership as the customer sees it; ``booking_link`` enables appointment booking (F-5.4)."""

    name: str
    timezone: str
    address: str | None = None
    phone: str | None = None
    email: str | None = None
    website: str | None = None
    booking_link: str | None = None


@dataclass(frozen=True)
class BrandRef:
    """The vehicle's brand: its code picks the theme colours (static_site/themes.json)."""

    code: str
    name: str


@dataclass(frozen=True)
class Image:
    """A picture with its intrinsic size: width and height keep the layout from shifting."""

    url: str
    width: int
    height: int
    alt: str = ""


@dataclass(frozen=True)
class PageTemplate:
    """The dealership's template for brand x module x language (F-9.5); every part is optional."""

    banner: Image | None = None
    banner_text: str | None = None
    text: str | None = None
    promo: Image | None = None
    promo_link: str | None = None


@dataclass(frozen=True)
class Customer:
    title: Title | None = None
    first_name: str | None = None
    last_name: str | None = None


@dataclass(frozen=True)
class Vehicle:
    plate: str | None = None
    make: str | None = None
    model: str | None = None
    mileage: int | None = None
    first_registration: date | None = None


@dataclass(frozen=True)
class Video:
    """A transcoded public video: HLS first, the MP4 as fallback, the poster also for print."""

    id: str
    mp4: str
    hls: str | None = None
    poster: str | None = None
    duration_seconds: int | None = None
    width: int = 1280
    height: int = 720


@dataclass(frozen=True)
class Photo:
    """A public photo's web renditions by width (320, 640, 1280): WebP and JPEG."""

    id: str
    width: int
    height: int
    jpeg: Mapping[int, str]
    webp: Mapping[int, str] = field(default_factory=dict)
    alt: str = ""


@dataclass(frozen=True)
class Attachment:
    id: str
    filename: str
    size_bytes: int
    url: str


@dataclass(frozen=True)
class Work:
    """One worklist line; ``answer`` is the customer's (True approved, False declined, None not yet).

    ``price_gross`` is after the discount; ``discount_gross`` is what the discount took off.
    """

    id: str
    label: str
    urgency: UrgencyName
    price_gross: Decimal
    discount_gross: Decimal | None = None
    category: str | None = None
    comment: str | None = None
    answer: bool | None = None


@dataclass(frozen=True)
class PlannedWork:
    """A work to plan (F-6.1) or a reminder's work (F-6.9); ``accepted`` once the customer chose."""

    id: str
    label: str
    urgency: UrgencyName
    deadline: date
    mileage: int | None = None
    price_gross: Decimal | None = None
    accepted: bool | None = None


@dataclass(frozen=True)
class Rating:
    stars: int
    comment: str | None = None


@dataclass(frozen=True)
class PageView:
    """One customer page: an intervention (after-sales modules or a sales direct message), a work
    report or a reminder. ``locked`` once answered (F-3.14); ``preview`` renders the page staff
    see before sending (F-3.8): identical, but the script calls nothing. A preview showing
    short-lived media-bucket URLs names that bucket's origin in ``media_origin`` (e.g.
    ``https://bucket.s3.eu-west-1.amazonaws.com``); published pages serve media from their own
    origin and leave it None."""

    kind: PageKind
    module: str
    lang: Language
    api_base: str
    version: int
    status: PageStatus
    dealership: Dealer
    brand: BrandRef
    customer: Customer
    reference: str
    currency: str
    locked: bool = False
    preview: bool = False
    media_origin: str | None = None  # preview only: origin of signed media URLs, allowed by the page's CSP
    template: PageTemplate | None = None
    message: str | None = None
    vehicle: Vehicle = Vehicle()
    videos: tuple[Video, ...] = ()
    photos: tuple[Photo, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    works: tuple[Work, ...] = ()
    performed_works: tuple[Work, ...] = ()
    works_to_plan: tuple[PlannedWork, ...] = ()
    totals: Totals | None = None  # dealerlink.domain.worklist.totals(works, vat_rate, currency)
    accepted_gross: Decimal | None = None
    reply_by: datetime | None = None
    answered_at: datetime | None = None
    rating: Rating | None = None
    callback_requested: bool = False
    sent_at: datetime | None = None


# --- emails and SMS -------------------------------------------------------------------------


@dataclass(frozen=True)
class ReadyMessage:
    """To the customer: "your intervention / work report / reminder is ready" (F-3.7).

    ``url`` is the absolute link of the page; ``works_count`` counts a reminder's works.
    """

    page_kind: PageKind
    module: str
    url: str
    dealership: Dealer
    brand: BrandRef
    customer: Customer
    reference: str
    vehicle: Vehicle = Vehicle()
    reply_by: datetime | None = None
    works_count: int = 0


@dataclass(frozen=True)
class AcceptMessage:
    """To the customer after a manual accept (F-3.10): "we recorded your approval of X"."""

    url: str
    dealership: Dealer
    brand: BrandRef
    customer: Customer
    reference: str
    accepted_gross: Decimal
    currency: str
    accepted_count: int
    vehicle: Vehicle = Vehicle()


@dataclass(frozen=True)
class StaffNotice:
    """To a staff member, in the staff member's language (F-11.1).

    ``url`` opens the intervention in the back office; ``amount`` is the accepted (answered) or
    paid amount; ``timezone`` is the dealership's, for ``at``.
    """

    event: StaffEvent
    url: str
    dealership_name: str
    timezone: str
    reference: str
    customer_name: str
    at: datetime
    vehicle: Vehicle = Vehicle()
    amount: Decimal | None = None
    currency: str | None = None
    stars: int | None = None
    comment: str | None = None
    callback_message: str | None = None


MessageContext = ReadyMessage | AcceptMessage | StaffNotice
