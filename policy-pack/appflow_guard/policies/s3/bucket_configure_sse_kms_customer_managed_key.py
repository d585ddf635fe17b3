"""Buckets AppFlow writes to must encrypt objects with SSE-KMS under a customer managed key."""

from pulumi_policy import EnforcementLevel, Severity, StackValidationPolicy

from ...core import types
from ...core.buckets import appflow_bucket_users
from ...core.rule_config import config_schema
from ...core.masking import shorten
from ...core.metadata import FRAMEWORK, section
from ...core.reporting import stack_validation
from ...core.stack import Resolution, StackView
from ...core.values import UNKNOWN, as_dict

READS = (types.S3_BUCKET_TYPES | types.S3_ENCRYPTION_TYPES | types.FLOW_TYPES | types.CONNECTOR_PROFILE_TYPES
         | types.KMS_KEY_TYPES | types.KMS_ALIAS_TYPES)
ENFORCES = (
    "When you use Amazon S3 as a destination, you can choose either an AWS managed CMK or a customer "
    "managed CMK for encrypting the data in the S3 bucket using Amazon S3 SSE-KMS.",
    "Amazon AppFlow provides both AWS managed and customer managed CMKs for encrypting connection "
    "data and data stored in Amazon S3 when it is a destination.",
    "We recommend that you use a customer managed CMK, as it puts you in full control over your "
    "encrypted data.",
)

KMS_ALGORITHMS = ("aws:kms", "aws:kms:dsse")


def rule_problem(view, rule) -> str | None:
    settings = rule["settings"]
    if settings is UNKNOWN:
        return None
    settings = as_dict(settings)
    algorithm = settings.get("sseAlgorithm")
    if algorithm is UNKNOWN:
        return None
    if algorithm not in KMS_ALGORITHMS:
        if not isinstance(algorithm, str) or not algorithm:
            return "default encryption has no sseAlgorithm, so S3 uses SSE-S3 (AES256), not SSE-KMS with a customer managed key"
        return f"default encryption uses {shorten(algorithm)}, not SSE-KMS with a customer managed key"
    value = settings.get("kmsMasterKeyId")
    link = view.resolve_key(rule["holder"], rule["prop"], value)
    if link.resolution is Resolution.MISSING:
        return "default encryption is SSE-KMS without kmsMasterKeyId, so S3 uses the AWS managed key aws/s3"
    if link.resolution is Resolution.AWS_MANAGED:
        return f"default encryption uses the AWS managed key '{shorten(value)}'"
    if link.resolution is Resolution.INVALID:
        shown = f" '{shorten(value)}'" if isinstance(value, str) else ""
        return f"kmsMasterKeyId{shown} is not a KMS key ARN, key ID or alias"
    return None


def check(args, findings):
    view = StackView(args.resources)
    # The AWS page asks SSE-KMS of S3 "when it is a destination": the buckets AppFlow writes to, not
    # a flow's S3 source, which AppFlow only reads.
    for bucket, users in appflow_bucket_users(view, written=True).items():
        used_by = f"AppFlow uses it ({', '.join(users)})"
        rules = view.encryption_rules(bucket)
        if not rules:
            findings.add(f"The bucket has no default encryption with a customer managed KMS key; {used_by}.", bucket)
        for rule in rules:
            problem = rule_problem(view, rule)
            if problem:
                findings.add(f"The bucket's {problem}; {used_by}.", bucket)


POLICY = StackValidationPolicy(
    name="aws-appflow-s3-bucket-configure-sse-kms-customer-managed-key",
    description="S3 buckets AppFlow writes to encrypt objects with SSE-KMS and a customer managed key.",
    display_name="AppFlow buckets use SSE-KMS with a customer managed key",
    enforcement_level=EnforcementLevel.MANDATORY,
    severity=Severity.HIGH,
    framework=FRAMEWORK,
    tags=["encryption", "s3", "kms"],
    remediation_steps=(
        "Add an aws.s3.BucketServerSideEncryptionConfiguration for the bucket with "
        "sse_algorithm='aws:kms' (or 'aws:kms:dsse') and kms_master_key_id set to a customer "
        "managed aws.kms.Key; AES256 and alias/aws/s3 leave the key under AWS control."
    ),
    url=section("encryption-at-rest"),
    config_schema=config_schema(),
    validate=stack_validation(check),
)
