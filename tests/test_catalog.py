"""The catalog is the contract: names, metadata, registration, tests and the README table."""

import importlib
import os
import re

import jsonschema
import pytest
from pulumi_policy import EnforcementLevel, ResourceValidationPolicy, Severity

from appflow_guard import catalog
from appflow_guard.core.metadata import DOCS_URL
from appflow_guard.pack import POLICIES, RULE_MODULES
from conftest import REPO_ROOT

POLICIES_DIR = os.path.join(REPO_ROOT, "policy-pack", "appflow_guard", "policies")
NAME_PATTERN = re.compile(
    r"^aws-appflow-(?:(?:flow|connectorprofile|kms-key|secretsmanager-secret|iam-policy|iam-user|s3-bucket|"
    r"s3-bucket-policy|provider|stack)-)?(?:configure|enforce|disallow|enable|missing|verify|remediate)"
    r"(?:-[a-z0-9]+)+$")
GROUPS_WITHOUT_PREFIX = {"general"}

ISSUE_TABLE = [
    "aws-appflow-flow-configure-customer-managed-key",
    "aws-appflow-connectorprofile-configure-customer-managed-key",
    "aws-appflow-connectorprofile-enforce-private-connection",
    "aws-appflow-connectorprofile-disallow-credentials-in-urls",
    "aws-appflow-connectorprofile-enforce-https-urls",
    "aws-appflow-disallow-sensitive-data-in-names-and-tags",
    "aws-appflow-flow-missing-description",
    "aws-appflow-flow-missing-tags",
    "aws-appflow-flow-configure-allowed-trigger-types",
    "aws-appflow-kms-key-enable-rotation",
    "aws-appflow-kms-key-disallow-wildcard-principal",
    "aws-appflow-secretsmanager-secret-configure-customer-managed-key",
    "aws-appflow-iam-policy-enforce-secretsmanager-conditions",
    "aws-appflow-s3-bucket-configure-sse-kms-customer-managed-key",
    "aws-appflow-s3-bucket-enforce-tls-only",
    "aws-appflow-s3-bucket-policy-enforce-source-account",
    "aws-appflow-provider-enforce-tls",
    "aws-appflow-provider-enable-fips-endpoint",
    "aws-appflow-stack-enable-cloudtrail",
]


def rule_module_files():
    for group in sorted(os.listdir(POLICIES_DIR)):
        folder = os.path.join(POLICIES_DIR, group)
        if not os.path.isdir(folder) or group.startswith("__"):
            continue
        for filename in sorted(os.listdir(folder)):
            if filename.endswith(".py") and filename != "__init__.py":
                yield group, filename[:-3]


def test_every_policy_of_the_issue_is_served():
    assert set(ISSUE_TABLE) <= {policy.name for policy in POLICIES}


def test_names_are_unique_and_follow_the_convention():
    names = [policy.name for policy in POLICIES]
    assert len(names) == len(set(names))
    assert [name for name in names if not NAME_PATTERN.match(name)] == []


@pytest.mark.parametrize("group,module", list(rule_module_files()))
def test_every_rule_module_is_registered_named_after_its_path_and_tested(group, module):
    imported = importlib.import_module(f"appflow_guard.policies.{group}.{module}")
    assert imported in RULE_MODULES
    prefix = "" if group in GROUPS_WITHOUT_PREFIX else f"{group}-"
    assert imported.POLICY.name == f"aws-appflow-{prefix}{module.replace('_', '-')}"
    assert os.path.isfile(os.path.join(REPO_ROOT, "tests", "policies", group, f"test_{module}.py"))


def test_registry_has_no_module_outside_the_policies_folder():
    assert len(RULE_MODULES) == len(list(rule_module_files()))


@pytest.mark.parametrize("policy", POLICIES, ids=lambda policy: policy.name)
def test_every_policy_carries_complete_metadata(policy):
    assert re.match(r"^[A-Z].*\.$", policy.description) and len(policy.description) <= 160
    assert isinstance(policy.severity, Severity)
    assert isinstance(policy.enforcement_level, EnforcementLevel)
    assert policy.display_name
    assert policy.remediation_steps and policy.remediation_steps.strip().endswith(".")
    assert policy.url.startswith(DOCS_URL)
    assert policy.framework and policy.framework.name == "Data protection in Amazon AppFlow"
    assert policy.tags
    schema = {"type": "object", "properties": policy.config_schema.properties}
    jsonschema.Draft7Validator.check_schema(schema)
    assert "exemptions" in policy.config_schema.properties
    assert all(value.get("description") for value in policy.config_schema.properties.values())


def test_remediation_policies_are_opt_in_and_the_others_validate():
    for policy in POLICIES:
        remediates = isinstance(policy, ResourceValidationPolicy) and policy.has_remediation()
        assert remediates == ("-remediate-" in policy.name)
        if remediates:
            assert policy.enforcement_level is EnforcementLevel.DISABLED
            assert not policy.has_validation()


def test_readme_policy_table_is_generated_from_the_catalog():
    with open(os.path.join(REPO_ROOT, "README.md"), encoding="utf-8") as handle:
        readme = handle.read()
    assert catalog.render_readme_section() in readme, "README is stale: run `make readme-table`"
