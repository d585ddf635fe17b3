"""Keys and buckets that live outside the stack cannot be checked here: say so instead of passing."""

from pulumi_policy import EnforcementLevel, Severity, StackValidationPolicy

from ...core import types
from ...core.buckets import appflow_bucket_users
from ...core.rule_config import config_schema, string_list
from ...core.kms import key_identifiers
from ...core.masking import shorten
from ...core.metadata import FRAMEWORK, section
from ...core.reporting import stack_validation
from ...core.stack import Resolution, StackView
from ...core.values import dig

READS = (types.APPFLOW_TYPES | types.KMS_KEY_TYPES | types.KMS_ALIAS_TYPES | types.S3_BUCKET_TYPES
         | types.S3_ENCRYPTION_TYPES | types.SECRET_TYPES)
ENFORCES = (
    "When you use Amazon S3 as a destination, you can choose either an AWS managed CMK or a customer "
    "managed CMK for encrypting the data in the S3 bucket using Amazon S3 SSE-KMS.",
    "We recommend that you use a customer managed CMK, as it puts you in full control over your "
    "encrypted data.",
)


def _describe(link) -> str:
    if link.resolution is Resolution.EXTERNAL:
        return f"'{shorten(link.value)}' is not a key in this stack"
    sources = ", ".join(link.sources) if link.sources else "a value outside this stack"
    return f"is computed from {sources}"


def check(args, findings):
    config = args.get_config()
    trusted_keys = {form for entry in string_list(config, "trustedKeyArns") for form in key_identifiers(entry)}
    trusted_buckets = set(string_list(config, "trustedBuckets"))
    view = StackView(args.resources)

    def key_reference(holder, prop, value, field):
        link = view.resolve_key(holder, prop, value)
        if link.resolution not in (Resolution.EXTERNAL, Resolution.UNVERIFIABLE):
            return
        if isinstance(value, str) and key_identifiers(value) & trusted_keys:
            return
        findings.add(f"{field} {_describe(link)}, so the pack could not verify that it is a customer managed "
                     "key; list it under trustedKeyArns once verified.", holder)

    for resource in view.of_type(*types.APPFLOW_TYPES):
        key_reference(resource, "kmsArn", view.props(resource).get("kmsArn"), "kmsArn")
    for secret in view.appflow_secrets():
        key_reference(secret, "kmsKeyId", view.props(secret).get("kmsKeyId"), "kmsKeyId")
    for bucket in appflow_bucket_users(view, written=True):  # a source bucket's key protects no AppFlow data
        for rule in view.encryption_rules(bucket):
            value = dig(rule["settings"], "kmsMasterKeyId")
            if value is not None:
                key_reference(rule["holder"], rule["prop"], value, "kmsMasterKeyId")
    for link in view.appflow_buckets():
        if link.buckets or (isinstance(link.value, str) and link.value in trusted_buckets):
            continue
        shown = f"bucket '{shorten(link.value)}' is not in this stack" if isinstance(link.value, str) \
            else "the bucket is computed from a value outside this stack"
        unverified = "encryption and TLS policy" if link.writes else "TLS policy"  # SSE-KMS is asked of destinations
        findings.add(f"{link.field}: {shown}, so its {unverified} could not be verified; "
                     "list it under trustedBuckets once verified.", link.holder)


POLICY = StackValidationPolicy(
    name="aws-appflow-stack-verify-external-references",
    description="Keys and buckets AppFlow uses that are not defined in the stack are reported as unverified.",
    display_name="AppFlow references outside the stack are verified",
    enforcement_level=EnforcementLevel.ADVISORY,
    severity=Severity.MEDIUM,
    framework=FRAMEWORK,
    tags=["encryption", "kms", "s3"],
    remediation_steps=(
        "Define the key or bucket in the stack so the pack can check it, or verify it out of band "
        "(customer managed, rotating, SSE-KMS, TLS-only) and list it under trustedKeyArns or trustedBuckets."
    ),
    url=section("key-management"),
    config_schema=config_schema({
        "trustedKeyArns": {
            "type": "array", "items": {"type": "string", "minLength": 1},
            "description": "Key ARNs, IDs or aliases outside the stack that were verified as customer managed.",
        },
        "trustedBuckets": {
            "type": "array", "items": {"type": "string", "minLength": 1},
            "description": "Bucket names outside the stack that were verified as encrypted and TLS-only.",
        },
    }),
    validate=stack_validation(check),
)
