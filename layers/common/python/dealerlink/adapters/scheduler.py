"""Step Functions: one execution of the reminder state machine per scheduled reminder version."""

from __future__ import annotations

import json
from datetime import datetime

from botocore.exceptions import ClientError

from dealerlink.adapters.aws import client
from dealerlink.config import settings


def start(name: str, *, pk: str, sk: str, version: int, send_at: datetime) -> str:
    """Start (or find, for the same name) the execution that sends this reminder version at ``send_at``."""
    machine = settings().reminder_state_machine_arn
    payload = {"pk": pk, "sk": sk, "version": str(version), "send_at": send_at.strftime("%Y-%m-%dT%H:%M:%SZ")}
    try:
        started = client("stepfunctions").start_execution(stateMachineArn=machine, name=name, input=json.dumps(payload))
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") != "ExecutionAlreadyExists":
            raise
        return f"{machine.replace(':stateMachine:', ':execution:')}:{name}"
    return str(started["executionArn"])


def stop(execution_arn: str) -> None:
    """Stop a waiting execution; one that ended or never existed needs nothing."""
    try:
        client("stepfunctions").stop_execution(executionArn=execution_arn, cause="reminder changed")
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") not in ("ExecutionDoesNotExist", "InvalidArn"):
            raise
