"""IAM users the stack gives a password or access keys must use MFA ("Use multi-factor authentication
(MFA) with each account").

In a stack with AppFlow resources, each user with a login profile (console) or an active access key
must be denied, by a policy attached to it or to a group it is in, what it may do when the request
was made without MFA. Asked as AWS evaluates the policies: a console session signed in without MFA
carries aws:MultiFactorAuthPresent "false"; a request signed with a long-term access key carries no
such key at all, so a ``Bool`` condition does not deny it (``BoolIfExists`` does). The requests
tried are AppFlow's actions and those that reach the data AppFlow moves (S3 objects, secrets, KMS
decryption), each on a resource no policy names. A permissions boundary that allows them only with
MFA counts too (what it does not allow, no policy can). AWS managed policies deny nothing.
"""

from pulumi_policy import EnforcementLevel, Severity, StackValidationPolicy

from ...core import types
from ...core.rule_config import config_schema
from ...core.iam_graph import IamGraph
from ...core.metadata import DOCS_URL, FRAMEWORK
from ...core.policy_evaluation import ABSENT, IDENTITY, Decision, Request, evaluate, parse_policy
from ...core.reporting import stack_validation
from ...core.stack import StackView

READS = types.IAM_GRAPH_TYPES | types.APPFLOW_RESOURCE_TYPES

ENFORCES = (
    "For data protection purposes, we recommend that you protect AWS account credentials and set up individual "
    "users with AWS IAM Identity Center or AWS Identity and Access Management (IAM).",
    "Use multi-factor authentication (MFA) with each account.",
)

UNNAMED = "\u2400"  # a name no policy pattern spells out: only a wildcard matches it
# (what a finding calls it, action, resource)
REQUESTS = (
    ("appflow:*", f"appflow:{UNNAMED}", f"arn:aws:appflow:{UNNAMED}:{UNNAMED}:flow/{UNNAMED}"),
    ("s3:GetObject", "s3:GetObject", f"arn:aws:s3:::{UNNAMED}/{UNNAMED}"),
    ("secretsmanager:GetSecretValue", "secretsmanager:GetSecretValue",
     f"arn:aws:secretsmanager:{UNNAMED}:{UNNAMED}:secret:{UNNAMED}"),
    ("kms:Decrypt", "kms:Decrypt", f"arn:aws:kms:{UNNAMED}:{UNNAMED}:key/{UNNAMED}"),
)
MFA_KEY = "aws:MultiFactorAuthPresent"
# How a request without MFA looks, per way of signing in.
WITHOUT_MFA = {"console": {MFA_KEY: "false"}, "keys": {MFA_KEY: ABSENT}}


def not_denied(attached, boundary, context) -> tuple[list[str], bool, list[str]]:
    """(requests that neither an attached policy denies nor the permissions boundary leaves out
    without MFA, whether an in-stack document was not known, ARNs of policies managed outside the stack)."""
    missing, unknown = [], False
    outside = sorted({item.outside for item in attached + boundary if item.outside})
    policies = [parse_policy(item.document.raw, IDENTITY) for item in attached if item.document is not None]
    limits = [parse_policy(item.document.raw, IDENTITY) for item in boundary if item.document is not None]
    for label, action, resource in REQUESTS:
        request = Request(action, resource, None, context, complete=False)
        decisions = {evaluate(policy, request) for policy in policies}
        capped = {evaluate(policy, request) for policy in limits}
        if Decision.EXPLICIT_DENY in decisions or capped & {Decision.EXPLICIT_DENY, Decision.IMPLICIT_DENY}:
            continue
        missing.append(label)
        unknown = unknown or Decision.UNDECIDABLE in decisions | capped
    return missing, unknown, outside


def access_text(graph, user) -> str:
    parts = []
    if graph.console.get(user):
        parts.append(f"console access ({', '.join(resource.name for resource in graph.console[user])})")
    if graph.keys.get(user):
        parts.append(f"access keys ({', '.join(resource.name for resource in graph.keys[user])})")
    return " and ".join(parts)


def gaps(graph, user):
    """{way of signing in: requests not denied without MFA} and the outside policies attached; None
    when an attached policy or a membership is not known yet (the update tells)."""
    attached, complete = graph.effective(user)
    boundary, boundary_known = graph.boundary(user)
    complete = complete and boundary_known
    found, outside = {}, set()
    for way, context in WITHOUT_MFA.items():
        if (graph.console if way == "console" else graph.keys).get(user):
            missing, unknown, elsewhere = not_denied(attached, boundary, context)
            if missing and (unknown or not complete):
                return None
            found[way] = missing
            outside.update(elsewhere)
    return found, outside


def check(args, findings):
    view = StackView(args.resources)
    if not view.has_appflow():
        args.not_applicable("the stack has no AppFlow resources")
    graph = IamGraph(view)
    for user in graph.users_with_access():
        answer = gaps(graph, user)
        if answer is None:
            continue
        found, outside = answer
        problems = []
        if found.get("console"):
            problems.append(f"{', '.join(found['console'])} when its console session was signed in without MFA")
        if found.get("keys"):
            hint = (f" (a Bool condition on {MFA_KEY} does not match access-key requests, which do not carry "
                    "the key: use BoolIfExists)") if found.get("console") == [] else ""
            problems.append(f"{', '.join(found['keys'])} for requests signed with its access keys{hint}")
        if not problems:
            continue
        unseen = []
        if user.resource is None:
            unseen.append("the user is managed outside this stack")
        if outside:
            unseen.append(f"policies managed outside this stack are attached ({', '.join(sorted(outside))})")
        verdict = (f"cannot be checked here ({'; '.join(unseen)}): verify that a policy denies"
                   if unseen else "no policy attached to the user or its groups denies")
        findings.add(f"IAM {user.label} has {access_text(graph, user)}; {verdict} {'; nor '.join(problems)}. "
                     "Attach to the user or its group a policy that denies every action but managing its own MFA "
                     f"device with the condition BoolIfExists {MFA_KEY} false; for people, use IAM Identity Center "
                     "users instead of IAM users.", user.resource or (graph.console.get(user) or graph.keys[user])[0])


POLICY = StackValidationPolicy(
    name="aws-appflow-iam-user-enforce-mfa",
    description="IAM users with a password or access keys in stacks with AppFlow resources are denied access without MFA.",
    display_name="AppFlow stacks' IAM users use MFA",
    enforcement_level=EnforcementLevel.ADVISORY,
    severity=Severity.HIGH,
    framework=FRAMEWORK,
    tags=["iam", "mfa", "credentials"],
    remediation_steps=(
        "The AWS page asks: 'Use multi-factor authentication (MFA) with each account' and 'set up individual users "
        "with AWS IAM Identity Center'. Give people IAM Identity Center users; for an IAM user that keeps a "
        "password or access keys, attach (to it or its group) a policy that denies every action except managing "
        "its own MFA device with the condition BoolIfExists aws:MultiFactorAuthPresent false."
    ),
    url=DOCS_URL,
    config_schema=config_schema(),
    validate=stack_validation(check),
)
