"""A key policy that lets anyone use the key, or lets AppFlow use it for any account, defeats the CMK."""

from pulumi_policy import EnforcementLevel, Severity, StackValidationPolicy

from ...core import types
from ...core.config import config_schema
from ...core.documents import grants_appflow_service, has_source_condition, parse_document
from ...core.metadata import FRAMEWORK, section
from ...core.reporting import stack_validation
from ...core.shapes import document_field
from ...core.stack import StackView

# Keys are found through what AppFlow resources, buckets and secrets point at.
READS = (types.KMS_KEY_TYPES | {types.KMS_KEY_POLICY} | types.KMS_ALIAS_TYPES | types.APPFLOW_TYPES
         | types.S3_BUCKET_TYPES | types.S3_ENCRYPTION_TYPES | types.SECRET_TYPES)


def key_policy_problems(document) -> list[str]:
    problems = []
    for index, statement in enumerate(document.statements):
        label = f"statement {statement.sid or index}"
        if not statement.allows:
            continue
        if "*" in statement.principals and not statement.conditions:
            problems.append(f"{label} allows Principal '*' without a condition")
        if grants_appflow_service(statement) and not has_source_condition(statement):
            problems.append(f"{label} grants appflow.amazonaws.com without an aws:SourceAccount or aws:SourceArn condition")
    return problems


def check(args, findings):
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
            document = parse_document(raw)
            if document.invalid:
                findings.add(f"The {label} of key '{key.name}' is not a valid JSON policy document.", holder)
            for problem in key_policy_problems(document):
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
        "Replace Principal '*' with the account or roles that need the key, or add a limiting "
        "condition; give the appflow.amazonaws.com statement an aws:SourceAccount (or aws:SourceArn) "
        "condition so AppFlow can use the key only on behalf of your account."
    ),
    url=section("key-management"),
    config_schema=config_schema(),
    validate=stack_validation(check),
)
