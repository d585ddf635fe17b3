import pytest

from appflow_guard.policies.stack.verify_external_references import POLICY
from harness import UNKNOWN, find, run_stack_policy
from native_stacks import FLOW, SECRET, mixed_stack, native_stack

OTHER_KEY = "arn:aws:kms:us-east-1:999999999999:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def messages(violations):
    return [(violation.message, violation.urn) for violation in violations]


@pytest.mark.parametrize("phase", ["preview", "update"])
def test_native_and_mixed_stacks_have_no_external_reference(phase):
    assert run_stack_policy(POLICY, native_stack(phase)) == []
    assert run_stack_policy(POLICY, mixed_stack(phase)) == []


def test_native_flow_key_from_another_account_is_reported_and_can_be_trusted():
    specs = native_stack()
    find(specs, "accounts-to-s3").props["kmsArn"] = OTHER_KEY
    find(specs, "accounts-to-s3").deps.pop("kmsArn")
    assert messages(run_stack_policy(POLICY, specs)) == [(
        f"kmsArn '{OTHER_KEY}' is not a key in this stack, so the pack could not verify that it is a customer "
        "managed key; list it under trustedKeyArns once verified.", FLOW)]
    assert run_stack_policy(POLICY, specs, {"trustedKeyArns": [OTHER_KEY]}) == []


def test_native_secret_key_computed_outside_the_stack_is_reported():
    specs = native_stack()
    find(specs, "salesforce-client").deps["kmsKeyId"] = []
    assert messages(run_stack_policy(POLICY, specs)) == [(
        "kmsKeyId is computed from a value outside this stack, so the pack could not verify that it is a customer "
        "managed key; list it under trustedKeyArns once verified.", SECRET)]


def test_native_flow_writing_to_a_bucket_outside_the_stack_is_reported():
    specs = native_stack("update")
    flow = find(specs, "accounts-to-s3")
    flow.props["destinationFlowConfigList"][0]["destinationConnectorProperties"]["s3"]["bucketName"] = "shared-lake"
    flow.deps.pop("destinationFlowConfigList")
    assert messages(run_stack_policy(POLICY, specs)) == [(
        "destinationFlowConfigList[0].destinationConnectorProperties.s3.bucketName: bucket 'shared-lake' is not in "
        "this stack, so its encryption and TLS policy could not be verified; list it under trustedBuckets once "
        "verified.", FLOW)]
    assert run_stack_policy(POLICY, specs, {"trustedBuckets": ["shared-lake"]}) == []


def test_unknown_bucket_with_the_native_bucket_behind_it_is_resolved():
    specs = native_stack("preview")
    assert find(specs, "accounts-to-s3").props["destinationFlowConfigList"][0]["destinationConnectorProperties"][
        "s3"]["bucketName"] == UNKNOWN
    assert run_stack_policy(POLICY, specs) == []
