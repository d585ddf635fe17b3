"""Buckets AppFlow reads or writes must refuse requests that do not use TLS."""

from pulumi_policy import EnforcementLevel, Severity, StackValidationPolicy

from ...core import types
from ...core.buckets import appflow_bucket_users
from ...core.config import boolean, config_schema
from ...core.documents import parse_document
from ...core.metadata import FRAMEWORK, section
from ...core.reporting import stack_validation
from ...core.shapes import document_field
from ...core.stack import StackView

READS = types.S3_BUCKET_TYPES | types.S3_BUCKET_POLICY_TYPES | types.FLOW_TYPES | types.CONNECTOR_PROFILE_TYPES


def _denies_everyone(statement) -> bool:
    return statement.effect == "Deny" and "*" in statement.principals and statement.grants("s3:GetObject")


def denies_insecure_transport(statement) -> bool:
    values = statement.condition_values("Bool", "aws:SecureTransport") + \
        statement.condition_values("BoolIfExists", "aws:SecureTransport")
    return _denies_everyone(statement) and "false" in [value.lower() for value in values]


def denies_old_tls(statement) -> bool:
    versions = statement.condition_values("NumericLessThan", "s3:TlsVersion")
    return _denies_everyone(statement) and any(version in ("1.2", "1.3") for version in versions)


def check(args, findings):
    require_version = boolean(args.get_config(), "requireTlsVersion", False)
    view = StackView(args.resources)
    for bucket, users in appflow_bucket_users(view).items():
        used_by = f"AppFlow uses it ({', '.join(users)})"
        documents = [parse_document(view.props(policy).get(document_field(policy.resource_type)))
                     for policy in view.attached(bucket, types.S3_BUCKET_POLICY_TYPES)]
        if any(document.unknown for document in documents):
            continue
        statements = [statement for document in documents for statement in document.statements]
        if not any(denies_insecure_transport(statement) for statement in statements):
            findings.add(f"No bucket policy denies requests with aws:SecureTransport false; {used_by}.", bucket)
        if require_version and not any(denies_old_tls(statement) for statement in statements):
            findings.add(f"No bucket policy denies s3:TlsVersion below 1.2; {used_by}.", bucket)


POLICY = StackValidationPolicy(
    name="aws-appflow-s3-bucket-enforce-tls-only",
    description="S3 buckets AppFlow reads or writes deny requests that do not use TLS.",
    display_name="AppFlow buckets require TLS",
    enforcement_level=EnforcementLevel.MANDATORY,
    severity=Severity.HIGH,
    framework=FRAMEWORK,
    tags=["tls", "s3"],
    remediation_steps=(
        "Attach an aws.s3.BucketPolicy with a statement that denies s3:* to Principal '*' when "
        "aws:SecureTransport is false; with requireTlsVersion, also deny when s3:TlsVersion is "
        "NumericLessThan 1.2."
    ),
    url=section("encryption-in-transit"),
    config_schema=config_schema({
        "requireTlsVersion": {
            "type": "boolean",
            "description": "Also require a statement denying s3:TlsVersion below 1.2 (default false).",
        },
    }),
    validate=stack_validation(check),
)
