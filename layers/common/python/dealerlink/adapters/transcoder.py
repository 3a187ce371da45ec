"""The transcoder port (F-4.5) and its AWS adapter, MediaConvert.

The job settings are data: ``infra/mediaconvert/video.json`` is the ``Settings`` object of a
CreateJob request whose strings carry three placeholders, filled here for each job:
``{bucket}`` (the media bucket), ``{input_key}`` (the original's key) and ``{output_prefix}``
(where the outputs go, ending with "/"). So the input is ``s3://{bucket}/{input_key}`` and each
output group's destination is ``s3://{bucket}/{output_prefix}<folder>/<base name>``.

The local stack swaps MediaConvert for ffmpeg (``TRANSCODER=devstack.ffmpeg:FfmpegTranscoder``, infra/devstack/ffmpeg.py),
which reads the same file for its ladder and writes the same names.
"""

from __future__ import annotations

import importlib
import json
import os
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Protocol

from dealerlink.adapters.aws import client, endpoint_client
from dealerlink.config import settings
from dealerlink.domain.video import APPLICATION

SETTINGS_PATH = Path(__file__).resolve().parents[1] / "data" / "mediaconvert" / "video.json"
STATUS_UPDATE_INTERVAL = "SECONDS_60"  # progress events nobody reads; the rule takes only final states
MAX_TOKEN_LENGTH = 64  # MediaConvert's ClientRequestToken limit


@dataclass(frozen=True)
class TranscodeRequest:
    """One transcode: ``token`` makes a repeated start (a redelivered event) start nothing new."""

    token: str  # e.g. media id + version, at most 64 characters
    input_key: str  # the original, in the media bucket
    output_prefix: str  # where the outputs go, ending with "/"
    user_metadata: dict[str, str] = field(default_factory=dict)  # comes back in the completion event

    def __post_init__(self) -> None:
        if not 0 < len(self.token) <= MAX_TOKEN_LENGTH:
            raise ValueError(f"a transcode token has 1 to {MAX_TOKEN_LENGTH} characters")
        if not self.output_prefix.endswith("/"):
            raise ValueError("an output prefix ends with '/'")

    def job_metadata(self) -> dict[str, str]:
        """The job's userMetadata: the caller's, plus the mark the EventBridge rule matches."""
        return {**self.user_metadata, "application": APPLICATION}


class Transcoder(Protocol):
    def start(self, request: TranscodeRequest) -> str:
        """Start transcoding; returns the job id. Completion arrives later, on EventBridge."""
        ...


@cache
def _template() -> str:
    return SETTINGS_PATH.read_text(encoding="utf-8")


def load_settings() -> dict[str, Any]:
    """video.json as written, placeholders included (a fresh copy each call)."""
    loaded: dict[str, Any] = json.loads(_template())
    return loaded


def job_settings(request: TranscodeRequest, bucket: str) -> dict[str, Any]:
    """video.json with the placeholders filled for one job."""
    values = {"{bucket}": bucket, "{input_key}": request.input_key, "{output_prefix}": request.output_prefix}
    filled: dict[str, Any] = _fill(load_settings(), values)
    return filled


def _fill(value: Any, values: dict[str, str]) -> Any:
    if isinstance(value, str):
        for placeholder, replacement in values.items():
            value = value.replace(placeholder, replacement)
        return value
    if isinstance(value, dict):
        return {key: _fill(item, values) for key, item in value.items()}
    if isinstance(value, list):
        return [_fill(item, values) for item in value]
    return value


class MediaConvertTranscoder:
    """Starts MediaConvert jobs; ``mediaconvert`` may be injected (tests pass a stubbed client).

    ClientRequestToken makes MediaConvert answer a repeated start with the first job instead of
    a second one, but only for a while (about a minute): callers still record the job id.
    """

    def __init__(
        self, mediaconvert: Any | None = None, *, bucket: str | None = None, role_arn: str | None = None
    ) -> None:
        self._client = mediaconvert
        self._bucket = bucket
        self._role_arn = role_arn

    def start(self, request: TranscodeRequest) -> str:
        bucket = self._bucket or settings().media_bucket
        role_arn = self._role_arn or os.environ.get("MEDIACONVERT_ROLE_ARN", "")
        if not bucket or not role_arn:
            raise RuntimeError("MEDIA_BUCKET and MEDIACONVERT_ROLE_ARN must be set to transcode")
        response = self._mediaconvert().create_job(
            Role=role_arn,
            Settings=job_settings(request, bucket),
            ClientRequestToken=request.token,
            UserMetadata=request.job_metadata(),
            StatusUpdateInterval=STATUS_UPDATE_INTERVAL,
        )
        return str(response["Job"]["Id"])

    def _mediaconvert(self) -> Any:
        if self._client is not None:
            return self._client
        endpoint = os.environ.get("MEDIACONVERT_ENDPOINT", "").strip()
        return _endpoint_client(endpoint) if endpoint else client("mediaconvert")


@cache
def _endpoint_client(endpoint: str) -> Any:
    """A client on an account-specific endpoint (the regional one is the default and works)."""
    return endpoint_client("mediaconvert", endpoint)


@cache
def transcoder() -> Transcoder:
    """The process's transcoder: ``TRANSCODER`` is "mediaconvert" (default) or a stand-in's
    ``module:Class`` (the local stack's ``devstack.ffmpeg:FfmpegTranscoder``).

    The stand-in lives outside the layer and is imported only when named, so Lambda never loads it.
    """
    kind = os.environ.get("TRANSCODER", "mediaconvert").strip() or "mediaconvert"
    if kind == "mediaconvert":
        return MediaConvertTranscoder()
    module, _, name = kind.partition(":")
    try:
        stand_in = getattr(importlib.import_module(module), name) if name else None
    except (ImportError, AttributeError):
        stand_in = None
    if stand_in is None:
        raise ValueError(f"TRANSCODER={kind!r}: expected 'mediaconvert' or 'module:Class'")
    made: Transcoder = stand_in()
    return made
