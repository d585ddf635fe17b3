from appflow_guard.policies.kms.key_remediate_rotation import POLICY
from harness import UNKNOWN, Spec, find, run_remediation
from native_stacks import native_stack


def key(**changes):
    spec = find(native_stack("update"), "appflow-key")
    spec.props.update(changes)
    return spec


def test_native_key_gets_rotation_turned_on():
    assert run_remediation(POLICY, key(enableKeyRotation=False))["enableKeyRotation"] is True


def test_rotating_external_asymmetric_unknown_and_other_types_are_left_alone():
    assert run_remediation(POLICY, key()) is None
    assert run_remediation(POLICY, key(enableKeyRotation=False, origin="EXTERNAL")) is None
    assert run_remediation(POLICY, key(enableKeyRotation=False, keySpec="ECC_NIST_P256")) is None
    assert run_remediation(POLICY, key(enableKeyRotation=UNKNOWN)) is None
    assert run_remediation(POLICY, Spec("aws-native:kms:Alias", "a", {"enableKeyRotation": False})) is None
