"""Organisations may restrict how flows run (AWS Config rule appflow-flow-trigger-type-check)."""

from pulumi_policy import EnforcementLevel, ResourceValidationPolicy, Severity

from ...core import types
from ...core.rule_config import config_schema, string_list
from ...core.metadata import FRAMEWORK, DOCS_URL
from ...core.reporting import resource_validation
from ...core.values import UNKNOWN, dig, plain

TRIGGER_TYPES = ["Scheduled", "Event", "OnDemand"]

READS = types.FLOW_TYPES
ENFORCES = ()  # governance the page does not ask for (README 'Default enforcement levels')


def check(args, findings):
    allowed = string_list(args.get_config(), "allowedTriggerTypes")
    if not allowed:
        args.not_applicable("allowedTriggerTypes is not configured")
    trigger = dig(plain(args.props), "triggerConfig", "triggerType")
    if trigger is UNKNOWN:
        return
    if trigger not in allowed:
        shown = trigger if isinstance(trigger, str) else "not set"
        findings.add(f"triggerConfig.triggerType is {shown}; allowed: {', '.join(allowed)}.")


POLICY = ResourceValidationPolicy(
    name="aws-appflow-flow-configure-allowed-trigger-types",
    description="AppFlow flows use one of the trigger types the organisation allows.",
    display_name="Flow trigger type is allowed",
    enforcement_level=EnforcementLevel.ADVISORY,
    severity=Severity.LOW,
    framework=FRAMEWORK,
    tags=["governance"],
    remediation_steps="Set trigger_config.trigger_type to one of the types listed in allowedTriggerTypes.",
    url=DOCS_URL,
    config_schema=config_schema({
        "allowedTriggerTypes": {
            "type": "array", "items": {"type": "string", "enum": TRIGGER_TYPES},
            "description": "Trigger types flows may use; the rule is off until this is set.",
        },
    }),
    validate=resource_validation(check, READS),
)
