import json

import pytest

from appflow_guard.policies.s3.bucket_policy_enforce_source_account import POLICY
from harness import UNKNOWN, Spec, find, run_resource_policy
from native_stacks import bucket_policy, native_stack


def policy(document):
    spec = find(native_stack("update"), "landing-policy")
    spec.props["policyDocument"] = document
    return spec


def test_scoped_native_bucket_policy_passes():
    assert run_resource_policy(POLICY, policy(bucket_policy())) == []


def test_unscoped_appflow_grant_is_reported():
    document = bucket_policy()
    del document["Statement"][1]["Condition"]
    document["Statement"][1]["Action"] = "s3:*"
    assert run_resource_policy(POLICY, policy(document)) == [
        "statement AppFlowWrite grants appflow.amazonaws.com without an aws:SourceAccount or aws:SourceArn condition.",
        "statement AppFlowWrite grants appflow.amazonaws.com s3:*; list the actions AppFlow needs."]


def test_unknown_document_and_other_types_are_silent():
    assert run_resource_policy(POLICY, policy(UNKNOWN)) == []
    document = bucket_policy()
    del document["Statement"][1]["Condition"]
    assert run_resource_policy(POLICY, Spec("aws-native:iam:ManagedPolicy", "p", {"policyDocument": document})) == []


def unscoped(**changes):
    document = bucket_policy()
    del document["Statement"][1]["Condition"]
    document["Statement"][1].update(changes)
    return document


@pytest.mark.parametrize("as_text", [False, True])
def test_document_given_as_json_text_or_object_reads_alike(as_text):
    document = unscoped()
    assert run_resource_policy(POLICY, policy(json.dumps(document) if as_text else document)) == [
        "statement AppFlowWrite grants appflow.amazonaws.com without an aws:SourceAccount or aws:SourceArn condition."]


def test_an_unknown_source_account_is_deferred():
    document = bucket_policy()
    document["Statement"][1]["Condition"] = {"StringEquals": {"aws:SourceAccount": UNKNOWN}}
    assert run_resource_policy(POLICY, policy(document)) == []


def test_not_action_grant_is_reported_on_the_native_policy():
    document = bucket_policy()
    statement = document["Statement"][1]
    statement["NotAction"] = "s3:DeleteBucket"
    del statement["Action"]
    assert run_resource_policy(POLICY, policy(document)) == [
        "statement AppFlowWrite grants appflow.amazonaws.com every action but s3:DeleteBucket (NotAction); "
        "list the actions AppFlow needs."]


def test_an_invalid_native_document_that_names_appflow_is_reported():
    document = unscoped(Effect="Permit")
    assert run_resource_policy(POLICY, policy(document)) == [
        "The bucket policy is not a policy AWS accepts (statement AppFlowWrite: Effect must be Allow or Deny)."]
