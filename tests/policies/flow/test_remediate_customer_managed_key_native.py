from appflow_guard.policies.flow.remediate_customer_managed_key import POLICY
from harness import UNKNOWN, Spec, find, run_remediation
from native_stacks import native_stack

KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def flow(**changes):
    spec = find(native_stack("update"), "accounts-to-s3")
    spec.props.update(changes)
    return spec


def test_native_flow_without_key_gets_the_configured_key():
    spec = flow()
    del spec.props["kmsArn"]
    assert run_remediation(POLICY, spec, {"keyArn": KEY})["kmsArn"] == KEY


def test_native_flow_with_a_key_or_an_unknown_key_is_left_alone():
    assert run_remediation(POLICY, flow(), {"keyArn": KEY}) is None
    assert run_remediation(POLICY, flow(kmsArn=UNKNOWN), {"keyArn": KEY}) is None
    assert run_remediation(POLICY, Spec("aws-native:appflow:Connector", "c", {}), {"keyArn": KEY}) is None
