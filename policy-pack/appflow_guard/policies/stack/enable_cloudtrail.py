"""API activity on AppFlow must be recorded, so access to connections and flows can be audited."""

from pulumi_policy import EnforcementLevel, Severity, StackValidationPolicy

from ...core import types
from ...core.rule_config import config_schema, optional_string
from ...core.metadata import FRAMEWORK, DOCS_URL
from ...core.reporting import stack_validation
from ...core.stack import StackView
from ...core.protection_fields import logging_field
from ...core.values import flag

READS = types.CLOUDTRAIL_TYPES | types.APPFLOW_RESOURCE_TYPES
ENFORCES = (
    "Set up API and user activity logging with AWS CloudTrail.",
)


def check(args, findings):
    elsewhere = optional_string(args.get_config(), "organizationTrail")
    view = StackView(args.resources)
    if not view.has_appflow():
        args.not_applicable("the stack has no AppFlow resources")
    if elsewhere:
        args.not_applicable(f"CloudTrail is provided by {elsewhere}")
    for trail in view.of_type(*types.CLOUDTRAIL_TYPES):
        if flag(view.props(trail).get(logging_field(trail.resource_type))) is not False:  # enableLogging / isLogging
            return
    native = all(types.is_native(resource.resource_type) for resource in view.of_type(*types.APPFLOW_RESOURCE_TYPES))
    trail = "aws_native.cloudtrail.Trail (is_logging=True)" if native else "aws.cloudtrail.Trail"
    findings.add(f"The stack deploys AppFlow resources but no enabled {trail} records API activity; "
                 "add one, or set organizationTrail if an organisation trail covers this account.")


POLICY = StackValidationPolicy(
    name="aws-appflow-stack-enable-cloudtrail",
    description="Stacks with AppFlow resources record API activity with an enabled CloudTrail trail.",
    display_name="AppFlow activity is logged",
    enforcement_level=EnforcementLevel.ADVISORY,
    severity=Severity.MEDIUM,
    framework=FRAMEWORK,
    tags=["logging", "cloudtrail"],
    remediation_steps=(
        "Add an aws.cloudtrail.Trail (multi-region, with log file validation) to the stack, or set "
        "organizationTrail to the trail that already records this account."
    ),
    url=DOCS_URL,
    config_schema=config_schema({
        "organizationTrail": {
            "type": "string", "minLength": 1,
            "description": "ARN or name of a trail managed elsewhere that records this account; turns the rule off.",
        },
    }),
    validate=stack_validation(check),
)
