"""aws-appflow-kms-key-remediate-rotation: the opt-in fix turns on rotation where AWS supports it."""

import pytest
from pulumi_policy import EnforcementLevel

from harness import UNKNOWN, find, run_remediation
from stacks import compliant_stack

from appflow_guard.policies.kms.key_remediate_rotation import POLICY


def key(**changes):
    spec = find(compliant_stack("update"), "appflow-key")
    del spec.props["enableKeyRotation"]
    spec.props.update(changes)
    return spec


def test_policy_is_disabled_until_a_team_opts_in():
    assert POLICY.enforcement_level == EnforcementLevel.DISABLED


def test_key_without_rotation_gets_it_and_keeps_its_other_properties():
    spec = key()
    assert run_remediation(POLICY, spec) == {**spec.props, "enableKeyRotation": True}


@pytest.mark.parametrize("value", [False, None, "true"])
def test_rotation_that_is_not_true_is_turned_on(value):
    assert run_remediation(POLICY, key(enableKeyRotation=value))["enableKeyRotation"] is True


def test_key_with_rotation_is_left_alone():
    assert run_remediation(POLICY, key(enableKeyRotation=True)) is None


@pytest.mark.parametrize("changes", [
    {"keySpec": "RSA_2048"},
    {"customerMasterKeySpec": "RSA_2048"},
    {"customerMasterKeySpec": "HMAC_256"},
    {"customKeyStoreId": "cks-1234567890abcdef0"},
])
def test_keys_aws_cannot_rotate_are_left_alone(changes):
    """Setting enableKeyRotation on these would make the deployment fail."""
    assert run_remediation(POLICY, key(**changes)) is None


def test_explicit_symmetric_default_key_is_fixed():
    assert run_remediation(POLICY, key(customerMasterKeySpec="SYMMETRIC_DEFAULT"))["enableKeyRotation"] is True


@pytest.mark.parametrize("prop", ["enableKeyRotation", "keySpec", "customerMasterKeySpec", "customKeyStoreId"])
def test_unknown_rotation_or_key_kind_is_left_alone(prop):
    assert run_remediation(POLICY, key(**{prop: UNKNOWN})) is None


def test_other_resource_type_is_left_alone():
    assert run_remediation(POLICY, find(compliant_stack("update"), "salesforce-client")) is None
