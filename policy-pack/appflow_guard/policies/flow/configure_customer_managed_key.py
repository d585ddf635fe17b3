"""Flows must encrypt the data they stage in AppFlow's intermediate bucket with a customer managed key."""

from pulumi_policy import EnforcementLevel, Severity, StackValidationPolicy

from ...core import types
from ...core.cmk import ALLOWED_KEYS_SCHEMA, kms_arn_check
from ...core.rule_config import config_schema
from ...core.metadata import FRAMEWORK, section
from ...core.reporting import stack_validation

READS = types.FLOW_TYPES | types.KMS_KEY_TYPES | types.KMS_ALIAS_TYPES
ENFORCES = (
    "When you configure a flow, you can choose either an AWS managed CMK or a customer managed CMK.",
    "When executing a flow, Amazon AppFlow stores data temporarily in an intermediate S3 bucket and "
    "encrypts it using this key.",
    "We recommend that you use a customer managed CMK, as it puts you in full control over your "
    "encrypted data.",
)

POLICY = StackValidationPolicy(
    name="aws-appflow-flow-configure-customer-managed-key",
    description="AppFlow flows encrypt their data with a customer managed KMS key.",
    display_name="Flow uses a customer managed KMS key",
    enforcement_level=EnforcementLevel.MANDATORY,
    severity=Severity.HIGH,
    framework=FRAMEWORK,
    tags=["encryption", "kms"],
    remediation_steps=(
        "Create an aws.kms.Key with enable_key_rotation=True and pass its ARN as kms_arn of the "
        "aws.appflow.Flow. AWS managed keys (alias/aws/...) do not give you control over the key policy."
    ),
    url=section("encryption-in-transit"),
    config_schema=config_schema(ALLOWED_KEYS_SCHEMA),
    validate=stack_validation(kms_arn_check(
        types.FLOW_TYPES, absent_means="AppFlow encrypts the flow's data with the AWS managed key")),
)
