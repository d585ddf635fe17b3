"""A flow's description tells reviewers and auditors what data it moves and why."""

from pulumi_policy import EnforcementLevel, ResourceValidationPolicy, Severity

from ...core import types
from ...core.rule_config import config_schema
from ...core.metadata import FRAMEWORK, DOCS_URL
from ...core.reporting import resource_validation
from ...core.values import UNKNOWN, plain

READS = types.FLOW_TYPES
ENFORCES = ()  # governance the page does not ask for (README 'Default enforcement levels')


def check(args, findings):
    description = plain(args.props).get("description")
    if description is UNKNOWN or (isinstance(description, str) and description.strip()):
        return
    findings.add("description is not set; describe what data the flow moves and why.")


POLICY = ResourceValidationPolicy(
    name="aws-appflow-flow-missing-description",
    description="AppFlow flows have a description.",
    display_name="Flow has a description",
    enforcement_level=EnforcementLevel.ADVISORY,
    severity=Severity.LOW,
    framework=FRAMEWORK,
    tags=["governance"],
    remediation_steps="Set description on the aws.appflow.Flow (without personal or confidential data).",
    url=DOCS_URL,
    config_schema=config_schema(),
    validate=resource_validation(check, READS),
)
