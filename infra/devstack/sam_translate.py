"""What SAM will make of template.yaml, offline: ``python sam_translate.py template.yaml``
prints the CloudFormation template aws-sam-translator makes (JSON), as `sam deploy` would send it.

Run with aws-sam-cli's own interpreter (``.venv-sam/bin/python``): the translator ships with it.
Local code and definition paths become the S3 URIs `sam package` would give them; managed
policies are named by ARN in the template, so no IAM look-up is needed.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

from samtranslator.translator.managed_policy_translator import ManagedPolicyLoader
from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse


class _NoManagedPolicies(ManagedPolicyLoader):
    """No AWS account here: a policy named by its short name would fail loudly."""

    def __init__(self) -> None:
        pass

    def load(self) -> dict[str, str]:
        return {}


_PACKAGED = ("CodeUri", "ContentUri", "DefinitionUri")


def packaged(template: dict[str, Any]) -> dict[str, Any]:
    """The template as `sam package` leaves it: local paths uploaded to S3."""
    for name, resource in template.get("Resources", {}).items():
        props = resource.get("Properties", {})
        for key in _PACKAGED:
            if isinstance(props.get(key), str) and not props[key].startswith("s3://"):
                props[key] = f"s3://packaged-artifacts/{name}/{key}"
    return template


def main(path: str) -> int:
    os.environ.setdefault("AWS_DEFAULT_REGION", "eu-west-1")  # pseudo parameters need a region
    with open(path, encoding="utf-8") as source:
        template: dict[str, Any] = packaged(yaml_parse(source.read()))
    translated = transform(template, {}, _NoManagedPolicies())
    json.dump(translated, sys.stdout, indent=1, sort_keys=True, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
