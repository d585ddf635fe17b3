from appflow_guard.policies.connectorprofile.remediate_customer_managed_key import POLICY
from harness import UNKNOWN, Spec, find, run_remediation
from native_stacks import native_stack

KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def profile(**changes):
    spec = find(native_stack("update"), "salesforce")
    spec.props.update(changes)
    return spec


def test_native_profile_without_key_gets_the_configured_key():
    assert run_remediation(POLICY, profile(kmsArn=""), {"keyArn": KEY})["kmsArn"] == KEY


def test_native_profile_with_a_key_or_an_unknown_key_is_left_alone():
    assert run_remediation(POLICY, profile(), {"keyArn": KEY}) is None
    assert run_remediation(POLICY, profile(kmsArn=UNKNOWN), {"keyArn": KEY}) is None
    assert run_remediation(POLICY, Spec("aws-native:appflow:Flow", "f", {}), {"keyArn": KEY}) is None
