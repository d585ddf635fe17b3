"""Opt-in fix for aws-appflow-connectorprofile-configure-customer-managed-key: fill in a default key."""

from pulumi_policy import EnforcementLevel, ResourceValidationPolicy, Severity

from ...core import types
from ...core.rule_config import config_schema
from ...core.metadata import FRAMEWORK, section
from ...core.remediation import KEY_ARN_SCHEMA, configured_key, missing, set_property_when
from . import configure_customer_managed_key

READS = types.CONNECTOR_PROFILE_TYPES
ENFORCES = configure_customer_managed_key.ENFORCES  # the sentences the rule it remediates enforces

POLICY = ResourceValidationPolicy(
    name="aws-appflow-connectorprofile-remediate-customer-managed-key",
    description="At enforcement level remediate, connector profiles without kmsArn get the configured customer managed key.",
    display_name="Fill in the default KMS key",
    enforcement_level=EnforcementLevel.DISABLED,
    severity=Severity.HIGH,
    framework=FRAMEWORK,
    tags=["encryption", "kms", "remediation"],
    remediation_steps="Set this policy's enforcement level to remediate and keyArn to the key ARN to use.",
    url=section("key-management"),
    config_schema=config_schema(KEY_ARN_SCHEMA),
    remediate=set_property_when(READS, "kmsArn", needs_fix=missing, value=configured_key),
)
