"""Build the local resources from template.yaml itself: one source of truth, no second list.

moto's CloudFormation cannot create a SAM-translated stack, so this module reads the
template with cfn-lint's loader (it knows ``!Ref``/``!GetAtt``/``!Sub``), resolves the few
intrinsics the template uses to local names, and creates each resource with boto3. It is
used by the local stack (against moto's server) and by integration tests (inside
``mock_aws``), so both run on exactly what ``sam deploy`` would create.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
from cfnlint.decode.cfn_yaml import load as load_yaml

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "template.yaml"
ACCOUNT_ID = "123456789012"
REGION = "eu-west-1"


@dataclass(frozen=True)
class FunctionSpec:
    """A function of the template as the local worker needs it."""

    logical_id: str
    module: str  # e.g. "functions.media.handler"
    attribute: str  # e.g. "handler"
    events: dict[str, dict[str, Any]]  # event name -> {"Type": ..., "Properties": {...}} (resolved)


@dataclass
class LocalStack:
    """Names of what was created, and what the worker loop must deliver."""

    physical: dict[str, str] = field(default_factory=dict)  # logical id -> Ref value
    attributes: dict[tuple[str, str], str] = field(default_factory=dict)  # (id, attr) -> GetAtt value
    environment: dict[str, str] = field(default_factory=dict)  # what every function sees
    functions: list[FunctionSpec] = field(default_factory=list)
    rule_taps: dict[tuple[str, str], str] = field(default_factory=dict)  # (function, event) -> tap queue url


def load_template(path: Path = TEMPLATE) -> dict[str, Any]:
    return dict(load_yaml(str(path)))


class Resolver:
    """Resolves Ref, Fn::GetAtt and Fn::Sub against what has been created so far."""

    def __init__(self, template: dict[str, Any], stack: LocalStack, parameters: dict[str, str]) -> None:
        self.template = template
        self.stack = stack
        self.values: dict[str, str] = {
            "AWS::AccountId": ACCOUNT_ID,
            "AWS::Region": REGION,
            "AWS::StackName": "dealerlink-local",
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
        }
        for name, spec in template.get("Parameters", {}).items():
            self.values[name] = str(parameters.get(name, spec.get("Default", "")))

    def ref(self, name: str) -> str:
        if name in self.values:
            return self.values[name]
        if name in self.stack.physical:
            return self.stack.physical[name]
        raise KeyError(f"Ref {name} used before it was created")

    def get_att(self, name: str, attribute: str) -> str:
        key = (name, attribute)
        if key in self.stack.attributes:
            return self.stack.attributes[key]
        raise KeyError(f"GetAtt {name}.{attribute} used before it was created")

    def sub(self, text: str, local: dict[str, Any] | None = None) -> str:
        local = {k: self(v) for k, v in (local or {}).items()}

        def one(match: re.Match[str]) -> str:
            token = match.group(1)
            if token in local:
                return str(local[token])
            if "." in token:
                name, attribute = token.split(".", 1)
                return self.get_att(name, attribute)
            return self.ref(token)

        return re.sub(r"\$\{([A-Za-z0-9:.]+)\}", one, text)

    def __call__(self, value: Any) -> Any:
        if isinstance(value, dict):
            if len(value) == 1:
                ((key, arg),) = value.items()
                if key == "Ref":
                    return self.ref(arg)
                if key == "Fn::GetAtt":
                    name, attribute = arg if isinstance(arg, list) else arg.split(".", 1)
                    return self.get_att(name, attribute)
                if key == "Fn::Sub":
                    return self.sub(arg) if isinstance(arg, str) else self.sub(arg[0], arg[1])
            return {k: self(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self(v) for v in value]
        return value


def _of_type(template: dict[str, Any], kind: str) -> list[tuple[str, dict[str, Any]]]:
    return [(name, res) for name, res in template["Resources"].items() if res["Type"] == kind]


class Builder:
    """Creates the template's resources, in dependency order, with one boto3 session."""

    def __init__(self, session: boto3.session.Session, template: dict[str, Any], parameters: dict[str, str]) -> None:
        self.session = session
        self.template = template
        self.stack = LocalStack()
        self.resolve = Resolver(template, self.stack, parameters)

    def client(self, service: str) -> Any:
        return self.session.client(service, region_name=REGION)

    def props(self, resource: dict[str, Any]) -> dict[str, Any]:
        return dict(self.resolve(resource.get("Properties", {})))

    def build(self) -> LocalStack:
        self.kms_keys()
        self.queues()
        self.tables()
        self.buckets()
        self.user_pools()
        self.roles()
        self.state_machines()
        self.functions()
        self.environment()
        self.sender_identity()
        return self.stack

    def sender_identity(self) -> None:
        """SES sends only from verified identities; the deployed stack verifies it once by hand."""
        sender = self.stack.environment.get("SENDER_EMAIL")
        if sender:
            self.client("ses").verify_email_identity(EmailAddress=sender)

    def kms_keys(self) -> None:
        kms = self.client("kms")
        for name, res in _of_type(self.template, "AWS::KMS::Key"):
            key = kms.create_key(Description=self.props(res).get("Description", name))["KeyMetadata"]
            self.stack.physical[name] = key["KeyId"]
            self.stack.attributes[(name, "Arn")] = key["Arn"]

    def queues(self) -> None:
        sqs = self.client("sqs")
        queues = _of_type(self.template, "AWS::SQS::Queue")
        # Dead-letter queues first: a redrive policy names its DLQ's ARN.
        queues.sort(key=lambda item: "RedrivePolicy" in item[1].get("Properties", {}))
        for name, res in queues:
            props = self.props(res)
            attributes = {
                "VisibilityTimeout": str(props.get("VisibilityTimeout", 30)),
                "MessageRetentionPeriod": str(props.get("MessageRetentionPeriod", 345600)),
            }
            if "RedrivePolicy" in props:
                attributes["RedrivePolicy"] = json.dumps(props["RedrivePolicy"])
            url = sqs.create_queue(QueueName=props["QueueName"], Attributes=attributes)["QueueUrl"]
            self._queue_created(name, props["QueueName"], url)

    def _queue_created(self, name: str, queue_name: str, url: str) -> None:
        self.stack.physical[name] = url
        self.stack.attributes[(name, "Arn")] = f"arn:aws:sqs:{REGION}:{ACCOUNT_ID}:{queue_name}"
        self.stack.attributes[(name, "QueueName")] = queue_name
        self.stack.attributes[(name, "QueueUrl")] = url

    def tables(self) -> None:
        dynamodb = self.client("dynamodb")
        for name, res in _of_type(self.template, "AWS::DynamoDB::Table"):
            props = self.props(res)
            args: dict[str, Any] = {
                "TableName": props["TableName"],
                "AttributeDefinitions": props["AttributeDefinitions"],
                "KeySchema": props["KeySchema"],
                "BillingMode": props.get("BillingMode", "PAY_PER_REQUEST"),
            }
            if "GlobalSecondaryIndexes" in props:
                args["GlobalSecondaryIndexes"] = props["GlobalSecondaryIndexes"]
            if "StreamSpecification" in props:
                args["StreamSpecification"] = {"StreamEnabled": True, **props["StreamSpecification"]}
            table = dynamodb.create_table(**args)["TableDescription"]
            ttl = props.get("TimeToLiveSpecification")
            if ttl:
                dynamodb.update_time_to_live(TableName=props["TableName"], TimeToLiveSpecification=ttl)
            self.stack.physical[name] = props["TableName"]
            self.stack.attributes[(name, "Arn")] = table["TableArn"]
            if "LatestStreamArn" in table:
                self.stack.attributes[(name, "StreamArn")] = table["LatestStreamArn"]

    def buckets(self) -> None:
        s3 = self.client("s3")
        for name, res in _of_type(self.template, "AWS::S3::Bucket"):
            props = self.props(res)
            bucket = props["BucketName"]
            s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
            self.stack.physical[name] = bucket
            self.stack.attributes[(name, "Arn")] = f"arn:aws:s3:::{bucket}"
            self.stack.attributes[(name, "RegionalDomainName")] = f"{bucket}.s3.{REGION}.amazonaws.com"
            if "CorsConfiguration" in props:
                s3.put_bucket_cors(
                    Bucket=bucket,
                    CORSConfiguration={"CORSRules": [_cors(rule) for rule in props["CorsConfiguration"]["CorsRules"]]},
                )
            if "LifecycleConfiguration" in props:
                s3.put_bucket_lifecycle_configuration(
                    Bucket=bucket, LifecycleConfiguration=_lifecycle(props["LifecycleConfiguration"])
                )
            queues = props.get("NotificationConfiguration", {}).get("QueueConfigurations", [])
            if queues:
                s3.put_bucket_notification_configuration(
                    Bucket=bucket,
                    NotificationConfiguration={
                        "QueueConfigurations": [
                            {
                                "QueueArn": q["Queue"],
                                "Events": [q["Event"]],
                                "Filter": {"Key": {"FilterRules": q["Filter"]["S3Key"]["Rules"]}},
                            }
                            for q in queues
                        ]
                    },
                )

    def user_pools(self) -> None:
        idp = self.client("cognito-idp")
        for name, res in _of_type(self.template, "AWS::Cognito::UserPool"):
            props = self.props(res)
            pool = idp.create_user_pool(
                PoolName=props["UserPoolName"],
                Policies=props.get("Policies", {}),
                UsernameAttributes=props.get("UsernameAttributes", []),
                AutoVerifiedAttributes=props.get("AutoVerifiedAttributes", []),
            )["UserPool"]
            self.stack.physical[name] = pool["Id"]
            self.stack.attributes[(name, "Arn")] = pool["Arn"]
            self.stack.attributes[(name, "ProviderURL")] = f"cognito-idp.{REGION}.amazonaws.com/{pool['Id']}"
        for name, res in _of_type(self.template, "AWS::Cognito::UserPoolClient"):
            props = self.props(res)
            created = idp.create_user_pool_client(
                UserPoolId=props["UserPoolId"],
                ClientName=props["ClientName"],
                GenerateSecret=bool(props.get("GenerateSecret", False)),
                ExplicitAuthFlows=props.get("ExplicitAuthFlows", []),
            )["UserPoolClient"]
            self.stack.physical[name] = created["ClientId"]
        for _name, res in _of_type(self.template, "AWS::Cognito::UserPoolGroup"):
            props = self.props(res)
            idp.create_group(
                UserPoolId=props["UserPoolId"], GroupName=props["GroupName"], Description=props.get("Description", "")
            )

    def roles(self) -> None:
        for name, _res in _of_type(self.template, "AWS::IAM::Role"):
            self.stack.physical[name] = f"dealerlink-local-{name}"
            self.stack.attributes[(name, "Arn")] = f"arn:aws:iam::{ACCOUNT_ID}:role/dealerlink-local-{name}"

    def state_machines(self) -> None:
        sfn = self.client("stepfunctions")
        for name, res in _of_type(self.template, "AWS::Serverless::StateMachine"):
            props = self.props(res)
            definition = (ROOT / props["DefinitionUri"]).read_text()
            for key, value in props.get("DefinitionSubstitutions", {}).items():
                definition = definition.replace("${" + key + "}", str(value))
            arn = sfn.create_state_machine(
                name=props["Name"],
                definition=definition,
                roleArn=f"arn:aws:iam::{ACCOUNT_ID}:role/dealerlink-local-{name}",
                type=props.get("Type", "STANDARD"),
            )["stateMachineArn"]
            self.stack.physical[name] = arn
            self.stack.attributes[(name, "Name")] = props["Name"]
            self.stack.attributes[(name, "Arn")] = arn

    def functions(self) -> None:
        events_client = self.client("events")
        sqs = self.client("sqs")
        for name, res in _of_type(self.template, "AWS::Serverless::Function"):
            raw = res.get("Properties", {})
            code_uri = str(raw["CodeUri"]).strip("/")
            module, attribute = str(raw["Handler"]).rsplit(".", 1)
            events: dict[str, dict[str, Any]] = {}
            for event_name, event in raw.get("Events", {}).items():
                if event["Type"] == "Api":
                    continue  # the API is served by the Chalice app itself
                events[event_name] = {"Type": event["Type"], "Properties": self.resolve(event.get("Properties", {}))}
                if event["Type"] in ("EventBridgeRule", "CloudWatchEvent"):
                    self._rule_tap(events_client, sqs, name, event_name, events[event_name]["Properties"])
            self.stack.functions.append(FunctionSpec(name, f"{code_uri.replace('/', '.')}.{module}", attribute, events))

    def _rule_tap(self, events_client: Any, sqs: Any, function: str, event: str, props: dict[str, Any]) -> None:
        """moto cannot invoke Lambda targets: route the rule to a queue the worker drains."""
        queue_name = f"dealerlink-local-tap-{function}-{event}"[:80]
        url = sqs.create_queue(QueueName=queue_name, Attributes={"VisibilityTimeout": "5"})["QueueUrl"]
        rule = f"dealerlink-local-{function}-{event}"[:64]
        events_client.put_rule(Name=rule, EventPattern=json.dumps(props["Pattern"]), State="ENABLED")
        events_client.put_targets(
            Rule=rule, Targets=[{"Id": "tap", "Arn": f"arn:aws:sqs:{REGION}:{ACCOUNT_ID}:{queue_name}"}]
        )
        self.stack.rule_taps[(function, event)] = url

    def environment(self) -> None:
        """Globals plus each function's variables; names differing per function are left out
        (all handlers share one process locally, so each names its service in code)."""
        merged: dict[str, str] = {}
        conflicting: set[str] = set()
        globals_ = self.template.get("Globals", {}).get("Function", {}).get("Environment", {}).get("Variables", {})
        merged.update({k: str(v) for k, v in self.resolve(globals_).items()})
        for _name, res in _of_type(self.template, "AWS::Serverless::Function"):
            own = res.get("Properties", {}).get("Environment", {}).get("Variables", {})
            for key, value in self.resolve(own).items():
                if key in merged and merged[key] != str(value):
                    conflicting.add(key)
                merged[key] = str(value)
        self.stack.environment = {k: v for k, v in merged.items() if k not in conflicting}


