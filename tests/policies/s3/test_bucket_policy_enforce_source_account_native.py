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
