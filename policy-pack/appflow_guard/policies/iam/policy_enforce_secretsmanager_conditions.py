"""IAM policies for AppFlow may create and share secrets only as AppFlow does (the AWS page's policy)."""

from dataclasses import replace

from pulumi_policy import EnforcementLevel, ResourceValidationPolicy, Severity

from ...core import types
from ...core.config import config_schema
from ...core.documents import APPFLOW_SERVICE, parse_document
from ...core.metadata import FRAMEWORK, section
from ...core.reporting import resource_validation
from ...core.shapes import policy_documents
from ...core.values import plain

READS = types.IAM_TYPES


def _limiting_values(statement, operator_suffix: str, key: str) -> list[str]:
    """Condition values that limit requests: ForAllValues also matches a request without the key
    (a direct call has no aws:CalledVia, a secret may lack the owningService tag), so it is skipped."""
    limiting = replace(statement, conditions={operator: block for operator, block in statement.conditions.items()
                                              if not str(operator).lower().startswith("forallvalues:")})
    return limiting.condition_values(operator_suffix, key)


def _called_via_appflow(statement) -> bool:
    return APPFLOW_SERVICE in _limiting_values(statement, "StringEquals", "aws:CalledVia")


def statement_problems(statement) -> list[str]:
    label = f"statement {statement.sid}" if statement.sid else "a statement"
    problems = []
    if statement.grants("secretsmanager:CreateSecret"):
        names = statement.condition_values("StringLike", "secretsmanager:Name")
        if not names or not all(name.startswith("appflow!") for name in names):
            problems.append(f"{label} allows secretsmanager:CreateSecret without limiting secretsmanager:Name to 'appflow!*'")
        if not _called_via_appflow(statement):
            problems.append(f"{label} allows secretsmanager:CreateSecret without aws:CalledVia {APPFLOW_SERVICE}")
    if statement.grants("secretsmanager:PutResourcePolicy"):
        owners = _limiting_values(
            statement, "StringEqualsIgnoreCase", "secretsmanager:ResourceTag/aws:secretsmanager:owningService")
        if [owner.lower() for owner in owners] != ["appflow"]:
            problems.append(f"{label} allows secretsmanager:PutResourcePolicy on secrets not owned by AppFlow "
                            "(owningService condition missing)")
        if not _called_via_appflow(statement):
            problems.append(f"{label} allows secretsmanager:PutResourcePolicy without aws:CalledVia {APPFLOW_SERVICE}")
    return problems


def check(args, findings):
    # pulumi-aws: policy (JSON text), a role's inlinePolicies[].policy; aws-native: policyDocument
    # (an object), a role's policies[].policyDocument.
    for field, raw in policy_documents(args.resource_type, plain(args.props)):
        document = parse_document(raw)
        allows = [statement for statement in document.statements if statement.allows]
        if not any(action.lower().startswith("appflow:") for statement in allows for action in statement.actions):
            continue
        for statement in allows:
            for problem in statement_problems(statement):
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