def _cors(rule: dict[str, Any]) -> dict[str, Any]:
    """CloudFormation's CORS rule shape to S3's API shape."""
    renamed = {"ExposedHeaders": "ExposeHeaders", "MaxAge": "MaxAgeSeconds"}
    return {renamed.get(k, k): v for k, v in rule.items()}


def _lifecycle(config: dict[str, Any]) -> dict[str, Any]:
    """CloudFormation's lifecycle shape to S3's API shape."""
    rules = []
    for rule in config["Rules"]:
        api_rule: dict[str, Any] = {
            "ID": rule["Id"],
            "Status": rule["Status"],
            "Filter": {"Prefix": rule.get("Prefix", "")},
        }
        if "AbortIncompleteMultipartUpload" in rule:
            api_rule["AbortIncompleteMultipartUpload"] = rule["AbortIncompleteMultipartUpload"]
        if "ExpirationInDays" in rule:
            api_rule["Expiration"] = {"Days": rule["ExpirationInDays"]}
        rules.append(api_rule)
    return {"Rules": rules}


def page_headers(template: dict[str, Any] | None = None) -> dict[str, str]:
    """The response headers CloudFront adds to customer pages (PageHeadersPolicy), for the local
    stand-in: the same CSP, referrer and robots rules on 127.0.0.1 as on AWS."""
    config = (template or load_template())["Resources"]["PageHeadersPolicy"]["Properties"][
        "ResponseHeadersPolicyConfig"
    ]
    security = config["SecurityHeadersConfig"]
    headers = {
        "Content-Security-Policy": security["ContentSecurityPolicy"]["ContentSecurityPolicy"],
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": security["FrameOptions"]["FrameOption"],
        "Referrer-Policy": security["ReferrerPolicy"]["ReferrerPolicy"],
    }
    headers.update({item["Header"]: item["Value"] for item in config.get("CustomHeadersConfig", {}).get("Items", [])})
    return headers


def build_stack(
    session: boto3.session.Session | None = None,
    parameters: dict[str, str] | None = None,
    template: dict[str, Any] | None = None,
) -> LocalStack:
    """Create every resource the local stack needs from template.yaml; return their names."""
    params = {"StageName": "local", **(parameters or {})}
    return Builder(session or boto3.session.Session(), template or load_template(), params).build()
