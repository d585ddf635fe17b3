"""Secrets holding AppFlow connection credentials must be encrypted under a key you control."""

from pulumi_policy import EnforcementLevel, Severity, StackValidationPolicy

from ...core import types
from ...core.cmk import check_customer_managed_key
from ...core.rule_config import config_schema
from ...core.metadata import FRAMEWORK, section
from ...core.reporting import stack_validation
from ...core.stack import StackView

READS = types.SECRET_TYPES | types.CONNECTOR_PROFILE_TYPES | types.KMS_KEY_TYPES | types.KMS_ALIAS_TYPES
ENFORCES = (
    "We recommend that you use a customer managed CMK, as it puts you in full control over your "
    "encrypted data.",
    "Amazon AppFlow stores the encrypted credentials that are used to connect to flow source and "
    "destination applications in your AWS Secrets Manager account.",
)


def check(args, findings):
    view = StackView(args.resources)
    for secret in view.appflow_secrets():
        check_customer_managed_key(view, secret, "kmsKeyId", findings, (),
                                   absent_means="Secrets Manager uses the AWS managed key aws/secretsmanager")


POLICY = StackValidationPolicy(
    name="aws-appflow-secretsmanager-secret-configure-customer-managed-key",
    description="Secrets Manager secrets that hold AppFlow credentials are encrypted with a customer managed KMS key.",
    display_name="AppFlow secrets use a customer managed KMS key",
    enforcement_level=EnforcementLevel.MANDATORY,
    severity=Severity.HIGH,
    framework=FRAMEWORK,
    tags=["encryption", "kms", "credentials"],
    remediation_steps="Set kms_key_id on the aws.secretsmanager.Secret to the ARN of a customer managed aws.kms.Key.",
    url=section("connection-credentials"),
    config_schema=config_schema(),
    validate=stack_validation(check),
)
