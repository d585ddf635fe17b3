"""aws-appflow-iam-policy-enforce-secretsmanager-conditions: the AWS page's Secrets Manager conditions."""

import json

import pytest

from harness import UNKNOWN, Spec, find, run_resource_policy
from stacks import compliant_stack, operator_policy

from appflow_guard.policies.iam.policy_enforce_secretsmanager_conditions import POLICY

CREATE_NAME = ("policy: statement SecretsManagerCreateSecretAccess allows secretsmanager:CreateSecret without "
               "limiting secretsmanager:Name to 'appflow!*'.")
CREATE_CALLED_VIA = ("policy: statement SecretsManagerCreateSecretAccess allows secretsmanager:CreateSecret without "
                     "aws:CalledVia appflow.amazonaws.com.")
PUT_OWNER = ("policy: statement SecretsManagerPutResourcePolicyAccess allows secretsmanager:PutResourcePolicy on "
             "secrets not owned by AppFlow (owningService condition missing).")
PUT_CALLED_VIA = ("policy: statement SecretsManagerPutResourcePolicyAccess allows secretsmanager:PutResourcePolicy "
                  "without aws:CalledVia appflow.amazonaws.com.")
OWNER_KEY = "secretsmanager:ResourceTag/aws:secretsmanager:owningService"


def statements():
    return json.loads(operator_policy())["Statement"]


def operator(*items, phase="update"):
    spec = find(compliant_stack(phase), "appflow-operator")
    spec.props["policy"] = json.dumps({"Version": "2012-10-17", "Statement": list(items)})
    return spec


def with_conditions(index, conditions):
    items = statements()
    items[index]["Condition"] = conditions
    return operator(*items)


@pytest.mark.parametrize("phase", ["preview", "update"])
def test_compliant_operator_policy_passes(phase):
    assert run_resource_policy(POLICY, find(compliant_stack(phase), "appflow-operator")) == []


def test_create_secret_without_name_condition_is_reported():
    conditions = {"ForAnyValue:StringEquals": {"aws:CalledVia": ["appflow.amazonaws.com"]}}
    assert run_resource_policy(POLICY, with_conditions(1, conditions)) == [CREATE_NAME]


@pytest.mark.parametrize("names", ["*", ["appflow!*", "other-*"]])
def test_create_secret_with_names_beyond_appflow_is_reported(names):
    conditions = {"StringLike": {"secretsmanager:Name": names},
                  "ForAnyValue:StringEquals": {"aws:CalledVia": ["appflow.amazonaws.com"]}}
    assert run_resource_policy(POLICY, with_conditions(1, conditions)) == [CREATE_NAME]


def test_create_secret_without_called_via_is_reported():
    assert run_resource_policy(POLICY, with_conditions(1, {"StringLike": {"secretsmanager:Name": "appflow!*"}})) == [
        CREATE_CALLED_VIA]


def test_called_via_another_service_is_reported():
    conditions = {"StringLike": {"secretsmanager:Name": "appflow!*"},
                  "ForAnyValue:StringEquals": {"aws:CalledVia": ["cloudformation.amazonaws.com"]}}
    assert run_resource_policy(POLICY, with_conditions(1, conditions)) == [CREATE_CALLED_VIA]


def test_called_via_under_for_all_values_is_reported():
    """ForAllValues also matches a direct call, which has no aws:CalledVia, so it limits nothing."""
    conditions = {"StringLike": {"secretsmanager:Name": "appflow!*"},
                  "ForAllValues:StringEquals": {"aws:CalledVia": ["appflow.amazonaws.com"]}}
    assert run_resource_policy(POLICY, with_conditions(1, conditions)) == [CREATE_CALLED_VIA]


def test_condition_operators_and_keys_are_case_insensitive():
    conditions = {"stringlike": {"SecretsManager:Name": "appflow!*"},
                  "foranyvalue:stringequals": {"AWS:CalledVia": "appflow.amazonaws.com"}}
    assert run_resource_policy(POLICY, with_conditions(1, conditions)) == []


def test_put_resource_policy_without_owning_service_is_reported():
    conditions = {"ForAnyValue:StringEquals": {"aws:CalledVia": ["appflow.amazonaws.com"]}}
    assert run_resource_policy(POLICY, with_conditions(2, conditions)) == [PUT_OWNER]


@pytest.mark.parametrize("owner", ["rds", ["appflow", "rds"]])
def test_put_resource_policy_for_other_owners_is_reported(owner):
    conditions = {"ForAnyValue:StringEquals": {"aws:CalledVia": ["appflow.amazonaws.com"]},
                  "StringEqualsIgnoreCase": {OWNER_KEY: owner}}
    assert run_resource_policy(POLICY, with_conditions(2, conditions)) == [PUT_OWNER]


def test_owning_service_under_for_all_values_is_reported():
    """ForAllValues also matches a secret without the owningService tag."""
    conditions = {"ForAnyValue:StringEquals": {"aws:CalledVia": ["appflow.amazonaws.com"]},
                  "ForAllValues:StringEqualsIgnoreCase": {OWNER_KEY: "appflow"}}
    assert run_resource_policy(POLICY, with_conditions(2, conditions)) == [PUT_OWNER]


