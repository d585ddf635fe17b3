"""Buckets AppFlow writes SaaS data to should be watched by Amazon Macie for sensitive data.

Covered, in the stack: Macie is enabled (an aws.macie2.Account or aws_native.macie.Session not
PAUSED) and a scheduled classification job that is not cancelled or paused names the bucket in its
bucketDefinitions (aws.macie2.ClassificationJob; aws-native has no classification job resource, so a
native stack adds the pulumi-aws one or relies on Macie run elsewhere). A one-time job runs once, at
creation, when the bucket AppFlow fills is still empty, so it does not count. A job that selects
buckets by bucketCriteria is not evaluated. When Macie runs outside the stack (organizationMacie),
each bucket is an external reference to verify, until it is listed under coveredBuckets. Values not
known yet (preview) count in the program's favour: the rule is advisory and never guesses.
"""

from pulumi_policy import EnforcementLevel, Severity, StackValidationPolicy

from ...core import types
from ...core.buckets import appflow_bucket_users
from ...core.rule_config import config_schema, optional_string, string_list
from ...core.metadata import DOCS_URL, FRAMEWORK
from ...core.reporting import stack_validation
from ...core.protection_fields import BUCKET_NAMES
from ...core.stack import StackView
from ...core.values import UNKNOWN, as_list, dig, text

READS = (types.S3_BUCKET_TYPES | types.FLOW_TYPES | types.CONNECTOR_PROFILE_TYPES | types.MACIE_ACCOUNT_TYPES
         | {types.MACIE_CLASSIFICATION_JOB})

ENFORCES = ("Use advanced managed security services such as Amazon Macie, which assists in discovering and securing "
            "sensitive data that is stored in Amazon S3.",)

STOPPED_JOBS = ("CANCELLED", "USER_PAUSED")


def macie_enabled(view: StackView) -> bool:
    """Whether the stack enables Macie: an account or session whose status is not PAUSED (unset is ENABLED)."""
    return any(view.props(account).get("status") != "PAUSED" for account in view.of_type(*types.MACIE_ACCOUNT_TYPES))


def job_buckets(view: StackView, job) -> tuple[set, set]:
    """(urns of the stack buckets a running job lists in bucketDefinitions, of those a one-time job lists)."""
    props = view.props(job)
    if props.get("jobStatus") in STOPPED_JOBS:
        return set(), set()
    definitions = dig(props, "s3JobDefinition", "bucketDefinitions")
    values = [UNKNOWN] if definitions is UNKNOWN else []
    for definition in as_list(definitions):
        buckets = dig(definition, "buckets")
        values.extend([UNKNOWN] if buckets is UNKNOWN else as_list(buckets))
    listed = {bucket.urn for value in values for bucket in view.resolve_buckets(job, "s3JobDefinition", value)}
    job_type = props.get("jobType")
    return (listed, set()) if job_type in ("SCHEDULED", UNKNOWN) else (set(), listed)


def bucket_names(view: StackView, bucket) -> set[str]:
    return {name for field in BUCKET_NAMES if (name := text(view.props(bucket).get(field)))}


def check(args, findings):
    config = args.get_config()
    elsewhere = optional_string(config, "organizationMacie")
    verified = set(string_list(config, "coveredBuckets"))
    view = StackView(args.resources)
    written = appflow_bucket_users(view, written=True)
    if not written:
        return
    scheduled, one_time = set(), {}
    for job in view.of_type(types.MACIE_CLASSIFICATION_JOB):
        running, once = job_buckets(view, job)
        scheduled |= running
        for urn in once:
            one_time.setdefault(urn, job.name)
    enabled = macie_enabled(view)
    for bucket, users in written.items():
        if bucket_names(view, bucket) & verified or (bucket.urn in scheduled and (enabled or elsewhere)):
            continue
        used_by = f"AppFlow writes to it ({', '.join(users)})"
        if elsewhere:
            findings.add(f"Amazon Macie runs outside this stack ({elsewhere}), so the pack could not verify that it "
                         f"covers this bucket; {used_by}. Verify that a scheduled classification job or automated "
                         "sensitive data discovery includes it, then list it under coveredBuckets.", bucket)
            continue
        gaps = []
        if not enabled:
            gaps.append("no enabled Macie account (aws.macie2.Account or aws_native.macie.Session) in the stack")
        if bucket.urn in one_time:
            gaps.append(f"only the one-time classification job '{one_time[bucket.urn]}' lists it, which runs before "
                        "AppFlow writes anything")
        elif bucket.urn not in scheduled:
            gaps.append("no scheduled aws.macie2.ClassificationJob lists it in s3JobDefinition.bucketDefinitions")
        findings.add(f"Amazon Macie does not watch the bucket for sensitive data: {'; '.join(gaps)}; {used_by}. "
                     "Add what is missing, or set organizationMacie if Macie runs for the organisation outside this "
                     "stack.", bucket)


POLICY = StackValidationPolicy(
    name="aws-appflow-s3-bucket-enable-macie",
    description="S3 buckets AppFlow writes to are covered by Amazon Macie (an enabled account and a scheduled job).",
    display_name="AppFlow buckets are watched by Amazon Macie",
    enforcement_level=EnforcementLevel.ADVISORY,
    severity=Severity.MEDIUM,
    framework=FRAMEWORK,
    tags=["s3", "macie", "sensitive-data"],
    remediation_steps=(
        "The AWS page asks: \"Use advanced managed security services such as Amazon Macie, which assists in "
        "discovering and securing sensitive data that is stored in Amazon S3.\" Add an aws.macie2.Account "
        "(status ENABLED; aws_native.macie.Session for aws-native) and an aws.macie2.ClassificationJob with "
        "job_type SCHEDULED whose s3_job_definition.bucket_definitions lists every bucket AppFlow writes to; "
        "if Macie runs for the organisation outside the stack, set organizationMacie and list each verified "
        "bucket under coveredBuckets."
    ),
    url=DOCS_URL,
    config_schema=config_schema({
        "organizationMacie": {
            "type": "string", "minLength": 1,
            "description": "Where Macie runs outside this stack (e.g. the delegated administrator account); "
                           "buckets are then reported as external references to verify.",
        },
        "coveredBuckets": {
            "type": "array", "items": {"type": "string", "minLength": 1},
            "description": "Bucket names verified as covered by Macie outside the stack.",
        },
    }),
    validate=stack_validation(check),
)
