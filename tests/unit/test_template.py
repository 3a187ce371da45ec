"""template.yaml declares what the architecture promises (cfn-lint and sam validate run in make test)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from devstack.template import ROOT, load_template

TEMPLATE = load_template()
RESOURCES: dict[str, Any] = TEMPLATE["Resources"]


def _of_type(kind: str) -> dict[str, Any]:
    return {name: res for name, res in RESOURCES.items() if res["Type"] == kind}


def test_single_table_has_streams_ttl_pitr_and_two_gsis() -> None:
    props = RESOURCES["MainTable"]["Properties"]
    assert props["StreamSpecification"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    assert props["TimeToLiveSpecification"] == {"AttributeName": "ttl", "Enabled": True}
    assert props["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
    assert [i["IndexName"] for i in props["GlobalSecondaryIndexes"]] == ["GSI1", "GSI2"]
    assert [k["AttributeName"] for k in props["KeySchema"]] == ["PK", "SK"]


@pytest.mark.parametrize("bucket", ["MediaBucket", "SiteBucket"])
def test_buckets_are_private(bucket: str) -> None:
    block = RESOURCES[bucket]["Properties"]["PublicAccessBlockConfiguration"]
    assert all(
        block[k] is True for k in ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets")
    )


def test_media_bucket_takes_browser_uploads_and_cleans_abandoned_ones() -> None:
    props = RESOURCES["MediaBucket"]["Properties"]
    (cors,) = props["CorsConfiguration"]["CorsRules"]
    assert "ETag" in cors["ExposedHeaders"] and {"PUT", "POST"} <= set(cors["AllowedMethods"])
    rules = props["LifecycleConfiguration"]["Rules"]
    assert any(r.get("AbortIncompleteMultipartUpload", {}).get("DaysAfterInitiation") == 1 for r in rules)


def test_every_work_queue_has_a_dead_letter_queue() -> None:
    queues = _of_type("AWS::SQS::Queue")
    dlqs = {name for name in queues if name.endswith("DLQ")}
    for name, queue in queues.items():
        if name not in dlqs:
            target = queue["Properties"]["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]
            assert target in dlqs, name


def test_every_function_has_its_own_scoped_policies() -> None:
    for name, function in _of_type("AWS::Serverless::Function").items():
        policies = function["Properties"]["Policies"]
        assert policies, name
        text = json.dumps(policies)
        assert "FullAccess" not in text and '"Action": "*"' not in text, name


def test_async_event_sources_have_failure_destinations() -> None:
    for name, function in _of_type("AWS::Serverless::Function").items():
        for event_name, event in function["Properties"].get("Events", {}).items():
            props = event["Properties"]
            if event["Type"] == "DynamoDB":
                assert "OnFailure" in props["DestinationConfig"], (name, event_name)
            if event["Type"] in ("EventBridgeRule", "ScheduleV2"):
                assert "DeadLetterConfig" in props, (name, event_name)
            if event["Type"] == "SQS":
                assert props["FunctionResponseTypes"] == ["ReportBatchItemFailures"], (name, event_name)


def test_one_function_per_event_source_and_the_api() -> None:
    handlers = {name: f["Properties"]["CodeUri"] for name, f in _of_type("AWS::Serverless::Function").items()}
    assert sorted(handlers) == sorted(
        f"{n}Function" for n in ("Api", "Media", "Notify", "Pages", "Stats", "Reminders", "Payments")
    )
    for code_uri in handlers.values():
        assert (ROOT / code_uri).is_dir()


def test_user_pool_has_one_group_per_role_and_the_password_policy() -> None:
    groups = {r["Properties"]["GroupName"] for r in _of_type("AWS::Cognito::UserPoolGroup").values()}
    assert groups == {
        "dealer_manager",
        "back_office",
        "salesperson",
        "technician",
        "auditor",
        "audit_manager",
        "group_manager",
    }
    policy = RESOURCES["UserPool"]["Properties"]["Policies"]["PasswordPolicy"]
    assert policy["RequireUppercase"] and policy["RequireNumbers"] and policy["RequireSymbols"]


def test_cloudfront_serves_pages_from_the_bucket_and_the_api_under_api() -> None:
    config = RESOURCES["SiteDistribution"]["Properties"]["DistributionConfig"]
    behaviours = {b["PathPattern"]: b["TargetOriginId"] for b in config["CacheBehaviors"]}
    assert behaviours == {"/p/assets/*": "site", "/p/*": "site", "/api/*": "api"}
    order = [b["PathPattern"] for b in config["CacheBehaviors"]]
    assert order.index("/p/assets/*") < order.index("/p/*")  # CloudFront takes the first match
    site_origin = next(o for o in config["Origins"] if o["Id"] == "site")
    assert "OriginAccessControlId" in site_origin


def test_reminder_state_machine_definition_is_valid_json_with_its_substitutions() -> None:
    props = RESOURCES["ReminderStateMachine"]["Properties"]
    text = (ROOT / props["DefinitionUri"]).read_text()
    for key in props["DefinitionSubstitutions"]:
        assert "${" + key + "}" in text
    states = json.loads(text)["States"]
    assert states["WaitUntilSendDate"]["TimestampPath"] == "$.send_at"


def test_layer_is_built_from_its_makefile() -> None:
    layer = RESOURCES["CommonLayer"]
    assert layer["Metadata"]["BuildMethod"] == "makefile"
    assert "build-CommonLayer:" in (Path(ROOT) / layer["Properties"]["ContentUri"] / "Makefile").read_text()


def test_a_media_task_records_its_failure_on_the_queues_last_delivery() -> None:
    from dealerlink.services.media_tasks import ATTEMPTS

    assert RESOURCES["MediaTasksQueue"]["Properties"]["RedrivePolicy"]["maxReceiveCount"] == ATTEMPTS