def test_owning_service_is_compared_ignoring_case():
    conditions = {"ForAnyValue:StringEquals": {"aws:CalledVia": ["appflow.amazonaws.com"]},
                  "StringEqualsIgnoreCase": {OWNER_KEY: "AppFlow"}}
    assert run_resource_policy(POLICY, with_conditions(2, conditions)) == []


def test_put_resource_policy_without_called_via_is_reported():
    assert run_resource_policy(POLICY, with_conditions(2, {"StringEqualsIgnoreCase": {OWNER_KEY: "appflow"}})) == [
        PUT_CALLED_VIA]


def test_secretsmanager_wildcard_without_conditions_reports_every_missing_condition():
    unnamed = {"Effect": "Allow", "Action": "secretsmanager:*", "Resource": "*"}
    assert run_resource_policy(POLICY, operator(statements()[0], unnamed)) == [
        "policy: a statement allows secretsmanager:CreateSecret without limiting secretsmanager:Name to 'appflow!*'.",
        "policy: a statement allows secretsmanager:CreateSecret without aws:CalledVia appflow.amazonaws.com.",
        "policy: a statement allows secretsmanager:PutResourcePolicy on secrets not owned by AppFlow "
        "(owningService condition missing).",
        "policy: a statement allows secretsmanager:PutResourcePolicy without aws:CalledVia appflow.amazonaws.com.",
    ]


def test_policy_without_appflow_actions_is_ignored():
    unscoped = {"Effect": "Allow", "Action": "secretsmanager:*", "Resource": "*"}
    assert run_resource_policy(POLICY, operator(unscoped)) == []


def test_appflow_action_in_a_deny_does_not_bring_the_policy_into_scope():
    deny = {"Effect": "Deny", "Action": "appflow:DeleteFlow", "Resource": "*"}
    unscoped = {"Effect": "Allow", "Action": "secretsmanager:CreateSecret", "Resource": "*"}
    assert run_resource_policy(POLICY, operator(deny, unscoped)) == []


def test_deny_statements_are_not_checked():
    deny = {"Effect": "Deny", "Action": "secretsmanager:*", "Resource": "*"}
    assert run_resource_policy(POLICY, operator(*statements(), deny)) == []


@pytest.mark.parametrize("resource_type", ["aws:iam/rolePolicy:RolePolicy", "aws:iam/userPolicy:UserPolicy",
                                           "aws:iam/groupPolicy:GroupPolicy"])
def test_inline_policy_resources_are_checked(resource_type):
    items = statements()
    del items[1]["Condition"]["StringLike"]
    spec = Spec(resource_type, "operator-inline", {"policy": json.dumps({"Statement": items})})
    assert run_resource_policy(POLICY, spec) == [CREATE_NAME]


def test_role_inline_policies_are_checked_and_named_by_index():
    items = statements()
    del items[2]["Condition"]["StringEqualsIgnoreCase"]
    role = Spec("aws:iam/role:Role", "appflow-runner", {"inlinePolicies": [
        {"name": "read", "policy": json.dumps({"Statement": [{"Effect": "Allow", "Action": "s3:GetObject"}]})},
        {"name": "operate", "policy": json.dumps({"Statement": items})}]})
    assert run_resource_policy(POLICY, role) == [
        "inlinePolicies[1].policy: statement SecretsManagerPutResourcePolicyAccess allows "
        "secretsmanager:PutResourcePolicy on secrets not owned by AppFlow (owningService condition missing)."]


def test_unknown_policy_is_deferred():
    spec = find(compliant_stack("preview"), "appflow-operator")
    spec.props["policy"] = UNKNOWN
    assert run_resource_policy(POLICY, spec) == []


def test_unknown_role_inline_policies_are_deferred():
    role = Spec("aws:iam/role:Role", "appflow-runner", {"inlinePolicies": UNKNOWN})
    assert run_resource_policy(POLICY, role) == []


@pytest.mark.parametrize("policy", ["{not json", 42, None, ["s3:*"], json.dumps({"Statement": "s3:*"})])
def test_unreadable_policy_that_names_no_appflow_action_is_ignored(policy):
    spec = find(compliant_stack("update"), "appflow-operator")
    spec.props["policy"] = policy
    assert run_resource_policy(POLICY, spec) == []


@pytest.mark.parametrize("policy, reason", [(["appflow:*"], "not a JSON object"),
                                            (json.dumps({"Statement": "appflow:*"}), "no Statement list")])
def test_unreadable_policy_that_names_appflow_actions_is_reported(policy, reason):
    spec = find(compliant_stack("update"), "appflow-operator")
    spec.props["policy"] = policy
    assert run_resource_policy(POLICY, spec) == [f"policy: not a policy AWS accepts ({reason})."]


