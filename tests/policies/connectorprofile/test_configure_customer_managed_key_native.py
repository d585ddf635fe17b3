"""aws-native connector profiles: the same customer managed key rule on aws-native:appflow:ConnectorProfile."""

import pytest

from appflow_guard.policies.connectorprofile.configure_customer_managed_key import POLICY
from harness import UNKNOWN, Spec, find, run_stack_policy
from native_stacks import PROFILE, mixed_stack, native_stack


def profile_stack(phase="preview", **changes):
    specs = native_stack(phase)
    profile = find(specs, "salesforce")
    for prop, value in changes.items():
        profile.deps.pop(prop, None)
        if value is None:
            profile.props.pop(prop, None)
        else:
            profile.props[prop] = value
    return specs


def messages(violations):
    return [(violation.message, violation.urn) for violation in violations]


@pytest.mark.parametrize("phase", ["preview", "update"])
def test_compliant_native_profile_passes(phase):
    assert run_stack_policy(POLICY, native_stack(phase)) == []
    assert run_stack_policy(POLICY, mixed_stack(phase)) == []


def test_missing_kms_arn_is_reported_on_the_native_profile():
    assert messages(run_stack_policy(POLICY, profile_stack(kmsArn=None))) == [(
        "kmsArn is not set, so AppFlow encrypts the connection's credentials with the AWS managed key; "
        "set it to a customer managed KMS key.", PROFILE)]


def test_aws_managed_and_malformed_keys_are_reported():
    assert messages(run_stack_policy(POLICY, profile_stack(kmsArn="alias/aws/appflow"))) == [(
        "kmsArn 'alias/aws/appflow' is an AWS managed key; use a customer managed KMS key.", PROFILE)]
    assert messages(run_stack_policy(POLICY, profile_stack(kmsArn="my-key"))) == [(
        "kmsArn 'my-key' is not a KMS key ARN, key ID or alias.", PROFILE)]


def test_unknown_key_from_a_pulumi_aws_key_passes_in_preview():
    specs = profile_stack(kmsArn=UNKNOWN)
    specs.append(Spec("aws:kms/key:Key", "classic-key", {"enableKeyRotation": True, "arn": UNKNOWN}))
    find(specs, "salesforce").deps["kmsArn"] = [specs[-1].urn]
    assert run_stack_policy(POLICY, specs) == []


def test_other_resource_types_are_silent():
    assert run_stack_policy(POLICY, [Spec("aws-native:appflow:Connector", "c", {})]) == []
