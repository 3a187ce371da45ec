"""The downloads routes' contract (F-4.4): one medium by a signed URL, every medium as a zip."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from dealerlink.api.contract.common import Body, Out, Query

Quality = Literal["originals", "web"]
Wanted = Annotated[Quality, Field(description="originals as uploaded (as judged), or web renditions")]


class DownloadQuery(Query):
    quality: Wanted = "originals"


class ArchiveBody(Body):
    quality: Wanted = "originals"


class DownloadOut(Out):
    """A URL that saves the medium under ``filename`` (valid five minutes)."""

    url: str
    filename: str
    expires_at: str


class ArchiveOut(Out):
    """A zip of the intervention's ready media; ``url`` (five minutes) once ready."""

    id: str
    intervention_id: str
    quality: Quality
    status: Literal["building", "ready", "failed"]
    size: int | None = Field(description="bytes, once ready")
    files: int | None
    error: str | None
    created_at: str
    url: str | None
