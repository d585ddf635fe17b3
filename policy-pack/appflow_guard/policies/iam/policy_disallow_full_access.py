"""IAM policies in a stack with AppFlow resources do not give users, groups or roles every AppFlow
action, or every action, on every resource ("each user is given only the permissions necessary to
fulfill their job duties").

Asked as AWS evaluates each Allow statement with the document's Deny statements: is an AppFlow
action that no pattern spells out (only ``appflow:*``, ``*`` or a NotAction reaches it) allowed on a
flow and on a connector profile of any account and region? Every document counts: inline ones
(UserPolicy, GroupPolicy, RolePolicy, a role's or an aws-native principal's own policies) and
customer managed ones, attached in the stack or not (a managed policy is there to be attached).
AWS managed policies attached by ARN are known by name. ``fullAccessPrincipals`` names the users,
groups and roles that may hold such access; a grant is reported unless every holder is one of them.
"""

from pulumi_policy import EnforcementLevel, Severity, StackValidationPolicy

from ...core import types
from ...core.rule_config import config_schema, string_list
from ...core.iam_graph import IamGraph
from ...core.metadata import DOCS_URL, FRAMEWORK
from ...core.policy_evaluation import IDENTITY, Decision, Policy, Request, evaluate, parse_policy
from ...core.reporting import stack_validation
from ...core.stack import StackView
from ...core.values import text

READS = types.IAM_GRAPH_TYPES | types.APPFLOW_RESOURCE_TYPES

ENFORCES = ("That way, each user is given only the permissions necessary to fulfill their job duties.",)

UNNAMED = "\u2400"  # a name no policy pattern spells out: only a wildcard matches it
APPFLOW_PROBES = tuple((f"appflow:{UNNAMED}", f"arn:aws:appflow:{UNNAMED}:{UNNAMED}:{kind}/{UNNAMED}")
                       for kind in ("flow", "connectorprofile"))
EVERYTHING_PROBE = (f"{UNNAMED}:{UNNAMED}", f"arn:aws:{UNNAMED}:{UNNAMED}:{UNNAMED}:{UNNAMED}")

# AWS managed policies that give every AppFlow action on every resource (their documents, as AWS
# publishes them in the AWS Managed Policy Reference).
FULL_ACCESS_MANAGED = {
    "AdministratorAccess": "every action (*) on every resource",
    "AmazonAppFlowFullAccess": "every AppFlow action (appflow:*) on every resource",
    "PowerUserAccess": "every action but IAM, Organizations and Account management on every resource",
}
FLOW_ACTIONS = "appflow:DescribeFlow, appflow:DescribeFlowExecutionRecords, appflow:StartFlow and appflow:StopFlow"
FLOW_NAME_FIELDS = ("name", "flowName")   # pulumi-aws, aws-native
SHOWN_FLOWS = 3                           # a message names a few flows, not every flow of a large stack


def allowed(policy: Policy, action: str, resource: str) -> bool:
    return evaluate(policy, Request(action, resource, None, {}, complete=False)) is Decision.ALLOW


def full_access(statement, denies, variables) -> str | None:
    """What an Allow statement, with the document's Deny statements, gives on every resource."""
    alone = Policy((statement,) + denies, variables=variables)
    if allowed(alone, *EVERYTHING_PROBE) and all(allowed(alone, *probe) for probe in APPFLOW_PROBES):
        return "every action on every resource"
    if all(allowed(alone, *probe) for probe in APPFLOW_PROBES):
        return "every AppFlow action on every resource"
    return None


def narrower(view) -> str:
    names = [text(view.props(flow).get(field)) for flow in view.of_type(*types.FLOW_TYPES)
             for field in FLOW_NAME_FIELDS if field in view.props(flow)]
    arns = ", ".join(f"arn:aws:appflow:<region>:<account>:flow/{name or '<flow-name>'}"
                     for name in names[:SHOWN_FLOWS]) or "arn:aws:appflow:<region>:<account>:flow/<flow-name>"
    if len(names) > SHOWN_FLOWS:
        arns += f" and the {len(names) - SHOWN_FLOWS} other flows of the stack"
    return f"grant only the AppFlow actions the job needs (for people who run flows: {FLOW_ACTIONS}) on {arns}"


def holder_text(holders, unsure: bool) -> str:
    labels = list(dict.fromkeys(principal.label for principal, _ in holders))
    if unsure:
        labels.append("principals not known until the update")
    return ", ".join(labels) if labels else "whoever it is attached to (no user, group or role of this stack)"


def check(args, findings):
    may_hold = string_list(args.get_config(), "fullAccessPrincipals")
    view = StackView(args.resources)
    if not view.has_appflow():
        args.not_applicable("the stack has no AppFlow resources")
    graph = IamGraph(view)
    fix = narrower(view)
    for document in graph.documents():
        policy = parse_policy(document.raw, IDENTITY)
        if policy.unknown or policy.invalid:
            continue  # not known until the update; a document AWS refuses grants nothing
        holders = graph.holders.get(document.urn, [])
        unsure = document.urn in graph.unsure_holders
        others = [(principal, via) for principal, via in holders if not principal.matches(may_hold)]
        if not others and (holders or unsure) and (may_hold or not unsure):
            continue  # every holder may hold full access (or one not known yet might)
        denies = tuple(statement for statement in policy.statements if not statement.allows)
        for statement in policy.statements:
            if not statement.allows or statement.unknown:
                continue
            what = full_access(statement, denies, policy.variables)
            if what:
                label = f"statement {statement.sid}" if statement.sid else f"statement {statement.index}"
                findings.add(f"{document.field}: {label} grants {what} to {holder_text(others, unsure)}; {fix}.",
                             document.holder)
    reported = {}
    for principal, item in graph.attachments_of_aws_managed():
        if item.aws_managed in FULL_ACCESS_MANAGED and not principal.matches(may_hold):
            reported.setdefault((item.via.urn, item.field, item.aws_managed), (item.via, []))[1].append(principal)
    for (_, field, name), (via, principals) in reported.items():
        labels = ", ".join(dict.fromkeys(principal.label for principal in principals))
        findings.add(f"{field}: attaches the AWS managed policy {name} ({FULL_ACCESS_MANAGED[name]}) to {labels}; "
                     f"{fix}.", via)


POLICY = StackValidationPolicy(
    name="aws-appflow-iam-policy-disallow-full-access",
    description="IAM policies in stacks with AppFlow resources give no principal every AppFlow action, or every action, on every resource.",
    display_name="AppFlow stacks' IAM policies grant least privilege",
    enforcement_level=EnforcementLevel.ADVISORY,
    severity=Severity.MEDIUM,
    framework=FRAMEWORK,
    tags=["iam", "least-privilege"],
    remediation_steps=(
        "The AWS page asks that 'each user is given only the permissions necessary to fulfill their job duties'. "
        "Replace appflow:*, * and AmazonAppFlowFullAccess or AdministratorAccess with the AppFlow actions the job "
        "needs on the flows and connector profiles it works with (for example appflow:StartFlow on the flow's "
        "ARN), or name in fullAccessPrincipals the few principals that must hold full access."
    ),
    url=DOCS_URL,
    config_schema=config_schema({
        "fullAccessPrincipals": {
            "type": "array", "items": {"type": "string", "minLength": 1},
            "description": ("IAM users, groups and roles (IAM name or Pulumi logical name, glob patterns allowed) "
                            "that may hold every AppFlow action or every action on every resource, such as a "
                            "break-glass administrator role."),
        },
    }),
    validate=stack_validation(check),
)
