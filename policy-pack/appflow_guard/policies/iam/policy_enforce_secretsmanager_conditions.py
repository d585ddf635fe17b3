"""IAM policies for AppFlow may create and share secrets only as AppFlow does (the AWS page's policy).

Asked as AWS evaluates the policy: is secretsmanager:CreateSecret allowed only when the secret's
name starts with ``appflow!`` and the call comes through AppFlow (aws:CalledVia
appflow.amazonaws.com: the seed's excerpt lost the service principal), and
secretsmanager:PutResourcePolicy only on secrets AppFlow owns and through AppFlow? Each Allow
statement is asked with the policy's Deny statements, so a finding names the statement to fix.
"""

from functools import lru_cache

from pulumi_policy import EnforcementLevel, ResourceValidationPolicy, Severity

from ...core import types
from ...core.appflow_access import APPFLOW_SERVICE, for_appflow
from ...core.rule_config import config_schema
from ...core.metadata import FRAMEWORK, section
from ...core.policy_evaluation import (IDENTITY, Answer, Policy, Request, Statement, allowed_only_when,
                                       parse_policy, statement_applies)
from ...core.reporting import resource_validation
from ...core.protection_fields import policy_documents
from ...core.values import plain

READS = types.IAM_TYPES
ENFORCES = (
    "That way, each user is given only the permissions necessary to fulfill their job duties.",
    "To create a new connection, grant the following permissions to any custom IAM policies.",
)

OWNER_KEY = "secretsmanager:ResourceTag/aws:secretsmanager:owningService"
CALLED_VIA_APPFLOW = {"ForAnyValue:StringEquals": {"aws:CalledVia": APPFLOW_SERVICE}}
# (action, the condition AWS's policy puts on it, what a statement that lacks it does)
REQUIREMENTS = (
    ("secretsmanager:CreateSecret", {"StringLike": {"secretsmanager:Name": "appflow!*"}},
     "allows secretsmanager:CreateSecret without limiting secretsmanager:Name to 'appflow!*'"),
    ("secretsmanager:CreateSecret", CALLED_VIA_APPFLOW,
     f"allows secretsmanager:CreateSecret without aws:CalledVia {APPFLOW_SERVICE}"),
    ("secretsmanager:PutResourcePolicy", {"StringEqualsIgnoreCase": {OWNER_KEY: "appflow"}},
     "allows secretsmanager:PutResourcePolicy on secrets not owned by AppFlow (owningService condition missing)"),
    ("secretsmanager:PutResourcePolicy", CALLED_VIA_APPFLOW,
     f"allows secretsmanager:PutResourcePolicy without aws:CalledVia {APPFLOW_SERVICE}"),
)


@lru_cache(maxsize=1024)
def statement_problems(statement: Statement, denies: tuple, variables: bool) -> tuple[str, ...]:
    """What one Allow statement, with the policy's Deny statements, lets through. Cached: the same
    operator policy is often attached to many roles, and the answer depends on nothing else."""
    label = f"statement {statement.sid}" if statement.sid else "a statement"
    alone = Policy((statement,) + denies, variables=variables)
    problems = []
    for action, required, problem in REQUIREMENTS:
        if statement_applies(statement, Request(action, None, complete=False), variables) is False:
            continue  # the statement does not allow the action at all
        if allowed_only_when(alone, action, None, required).answer is Answer.NO:
            problems.append(f"{label} {problem}")
    return tuple(problems)


def policy_problems(policy: Policy) -> list[str]:
    denies = tuple(statement for statement in policy.statements if not statement.allows)
    return [problem for statement in policy.statements if statement.allows
            for problem in statement_problems(statement, denies, policy.variables)]


def check(args, findings):
    # pulumi-aws: policy (JSON text), a role's inlinePolicies[].policy; aws-native: policyDocument
    # (an object), a role's policies[].policyDocument.
    for field, raw in policy_documents(args.resource_type, plain(args.props)):
        policy = parse_policy(raw, IDENTITY)
        if not for_appflow(policy, raw):
            continue
        if policy.invalid:
            findings.add(f"{field}: not a policy AWS accepts ({policy.invalid}).")
        for problem in policy_problems(policy):
            findings.add(f"{field}: {problem}.")


POLICY = ResourceValidationPolicy(
    name="aws-appflow-iam-policy-enforce-secretsmanager-conditions",
    description="IAM policies that grant AppFlow actions scope Secrets Manager access to AppFlow's own secrets.",
    display_name="AppFlow IAM policies scope Secrets Manager",
    enforcement_level=EnforcementLevel.MANDATORY,
    severity=Severity.HIGH,
    framework=FRAMEWORK,
    tags=["iam", "credentials"],
    remediation_steps=(
        "Limit secretsmanager:CreateSecret with StringLike secretsmanager:Name 'appflow!*' and "
        "ForAnyValue:StringEquals aws:CalledVia 'appflow.amazonaws.com'; limit "
        "secretsmanager:PutResourcePolicy with StringEqualsIgnoreCase "
        "secretsmanager:ResourceTag/aws:secretsmanager:owningService 'appflow' and the same aws:CalledVia."
    ),
    url=section("connection-credentials"),
    config_schema=config_schema(),
    validate=resource_validation(check, READS),
)
