"""A bucket policy grant to the AppFlow service must be tied to your account (confused deputy).

Asked as AWS evaluates the policy: does a statement that names appflow.amazonaws.com let AppFlow
act for an account the policy does not name (no aws:SourceAccount or aws:SourceArn that limits it,
and no Deny that stops it)? And does it grant every S3 action (``s3:*``, ``*``, a NotAction)
rather than the actions AppFlow needs?
"""

from pulumi_policy import EnforcementLevel, ResourceValidationPolicy, Severity

from ...core import types
from ...core.appflow_access import APPFLOW_SERVICE, mentions, names_appflow_service
from ...core.rule_config import config_schema
from ...core.metadata import FRAMEWORK, section
from ...core.policy_evaluation import (RESOURCE, Decision, Outsider, Policy, Request, Statement, evaluate,
                                       grants_outside, parse_policy)
from ...core.reporting import resource_validation
from ...core.protection_fields import document_field
from ...core.values import plain

READS = types.S3_BUCKET_POLICY_TYPES
ENFORCES = (
    "That way, each user is given only the permissions necessary to fulfill their job duties.",
)

# An S3 action no one names: a pattern that matches it covers every S3 action.
_ANY_S3_ACTION = "s3:\u2400"


def covers_every_s3_action(pattern) -> bool:
    if not isinstance(pattern, str):
        return False
    probe = Policy((Statement(index=0, sid="", effect="Allow", actions=(pattern,)),))
    return evaluate(probe, Request(_ANY_S3_ACTION, None)) is Decision.ALLOW


def check(args, findings):
    raw = plain(args.props).get(document_field(args.resource_type))
    policy = parse_policy(raw, RESOURCE)
    if policy.invalid:
        if mentions(raw, APPFLOW_SERVICE):
            findings.add(f"The bucket policy is not a policy AWS accepts ({policy.invalid}).")
        return
    unscoped = {grant.statement.index for grant in grants_outside(policy).grants
                if grant.outsider is Outsider.SERVICE and names_appflow_service(grant.statement)}
    for statement in policy.statements:
        if not statement.allows or not names_appflow_service(statement):
            continue
        label = f"statement {statement.sid or statement.index}"
        if statement.index in unscoped:
            findings.add(f"{label} grants appflow.amazonaws.com without an aws:SourceAccount or aws:SourceArn condition.")
        if statement.not_actions is not None:
            excepted = ", ".join(action for action in statement.not_actions if isinstance(action, str))
            findings.add(f"{label} grants appflow.amazonaws.com every action but {excepted} (NotAction); "
                         "list the actions AppFlow needs.")
        broad = [action for action in statement.actions or () if covers_every_s3_action(action)]
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