def test_statement_without_resource_is_a_policy_aws_refuses():
    items = statements()
    del items[1]["Resource"]
    assert run_resource_policy(POLICY, operator(*items)) == [
        "policy: not a policy AWS accepts (statement SecretsManagerCreateSecretAccess has neither Resource nor "
        "NotResource)."]


ALL_FOUR = [
    "policy: statement Broad allows secretsmanager:CreateSecret without limiting secretsmanager:Name to 'appflow!*'.",
    "policy: statement Broad allows secretsmanager:CreateSecret without aws:CalledVia appflow.amazonaws.com.",
    "policy: statement Broad allows secretsmanager:PutResourcePolicy on secrets not owned by AppFlow "
    "(owningService condition missing).",
    "policy: statement Broad allows secretsmanager:PutResourcePolicy without aws:CalledVia appflow.amazonaws.com.",
]


@pytest.mark.parametrize("elements", [
    {"Action": "*"},
    {"NotAction": "iam:*"},
    {"Action": ["secretsmanager:Create*", "secretsmanager:Put*"]},
    {"Action": "SecretsManager:*"},
])
def test_wildcard_and_not_action_grants_are_read_as_the_actions_they_allow(elements):
    broad = dict({"Sid": "Broad", "Effect": "Allow", "Resource": "*"}, **elements)
    assert run_resource_policy(POLICY, operator(statements()[0], broad)) == ALL_FOUR


def test_not_action_that_excepts_secrets_manager_is_not_a_secrets_grant():
    broad = {"Sid": "Broad", "Effect": "Allow", "NotAction": "secretsmanager:*", "Resource": "*"}
    assert run_resource_policy(POLICY, operator(statements()[0], broad)) == []


def test_not_resource_grant_still_allows_creating_secrets():
    grant = {"Sid": "Broad", "Effect": "Allow", "Action": "secretsmanager:CreateSecret",
             "NotResource": "arn:aws:secretsmanager:*:*:secret:admin-*"}
    assert run_resource_policy(POLICY, operator(statements()[0], grant)) == ALL_FOUR[:2]


def test_a_deny_that_enforces_the_conditions_scopes_an_unconditioned_allow():
    grant = {"Sid": "Broad", "Effect": "Allow", "Action": "secretsmanager:CreateSecret", "Resource": "*"}
    guards = [{"Effect": "Deny", "Action": "secretsmanager:CreateSecret", "Resource": "*",
               "Condition": {"StringNotLike": {"secretsmanager:Name": "appflow!*"}}},
              {"Effect": "Deny", "Action": "secretsmanager:CreateSecret", "Resource": "*",
               "Condition": {"ForAllValues:StringNotEquals": {"aws:CalledVia": "appflow.amazonaws.com"}}}]
    assert run_resource_policy(POLICY, operator(statements()[0], grant, *guards)) == []


def test_for_all_values_with_a_null_guard_limits_to_appflow():
    """ForAllValues is true without the key; a Null check "false" requires the key, which closes that gap."""
    conditions = {"StringLike": {"secretsmanager:Name": "appflow!*"},
                  "ForAllValues:StringEquals": {"aws:CalledVia": ["appflow.amazonaws.com"]},
                  "Null": {"aws:CalledVia": "false"}}
    assert run_resource_policy(POLICY, with_conditions(1, conditions)) == []


def test_name_limited_by_an_if_exists_operator_is_reported():
    conditions = {"StringLikeIfExists": {"secretsmanager:Name": "appflow!*"},
                  "ForAnyValue:StringEquals": {"aws:CalledVia": ["appflow.amazonaws.com"]}}
    assert run_resource_policy(POLICY, with_conditions(1, conditions)) == [CREATE_NAME]


def test_name_limited_to_a_narrower_appflow_prefix_passes():
    conditions = {"StringLike": {"secretsmanager:Name": "appflow!prod-*"},
                  "ForAnyValue:StringEquals": {"aws:CalledVia": ["appflow.amazonaws.com"]}}
    assert run_resource_policy(POLICY, with_conditions(1, conditions)) == []


def test_owning_service_compared_exactly_is_as_narrow():
    conditions = {"ForAnyValue:StringEquals": {"aws:CalledVia": ["appflow.amazonaws.com"]},
                  "StringEquals": {OWNER_KEY: "appflow"}}
    assert run_resource_policy(POLICY, with_conditions(2, conditions)) == []


@pytest.mark.parametrize("inline", [{"policy": "x"}, [None, "x", {"policy": 42}]])
def test_mistyped_role_inline_policies_return_normally(inline):
    assert run_resource_policy(POLICY, Spec("aws:iam/role:Role", "runner", {"inlinePolicies": inline})) == []


def test_other_resource_type_is_ignored():
    unscoped = {"Effect": "Allow", "Principal": "*", "Action": ["appflow:*", "secretsmanager:*"], "Resource": "*"}
    spec = Spec("aws:s3/bucketPolicy:BucketPolicy", "landing-policy", {"policy": json.dumps({"Statement": [unscoped]})})
    assert run_resource_policy(POLICY, spec) == []
