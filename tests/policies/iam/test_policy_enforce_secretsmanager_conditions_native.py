"""aws-native IAM: policyDocument (an object) on ManagedPolicy, RolePolicy, UserPolicy, GroupPolicy,
and a Role's policies[].policyDocument."""

import json

import pytest

from appflow_guard.policies.iam.policy_enforce_secretsmanager_conditions import POLICY
from harness import UNKNOWN, Spec, find, run_resource_policy
from native_stacks import native_stack
from stacks import operator_policy_document

UNSCOPED_CREATE = ("statement SecretsManagerCreateSecretAccess allows secretsmanager:CreateSecret without limiting "
                   "secretsmanager:Name to 'appflow!*'")


def unscoped() -> dict:
    document = operator_policy_document()
    del document["Statement"][1]["Condition"]["StringLike"]
    return document


def test_scoped_native_managed_policy_passes():
    assert run_resource_policy(POLICY, find(native_stack(), "appflow-operator")) == []


@pytest.mark.parametrize("resource_type", ["aws-native:iam:ManagedPolicy", "aws-native:iam:RolePolicy",
                                           "aws-native:iam:UserPolicy", "aws-native:iam:GroupPolicy"])
def test_unscoped_create_secret_is_reported_on_every_native_policy_type(resource_type):
    spec = Spec(resource_type, "operator", {"policyName": "operator", "policyDocument": unscoped()})
    assert run_resource_policy(POLICY, spec) == [f"policyDocument: {UNSCOPED_CREATE}."]


def test_native_role_inline_policies_are_read():
    spec = Spec("aws-native:iam:Role", "runner", {"roleName": "runner", "assumeRolePolicyDocument": {}, "policies": [
        {"policyName": "ok", "policyDocument": operator_policy_document()},
        {"policyName": "broken", "policyDocument": unscoped()}]})
    assert run_resource_policy(POLICY, spec) == [f"policies[1].policyDocument: {UNSCOPED_CREATE}."]


def test_put_resource_policy_without_owning_service_is_reported():
    document = operator_policy_document()
    del document["Statement"][2]["Condition"]["StringEqualsIgnoreCase"]
    spec = Spec("aws-native:iam:ManagedPolicy", "operator", {"policyDocument": document})
    assert run_resource_policy(POLICY, spec) == [
        "policyDocument: statement SecretsManagerPutResourcePolicyAccess allows secretsmanager:PutResourcePolicy on "
        "secrets not owned by AppFlow (owningService condition missing)."]


def test_unknown_documents_json_text_and_non_appflow_policies():
    assert run_resource_policy(POLICY, Spec("aws-native:iam:ManagedPolicy", "p", {"policyDocument": UNKNOWN})) == []
    document = unscoped()
    document["Statement"] = document["Statement"][1:]  # no appflow action: not an AppFlow policy
    assert run_resource_policy(POLICY, Spec("aws-native:iam:ManagedPolicy", "p", {"policyDocument": document})) == []
    as_text = Spec("aws-native:iam:ManagedPolicy", "p", {"policyDocument": json.dumps(unscoped())})
    assert run_resource_policy(POLICY, as_text) == [f"policyDocument: {UNSCOPED_CREATE}."]
    assert run_resource_policy(POLICY, Spec("aws-native:s3:BucketPolicy", "b", {"policyDocument": unscoped()})) == []


def test_native_not_action_grant_is_read_as_the_actions_it_allows():
    document = operator_policy_document()
    document["Statement"].append({"Sid": "Broad", "Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})
    spec = Spec("aws-native:iam:ManagedPolicy", "operator", {"policyDocument": document})
    assert run_resource_policy(POLICY, spec) == [
        "policyDocument: statement Broad allows secretsmanager:CreateSecret without limiting secretsmanager:Name "
        "to 'appflow!*'.",
        "policyDocument: statement Broad allows secretsmanager:CreateSecret without aws:CalledVia "
        "appflow.amazonaws.com.",
        "policyDocument: statement Broad allows secretsmanager:PutResourcePolicy on secrets not owned by AppFlow "
        "(owningService condition missing).",
        "policyDocument: statement Broad allows secretsmanager:PutResourcePolicy without aws:CalledVia "
        "appflow.amazonaws.com."]


def test_native_unknown_condition_value_is_deferred():
    document = operator_policy_document()
    document["Statement"][1]["Condition"]["StringLike"]["secretsmanager:Name"] = UNKNOWN
    spec = Spec("aws-native:iam:ManagedPolicy", "operator", {"policyDocument": document})
    assert run_resource_policy(POLICY, spec) == []


def test_native_document_with_a_principal_is_a_policy_aws_refuses():
    document = operator_policy_document()
    document["Statement"][0]["Principal"] = "*"
    spec = Spec("aws-native:iam:ManagedPolicy", "operator", {"policyDocument": document})
    assert run_resource_policy(POLICY, spec) == [
        "policyDocument: not a policy AWS accepts (statement AppFlow: an identity-based policy cannot name a "
        "Principal)."]
