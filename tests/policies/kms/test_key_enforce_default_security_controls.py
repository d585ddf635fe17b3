"""aws-appflow-kms-key-enforce-default-security-controls: keys AppFlow uses stay enabled and keep
KMS's 30-day wait before deletion."""

import pytest

from harness import UNKNOWN, Spec, find, run_stack_policy
from stacks import KEY, compliant_stack

from appflow_guard.policies.kms.key_enforce_default_security_controls import POLICY

USED_BY = ("it protects AppFlow data (accounts-to-s3.kmsArn, landing default encryption, salesforce-client.kmsKeyId, "
           "salesforce.kmsArn)")
DISABLED = (f"The key is disabled (isEnabled false), so AppFlow cannot encrypt or decrypt with it; {USED_BY}.", KEY)


def short(days, minimum=30):
    return (f"deletionWindowInDays is {days} days, shorter than the {minimum} days a deleted key must wait before KMS "
            f"destroys it (AWS's default is 30); {USED_BY}.", KEY)


def findings(specs, config=None):
    return [(violation.message, violation.urn) for violation in run_stack_policy(POLICY, specs, config)]


def key_stack(phase="update", **props):
    specs = compliant_stack(phase)
    find(specs, "appflow-key").props.update(props)
    return specs


@pytest.mark.parametrize("phase", ["preview", "update"])
def test_key_with_kms_defaults_passes(phase):
    assert findings(compliant_stack(phase)) == []
    assert findings(key_stack(phase, isEnabled=True, deletionWindowInDays=30)) == []


@pytest.mark.parametrize("phase", ["preview", "update"])
def test_disabled_key_is_reported(phase):
    assert findings(key_stack(phase, isEnabled=False)) == [DISABLED]


@pytest.mark.parametrize("days", [7, 7.0, 10, 29])
def test_deletion_window_shorter_than_the_default_is_reported(days):
    assert findings(key_stack(deletionWindowInDays=days)) == [short(f"{days:g}")]


def test_minimum_window_is_configurable():
    config = {"minimumDeletionWindowInDays": 14}
    assert findings(key_stack(deletionWindowInDays=14), config) == []
    assert findings(key_stack(deletionWindowInDays=10), config) == [short(10, minimum=14)]


def test_disabled_key_on_a_short_window_gives_both_findings():
    assert findings(key_stack(isEnabled=False, deletionWindowInDays=7)) == [DISABLED, short(7)]


@pytest.mark.parametrize("value", [UNKNOWN, None, "7", True, False, [7], {"days": 7}])
def test_window_not_known_or_odd_is_not_judged(value):
    assert findings(key_stack("preview", deletionWindowInDays=value)) == []


@pytest.mark.parametrize("value", [UNKNOWN, None, "false", 0, [False]])
def test_enabled_flag_not_known_or_odd_is_not_judged(value):
    assert findings(key_stack("preview", isEnabled=value)) == []


def test_key_appflow_does_not_use_is_not_reported():
    specs = compliant_stack("update") + [Spec("aws:kms/key:Key", "scratch", {"isEnabled": False, "deletionWindowInDays": 7})]
    assert findings(specs) == []


def test_stack_without_appflow_is_silent():
    specs = [spec for spec in key_stack(isEnabled=False) if spec.resource_type == "aws:kms/key:Key"]
    assert findings(specs) == []


@pytest.mark.parametrize("value", [6, 31, 10.5, "14", True])
def test_invalid_minimum_is_one_violation(value):
    assert findings(compliant_stack("update"), {"minimumDeletionWindowInDays": value}) == [
        ("Invalid policy config: minimumDeletionWindowInDays must be a whole number from 7 to 30.", None)]


def test_exemption_silences_the_key():
    assert findings(key_stack(isEnabled=False), {"exemptions": [{"resource": "appflow-key", "reason": "retiring"}]}) == []
