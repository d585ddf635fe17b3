"""Buckets AppFlow reads or writes must refuse requests that do not use TLS.

Asked as AWS evaluates a bucket policy: is every request AppFlow makes (bucket requests on
``arn:aws:s3:::bucket``, object requests on ``arn:aws:s3:::bucket/*``), by any principal, without
TLS explicitly denied? A deny on the bucket's ARN alone leaves every object request open.
"""

from pulumi_policy import EnforcementLevel, Severity, StackValidationPolicy

from ...core import types
from ...core.appflow_access import S3_BUCKET_ACTIONS, S3_OBJECT_ACTIONS
from ...core.buckets import appflow_bucket_users
from ...core.rule_config import boolean, config_schema
from ...core.metadata import FRAMEWORK, section
from ...core.policy_evaluation import RESOURCE, Answer, Policy, ResourcesUnder, denies_every_request, parse_policy
from ...core.reporting import stack_validation
from ...core.protection_fields import BUCKET_NAMES, document_field
from ...core.stack import StackView
from ...core.values import text

READS = types.S3_BUCKET_TYPES | types.S3_BUCKET_POLICY_TYPES | types.FLOW_TYPES | types.CONNECTOR_PROFILE_TYPES
ENFORCES = (
    "Use SSL/TLS to communicate with AWS resources.",
    "We require TLS 1.2 and recommend TLS 1.3.",
)

# Each question: the finding when no AppFlow request is denied, how a partial deny is named, and
# the request contexts to deny. A request over TLS 1.0 or 1.1 is a secure-transport request below
# the version AppFlow requires.
WITHOUT_TLS = ("No bucket policy denies requests with aws:SecureTransport false", "aws:SecureTransport false",
               ({"aws:SecureTransport": False},))
OLD_TLS = ("No bucket policy denies s3:TlsVersion below 1.2", "s3:TlsVersion below 1.2",
           tuple({"aws:SecureTransport": True, "s3:TlsVersion": version} for version in ("1.0", "1.1")))


def bucket_arn(props: dict) -> str | None:
    """The bucket's ARN (known after create) or the one its name makes; None before either is known."""
    arn = text(props.get("arn"))
    if arn and arn.startswith("arn:"):
        return arn
    name = next((value for field in BUCKET_NAMES if (value := text(props.get(field)))), None)
    return f"arn:aws:s3:::{name}" if name else None


def appflow_requests(arn: str | None) -> list[tuple[str, object]]:
    """(action, resource) of every request AppFlow makes on the bucket; with the ARN not known
    yet, on every bucket and object (a deny that covers those covers this bucket too)."""
    bucket = arn if arn else ResourcesUnder("arn:aws:s3:::")
    objects = ResourcesUnder(f"{arn}/") if arn else ResourcesUnder("arn:aws:s3:::")
    return [(action, bucket) for action in S3_BUCKET_ACTIONS] + [(action, objects) for action in S3_OBJECT_ACTIONS]


def merged(policies: list[Policy]) -> list[Policy]:
    """The statements of several policies as one (a deny in any of them denies), grouped by
    whether their Version reads policy variables."""
    groups: dict[bool, list] = {}
    for policy in policies:
        groups.setdefault(policy.variables, []).extend(policy.statements)
    return [Policy(tuple(statements), variables=variables) for variables, statements in groups.items()]


def not_denied(policies: list[Policy], requests: list, contexts: tuple) -> list | None:
    """The requests that some request with one of ``contexts`` gets through undenied; None when
    a part of a policy that decides it is not known yet."""
    missing = []
    undecidable = False
    for action, resource in requests:
        answers = [[denies_every_request(policy, action, resource, context) for policy in policies]
                   for context in contexts]
        if all(Answer.YES in answer for answer in answers):
            continue
        if any(Answer.UNDECIDABLE in answer for answer in answers):
            undecidable = True
        else:
            missing.append((action, resource))
    return None if undecidable and not missing else missing


def describe(missing: list) -> str:
    """'s3:ListBucket on arn:aws:s3:::b and s3:GetObject, s3:PutObject on arn:aws:s3:::b/*'."""
    by_resource: dict[str, list[str]] = {}
    for action, resource in missing:
        where = f"{resource.prefix}*" if isinstance(resource, ResourcesUnder) else resource
        by_resource.setdefault(where, []).append(action)
    return " and ".join(f"{', '.join(actions)} on {where}" for where, actions in by_resource.items())


def check(args, findings):
    require_version = boolean(args.get_config(), "requireTlsVersion", False)
    view = StackView(args.resources)
    for bucket, users in appflow_bucket_users(view).items():
        used_by = f"AppFlow uses it ({', '.join(users)})"
        policies = []
        for holder in view.attached(bucket, types.S3_BUCKET_POLICY_TYPES):
            policy = parse_policy(view.props(holder).get(document_field(holder.resource_type)), RESOURCE)
            if policy.invalid:
                findings.add(f"Bucket policy '{holder.name}' is not a policy AWS accepts ({policy.invalid}); "
                             f"it denies nothing.", holder)
            else:
                policies.append(policy)
        if any(policy.unknown for policy in policies):
            continue
        arn = bucket_arn(view.props(bucket))
        # Without the bucket's ARN, only a policy with no Deny at all surely leaves it open.
        decidable = arn is not None or not any(not statement.allows for policy in policies
                                               for statement in policy.statements)
        requests = appflow_requests(arn)
        questions = [WITHOUT_TLS] + ([OLD_TLS] if require_version else [])
        for nothing_denied, condition, contexts in questions:
            missing = not_denied(merged(policies), requests, contexts)
            if missing is None or (missing and not decidable):
                continue  # decided at update, when the policy and the bucket's name are known
            if len(missing) == len(requests):
                findings.add(f"{nothing_denied}; {used_by}.", bucket)
            elif missing:
                findings.add(f"No bucket policy denies {describe(missing)} with {condition}; {used_by}.", bucket)


POLICY = StackValidationPolicy(
    name="aws-appflow-s3-bucket-enforce-tls-only",
    description="S3 buckets AppFlow reads or writes deny requests that do not use TLS.",
    display_name="AppFlow buckets require TLS",
    enforcement_level=EnforcementLevel.MANDATORY,
    severity=Severity.HIGH,
    framework=FRAMEWORK,
    tags=["tls", "s3"],
    remediation_steps=(
        "Attach an aws.s3.BucketPolicy with a statement that denies s3:* to Principal '*' on both the "
        "bucket's ARN and its objects (arn:aws:s3:::bucket/*) when aws:SecureTransport is false; with "
        "requireTlsVersion, also deny when s3:TlsVersion is NumericLessThan 1.2."
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
