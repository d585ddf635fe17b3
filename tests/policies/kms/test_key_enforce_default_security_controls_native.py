"""aws-appflow-kms-key-enforce-default-security-controls on aws-native: enabled and pendingWindowInDays."""

import pytest

from appflow_guard.policies.kms.key_enforce_default_security_controls import POLICY
from harness import UNKNOWN, find, run_stack_policy, urn
from native_stacks import KEY, mixed_stack, native_stack

USED_BY = ("it protects AppFlow data (accounts-to-s3.kmsArn, landing default encryption, salesforce-client.kmsKeyId, "
           "salesforce.kmsArn)")


def findings(specs, config=None):
    return [(violation.message, violation.urn) for violation in run_stack_policy(POLICY, specs, config)]


def key_stack(phase="update", **props):
    specs = native_stack(phase)
    find(specs, "appflow-key").props.update(props)
    return specs


@pytest.mark.parametrize("phase", ["preview", "update"])
def test_native_key_with_kms_defaults_passes(phase):
    assert findings(native_stack(phase)) == []
    assert findings(mixed_stack(phase)) == []
    assert findings(key_stack(phase, enabled=True, pendingWindowInDays=30)) == []


def test_disabled_native_key_is_reported():
    assert findings(key_stack(enabled=False)) == [
        (f"The key is disabled (enabled false), so AppFlow cannot encrypt or decrypt with it; {USED_BY}.", KEY)]


def test_short_pending_window_is_reported():
    assert findings(key_stack(pendingWindowInDays=7)) == [
        ("pendingWindowInDays is 7 days, shorter than the 30 days a deleted key must wait before KMS destroys it "
         f"(AWS's default is 30); {USED_BY}.", KEY)]


def test_pulumi_aws_field_names_on_a_native_key_are_not_read():
    assert findings(key_stack(isEnabled=False, deletionWindowInDays=7)) == []


@pytest.mark.parametrize("props", [{"enabled": UNKNOWN}, {"pendingWindowInDays": UNKNOWN}])
def test_values_not_known_yet_are_not_judged(props):
    assert findings(key_stack("preview", **props)) == []


def test_native_key_a_pulumi_aws_flow_uses_is_checked():
    specs = mixed_stack("update")
    find(specs, "appflow-key").props["pendingWindowInDays"] = 7  # the pulumi-aws key: not its field
    native_key = next(spec for spec in specs if spec.resource_type == "aws-native:kms:Key")
    native_key.props["pendingWindowInDays"] = 10
    assert findings(specs) == [(
        "pendingWindowInDays is 10 days, shorter than the 30 days a deleted key must wait before KMS destroys it "
        "(AWS's default is 30); it protects AppFlow data (accounts-to-s3.kmsArn).", urn("aws-native:kms:Key", "appflow-key"))]
