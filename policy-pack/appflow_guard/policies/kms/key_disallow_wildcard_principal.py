"""A key policy that lets anyone use the key, or lets AppFlow use it for any account, defeats the CMK.

Asked as AWS evaluates the key policy: which Allow statements, not stopped by a Deny, let someone
outside the accounts the policy names use the key? A wildcard principal counts only for whom its
conditions let in: limited by kms:CallerAccount, aws:PrincipalAccount or a source account it
grants nobody outside; limited by aws:PrincipalOrgID or aws:PrincipalOrgPaths it shares the key
within an organization, accepted unless ``allowOrganizationWildcard`` is false.
"""

from pulumi_policy import EnforcementLevel, Severity, StackValidationPolicy

from ...core import types
from ...core.appflow_access import names_appflow_service
from ...core.rule_config import boolean, config_schema
from ...core.metadata import FRAMEWORK, section
from ...core.policy_evaluation import RESOURCE, Outsider, Policy, grants_outside, parse_policy
from ...core.reporting import stack_validation
from ...core.protection_fields import document_field
from ...core.stack import StackView

# Keys are found through what AppFlow resources, buckets and secrets point at.
READS = (types.KMS_KEY_TYPES | {types.KMS_KEY_POLICY} | types.KMS_ALIAS_TYPES | types.APPFLOW_TYPES
         | types.S3_BUCKET_TYPES | types.S3_ENCRYPTION_TYPES | types.SECRET_TYPES)
ENFORCES = (
    "We recommend that you use a customer managed CMK, as it puts you in full control over your "
    "encrypted data.",
    "When you choose a customer managed CMK, Amazon AppFlow attaches a resource policy to the CMK "
    "that grants it access to the CMK.",
)

# Reasons parse_policy gives for a document that is not a policy document at all.
_NOT_A_DOCUMENT = ("not a JSON object", "no Statement list")


def _names_wildcard(statement) -> bool:
    principals = statement.principals
    return principals == "*" or (isinstance(principals, dict) and "*" in principals.get("AWS", ()))


def key_policy_problems(policy: Policy, allow_organization: bool = True) -> list[str]:
    reach: dict[int, set] = {}
    for grant in grants_outside(policy).grants:
        reach.setdefault(grant.statement.index, set()).add(grant.outsider)
    problems = []
    for statement in policy.statements:
        outsiders = reach.get(statement.index, set())
        label = f"statement {statement.sid or statement.index}"
        if _names_wildcard(statement):
            beyond_organization = outsiders - {Outsider.ORGANIZATION}
            if beyond_organization and not statement.conditions:
                problems.append(f"{label} allows Principal '*' without a condition")
            elif beyond_organization:
                problems.append(f"{label} allows Principal '*' with conditions that do not limit it to your account "
                                "or organization")
            elif Outsider.ORGANIZATION in outsiders and not allow_organization:
                problems.append(f"{label} allows Principal '*' to every account of an organization "
                                "(allowOrganizationWildcard is false)")
        if names_appflow_service(statement) and Outsider.SERVICE in outsiders:
            problems.append(f"{label} grants appflow.amazonaws.com without an aws:SourceAccount or aws:SourceArn condition")
    return problems


def check(args, findings):
    allow_organization = boolean(args.get_config(), "allowOrganizationWildcard", True)
    view = StackView(args.resources)
    appflow_keys = view.appflow_keys()
    for key in appflow_keys:
        field = document_field(key.resource_type)  # policy (JSON text) or keyPolicy (aws-native, an object)
        documents = [(field, key, view.props(key).get(field))]
        documents += [("key policy", attached, view.props(attached).get("policy"))
                      for attached in view.dependents(key, "keyId", types.KMS_KEY_POLICY)]
        for label, holder, raw in documents:
            if raw is None:
                continue
            policy = parse_policy(raw, RESOURCE)
            if policy.invalid in _NOT_A_DOCUMENT:
                findings.add(f"The {label} of key '{key.name}' is not a valid JSON policy document.", holder)
            elif policy.invalid:
                findings.add(f"The {label} of key '{key.name}' is not a policy AWS accepts ({policy.invalid}).", holder)
            for problem in key_policy_problems(policy, allow_organization):
                findings.add(f"The {label} of key '{key.name}': {problem}.", holder)


POLICY = StackValidationPolicy(
    name="aws-appflow-kms-key-disallow-wildcard-principal",
    description="Key policies of keys that protect AppFlow data grant no wildcard principal and scope AppFlow's grant to your account.",
    display_name="AppFlow key policies are scoped",
    enforcement_level=EnforcementLevel.MANDATORY,
    severity=Severity.HIGH,
    framework=FRAMEWORK,
    tags=["encryption", "kms", "iam"],
    remediation_steps=(
        "Replace Principal '*' with the account or roles that need the key, or limit it with "
        "kms:CallerAccount or aws:PrincipalAccount (aws:PrincipalOrgID to share within your "
        "organization); give the appflow.amazonaws.com statement an aws:SourceAccount (or aws:SourceArn) "
        "condition so AppFlow can use the key only on behalf of your account."
    ),
    url=section("key-management"),
    config_schema=config_schema({
        "allowOrganizationWildcard": {
            "type": "boolean",
            "description": "Accept Principal '*' limited by aws:PrincipalOrgID or aws:PrincipalOrgPaths, the way AWS "
                           "documents to share a key within an organization (default true).",
        },
    }),
    validate=stack_validation(check),
)
