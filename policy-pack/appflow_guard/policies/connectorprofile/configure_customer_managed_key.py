"""Connector profiles must encrypt stored connection credentials with a customer managed key."""

from pulumi_policy import EnforcementLevel, Severity, StackValidationPolicy

from ...core import types
from ...core.cmk import ALLOWED_KEYS_SCHEMA, kms_arn_check
from ...core.rule_config import config_schema
from ...core.metadata import FRAMEWORK, section
from ...core.reporting import stack_validation

READS = types.CONNECTOR_PROFILE_TYPES | types.KMS_KEY_TYPES | types.KMS_ALIAS_TYPES
ENFORCES = (
    "Amazon AppFlow securely stores your connection data, encrypting it using AWS Key Management "
    "Service (AWS KMS) customer master keys (CMK) and then storing it in AWS Secrets Manager.",
    "Amazon AppFlow provides both AWS managed and customer managed CMKs for encrypting connection "
    "data and data stored in Amazon S3 when it is a destination.",
    "We recommend that you use a customer managed CMK, as it puts you in full control over your "
    "encrypted data.",
)

POLICY = StackValidationPolicy(
    name="aws-appflow-connectorprofile-configure-customer-managed-key",
    description="AppFlow connector profiles encrypt connection credentials with a customer managed KMS key.",
    display_name="Connector profile uses a customer managed KMS key",
    enforcement_level=EnforcementLevel.MANDATORY,
    severity=Severity.HIGH,
    framework=FRAMEWORK,
    tags=["encryption", "kms", "credentials"],
    remediation_steps=(
        "Create an aws.kms.Key with enable_key_rotation=True and pass its ARN as kms_arn of the "
        "aws.appflow.ConnectorProfile, so the credentials AppFlow stores in Secrets Manager are "
        "encrypted under a key whose policy you control."
    ),
    url=section("encryption-at-rest"),
    config_schema=config_schema(ALLOWED_KEYS_SCHEMA),
    validate=stack_validation(kms_arn_check(
        types.CONNECTOR_PROFILE_TYPES,
        absent_means="AppFlow encrypts the connection's credentials with the AWS managed key")),
)
