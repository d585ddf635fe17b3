"""aws-native keys: enableKeyRotation on aws-native:kms:Key, origin instead of customKeyStoreId."""

import pytest

from appflow_guard.policies.kms.key_enable_rotation import POLICY
from harness import UNKNOWN, Spec, find, run_stack_policy
from native_stacks import KEY, mixed_stack, native_stack

USERS = "(accounts-to-s3.kmsArn, landing default encryption, salesforce-client.kmsKeyId, salesforce.kmsArn)"


def key_stack(phase="preview", **changes):
    specs = native_stack(phase)
    find(specs, "appflow-key").props.update(changes)
    return specs


def messages(violations):
    return [(violation.message, violation.urn) for violation in violations]


@pytest.mark.parametrize("phase", ["preview", "update"])
def test_rotating_native_key_passes(phase):
    assert run_stack_policy(POLICY, native_stack(phase)) == []
    assert run_stack_policy(POLICY, mixed_stack(phase)) == []


@pytest.mark.parametrize("value", [False, None])
def test_native_key_without_rotation_is_reported_with_its_users(value):
    violations = messages(run_stack_policy(POLICY, key_stack(enableKeyRotation=value)))
    assert len(violations) == 1 and violations[0][1] == KEY
    assert violations[0][0].startswith("enableKeyRotation is not true on a key that protects AppFlow data (")
    assert set(violations[0][0][len("enableKeyRotation is not true on a key that protects AppFlow data ("):-2]
               .split(", ")) == set(USERS[1:-1].split(", "))


@pytest.mark.parametrize("origin", ["EXTERNAL", "AWS_CLOUDHSM", "EXTERNAL_KEY_STORE", UNKNOWN])
def test_keys_aws_cannot_rotate_or_unknown_origin_are_not_reported(origin):
    assert run_stack_policy(POLICY, key_stack(enableKeyRotation=False, origin=origin)) == []


def test_asymmetric_native_key_and_unknown_rotation_are_not_reported():
    assert run_stack_policy(POLICY, key_stack(enableKeyRotation=False, keySpec="RSA_2048")) == []
    assert run_stack_policy(POLICY, key_stack(enableKeyRotation=UNKNOWN)) == []


def test_native_key_protecting_a_pulumi_aws_flow_is_found_across_providers():
    specs = mixed_stack("preview")
    find(specs, "appflow-key").props.update(enableKeyRotation=True)
    native_key = next(spec for spec in specs if spec.resource_type == "aws-native:kms:Key")
    native_key.props["enableKeyRotation"] = False
    assert messages(run_stack_policy(POLICY, specs)) == [(
        "enableKeyRotation is not true on a key that protects AppFlow data (accounts-to-s3.kmsArn).", native_key.urn)]


def test_native_key_no_appflow_resource_uses_is_silent():
    assert run_stack_policy(POLICY, [Spec("aws-native:kms:Key", "other", {"enableKeyRotation": False})]) == []
