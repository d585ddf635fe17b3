"""Tags let teams find, own and cost every flow (Security Hub control AppFlow.1)."""

from pulumi_policy import EnforcementLevel, ResourceValidationPolicy, Severity

from ...core import types
from ...core.rule_config import config_schema, string_list
from ...core.metadata import FRAMEWORK, DOCS_URL
from ...core.reporting import resource_validation
from ...core.protection_fields import tag_pairs
from ...core.values import UNKNOWN, plain

READS = types.FLOW_TYPES
ENFORCES = ()  # governance the page does not ask for (README 'Default enforcement levels')


def check(args, findings):
    required = string_list(args.get_config(), "requiredTags")
    tags = plain(args.props).get("tags")
    if tags is UNKNOWN:
        return
    pairs, complete = tag_pairs(tags)  # a map (pulumi-aws) or a list of {key, value} (aws-native)
    if not pairs:
        if complete:
            findings.add("tags are not set" + (f"; required tag keys: {', '.join(required)}." if required else "."))
        return
    keys = {key for key, _ in pairs}
    missing = [key for key in required if key not in keys]
    if missing and complete:
        findings.add(f"tags lack the required keys: {', '.join(missing)}.")


POLICY = ResourceValidationPolicy(
    name="aws-appflow-flow-missing-tags",
    description="AppFlow flows are tagged, with every required tag key.",
    display_name="Flow is tagged",
    enforcement_level=EnforcementLevel.ADVISORY,
    severity=Severity.LOW,
    framework=FRAMEWORK,
    tags=["governance"],
    remediation_steps=("Add tags to the aws.appflow.Flow (a list of {key, value} on aws_native.appflow.Flow), "
                       "including every key listed in requiredTags."),
    url=DOCS_URL,
    config_schema=config_schema({
        "requiredTags": {
            "type": "array", "items": {"type": "string", "minLength": 1},
            "description": "Tag keys every flow must carry.",
        },
    }),
    validate=resource_validation(check, READS),
)
