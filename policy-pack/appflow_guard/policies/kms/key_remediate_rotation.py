"""Opt-in fix for aws-appflow-kms-key-enable-rotation: turn on rotation of symmetric keys."""

from pulumi_policy import EnforcementLevel, ResourceValidationPolicy, Severity

from ...core import types
from ...core.rule_config import config_schema
from ...core.metadata import FRAMEWORK, section
from ...core.remediation import set_property_when
from ...core.values import plain
from .key_enable_rotation import rotation_supported

READS = types.KMS_KEY_TYPES
ENFORCES = (
    "We recommend that you use a customer managed CMK, as it puts you in full control over your "
    "encrypted data.",
)

POLICY = ResourceValidationPolicy(
    name="aws-appflow-kms-key-remediate-rotation",
    description="At enforcement level remediate, KMS keys of the stack get automatic rotation turned on.",
    display_name="Turn on KMS key rotation",
    enforcement_level=EnforcementLevel.DISABLED,
    severity=Severity.MEDIUM,
    framework=FRAMEWORK,
    tags=["encryption", "kms", "remediation"],
    remediation_steps="Set this policy's enforcement level to remediate; it sets enableKeyRotation=true.",
    url=section("key-management"),
    config_schema=config_schema(),
    remediate=set_property_when(
        READS, "enableKeyRotation", needs_fix=lambda current: current is not True,
        value=lambda args: True if rotation_supported(plain(args.props)) else None),
)
