"""One cached AWS client per service and process, made by botocore.

botocore reads ``AWS_ENDPOINT_URL`` itself, which is how the local stack and tests point every
client at moto without the code knowing. boto3 adds nothing these clients use (resources, S3
transfers), so it is not loaded for them; botocore is imported at the first client, not when a
handler module is (a cold start pays for AWS's SDK once, when it first calls AWS).
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any, Literal, overload

from dealerlink.config import settings


@cache
def _session() -> Any:
    """One session per process: its loader parses each service model and the endpoint data
    once, however many clients are made (a session of its own per client parses them again)."""
    import botocore.session

    return botocore.session.get_session()


@cache
def _config() -> Any:
    from botocore.config import Config

    return Config(retries={"mode": "standard", "max_attempts": 3}, connect_timeout=3, read_timeout=10)


if TYPE_CHECKING:  # the mypy-boto3 stubs type every call; nothing of them ships
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_events import EventBridgeClient
    from mypy_boto3_mediaconvert import MediaConvertClient
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_ses import SESClient
    from mypy_boto3_sns import SNSClient
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_stepfunctions import SFNClient


@overload
def client(service: Literal["s3"]) -> S3Client: ...
@overload
def client(service: Literal["sqs"]) -> SQSClient: ...
@overload
def client(service: Literal["ses"]) -> SESClient: ...
@overload
def client(service: Literal["sns"]) -> SNSClient: ...
@overload
def client(service: Literal["stepfunctions"]) -> SFNClient: ...
@overload
def client(service: Literal["dynamodb"]) -> DynamoDBClient: ...
@overload
def client(service: Literal["cognito-idp"]) -> CognitoIdentityProviderClient: ...
@overload
def client(service: Literal["mediaconvert"]) -> MediaConvertClient: ...
@overload
def client(service: Literal["events"]) -> EventBridgeClient: ...
def client(service: str) -> Any:
    """The process-wide client for ``service`` (created on first use, not at import), typed by
    its mypy-boto3 stub; tests point it elsewhere with ``AWS_ENDPOINT_URL*`` or :func:`use`."""
    return _injected.get(service) or _client(service)


_injected: dict[str, Any] = {}


@cache
def _client(service: str) -> Any:
    return _session().create_client(service, region_name=settings().region, config=_config())


def endpoint_client(service: str, endpoint_url: str) -> Any:
    """A client of ``service`` on another endpoint (MediaConvert's account endpoint), not cached."""
    return _session().create_client(service, region_name=settings().region, endpoint_url=endpoint_url, config=_config())


def use(service: str, stand_in: Any) -> None:
    """Answer ``client(service)`` with ``stand_in`` (a botocore Stubber's client, a fake) until reset."""
    _injected[service] = stand_in


def reset_clients() -> None:
    """Forget cached and injected clients (tests switch endpoints between cases)."""
    _injected.clear()
    _client.cache_clear()
    settings.cache_clear()
