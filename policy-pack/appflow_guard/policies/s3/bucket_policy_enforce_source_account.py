"""A bucket policy grant to the AppFlow service must be tied to your account (confused deputy)."""

from pulumi_policy import EnforcementLevel, ResourceValidationPolicy, Severity

from ...core import types
from ...core.config import config_schema
from ...core.documents import grants_appflow_service, has_source_condition, parse_document
from ...core.metadata import FRAMEWORK, section
from ...core.reporting import resource_validation
from ...core.shapes import document_field
from ...core.values import plain

READS = types.S3_BUCKET_POLICY_TYPES


def check(args, findings):
    document = parse_document(plain(args.props).get(document_field(args.resource_type)))
    for index, statement in enumerate(document.statements):
        if not grants_appflow_service(statement):
            continue
        label = f"statement {statement.sid or index}"
        if not has_source_condition(statement):
            findings.add(f"{label} grants appflow.amazonaws.com without an aws:SourceAccount or aws:SourceArn condition.")
        broad = [action for action in statement.actions if action.lower() in ("s3:*", "*")]
        if broad:
            findings.add(f"{label} grants appflow.amazonaws.com {', '.join(broad)}; list the actions AppFlow needs.")


POLICY = ResourceValidationPolicy(
    name="aws-appflow-s3-bucket-policy-enforce-source-account",
    description="Bucket policies that grant appflow.amazonaws.com limit the grant to your account and to named actions.",
    display_name="AppFlow bucket grants are scoped",
    enforcement_level=EnforcementLevel.MANDATORY,
    severity=Severity.HIGH,
    framework=FRAMEWORK,
    tags=["s3", "iam"],
    remediation_steps=(
        "Add a condition StringEquals aws:SourceAccount (or ArnLike aws:SourceArn for your flows) to "
        "the statement that grants appflow.amazonaws.com, and list the actions AppFlow needs "
        "(for a destination: s3:PutObject, s3:AbortMultipartUpload, s3:ListMultipartUploadParts, "
        "s3:ListBucketMultipartUploads, s3:GetBucketAcl, s3:PutObjectAcl) instead of s3:*."
    ),
    url=section("encryption-at-rest"),
    config_schema=config_schema(),
    validate=resource_validation(check, READS),
)
