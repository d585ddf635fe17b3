"""Names, descriptions and tags end up in billing and diagnostic logs: no confidential data there."""

import re

from pulumi_policy import EnforcementLevel, Severity, StackValidationPolicy

from ...core import types
from ...core.appflow_access import for_appflow
from ...core.buckets import appflow_bucket_users
from ...core.rule_config import InvalidConfig, config_schema, string_list
from ...core.metadata import FRAMEWORK, DOCS_URL
from ...core.policy_evaluation import IDENTITY, parse_policy
from ...core.reporting import stack_validation
from ...core.sensitive import detect
from ...core.protection_fields import NAME_FIELDS, policy_documents, tag_pairs
from ...core.stack import StackView
from ...core.values import text

FREE_FORM_FIELDS = NAME_FIELDS  # the names of both providers (name, flowName, bucketName, ...)
IAM_TYPES = types.IAM_TYPES
READS = (types.APPFLOW_RESOURCE_TYPES | types.KMS_KEY_TYPES | types.KMS_ALIAS_TYPES | types.S3_BUCKET_TYPES
         | types.S3_ENCRYPTION_TYPES | types.SECRET_TYPES | types.IAM_TYPES)
ENFORCES = (
    "We strongly recommend that you never put confidential or sensitive information, such as your "
    "customers' email addresses, into tags or free-form text fields such as a Name field.",
    "This includes when you work with Amazon AppFlow or other AWS services using the console, API, "
    "AWS CLI, or AWS SDKs.",
)


def _compile(patterns):
    compiled = []
    for index, pattern in enumerate(patterns):
        try:
            compiled.append(re.compile(pattern))
        except re.error as error:
            raise InvalidConfig(f"extraPatterns[{index}] is not a valid regular expression ({error})") from None
    return tuple(compiled)


def _grants_appflow(view, resource) -> bool:
    return any(for_appflow(parse_policy(raw, IDENTITY), raw)
               for _, raw in policy_documents(resource.resource_type, view.props(resource)))


def resources_in_scope(view: StackView) -> list:
    """AppFlow resources and the KMS, S3, Secrets Manager and IAM resources they use."""
    appflow = view.of_type(*types.APPFLOW_RESOURCE_TYPES)
    scope = list(appflow)
    scope += list(view.appflow_keys())
    in_scope = set(scope)
    scope += [alias for alias in view.of_type(*types.KMS_ALIAS_TYPES)
              if any(key in in_scope for key in view.dependencies(alias, "targetKeyId"))]
    scope += list(appflow_bucket_users(view))
    scope += view.appflow_secrets()
    scope += [dep for resource in appflow for deps in resource.property_dependencies.values()
              for dep in deps if dep.resource_type in IAM_TYPES]
    scope += [resource for resource in view.of_type(*types.IAM_DOCUMENT_TYPES) if _grants_appflow(view, resource)]
    return list(dict.fromkeys(scope))


def fields(view: StackView, resource, patterns=(), allowed=frozenset()):
    yield "resource name", resource.name
    props = view.props(resource)
    for field in FREE_FORM_FIELDS:
        value = text(props.get(field))
        if value:
            yield field, value
    for key, value in tag_pairs(props.get("tags"))[0]:  # a map, or aws-native's list of {key, value}
        yield "tag key", key
        if text(value):
            key_detection = detect(key, patterns, allowed)  # a sensitive key is named masked, never raw
            yield f"tag '{key_detection.masked if key_detection else key}'", value


def check(args, findings):
    config = args.get_config()
    patterns = _compile(string_list(config, "extraPatterns"))
    allowed = frozenset(string_list(config, "allowedValues"))
    view = StackView(args.resources)
    for resource in resources_in_scope(view):
        for field, value in fields(view, resource, patterns, allowed):
            detection = detect(value, patterns, allowed)
            if detection:
                findings.add(f"The {field} contains {detection.kind} ({detection.masked}); names, descriptions and "
                             "tags may be copied into billing and diagnostic logs.", resource)


POLICY = StackValidationPolicy(
    name="aws-appflow-disallow-sensitive-data-in-names-and-tags",
    description="AppFlow resources and the resources they use hold no confidential data in names, descriptions or tags.",
    display_name="No sensitive data in names and tags",
    enforcement_level=EnforcementLevel.MANDATORY,
    severity=Severity.MEDIUM,
    framework=FRAMEWORK,
    tags=["privacy", "tags"],
    remediation_steps=(
        "Move email addresses, keys, tokens and card numbers out of resource names, descriptions and "
        "tags; refer to owners by team or role. Add harmless values to allowedValues and "
        "organisation-specific identifiers to extraPatterns."
    ),
    url=DOCS_URL,
    config_schema=config_schema({
        "extraPatterns": {
            "type": "array", "items": {"type": "string", "minLength": 1, "format": "regex"},
            "description": "More regular expressions that count as sensitive (e.g. customer account numbers).",
        },
        "allowedValues": {
            "type": "array", "items": {"type": "string"},
            "description": "Exact values that are never reported (e.g. a shared team mailbox).",
        },
    }),
    validate=stack_validation(check),
)
