import pytest

from appflow_guard.policies.connectorprofile.configure_customer_managed_key import POLICY
from harness import UNKNOWN, Spec, find, run_stack_policy, urn
from stacks import compliant_stack

PROFILE_URN = urn("aws:appflow/connectorProfile:ConnectorProfile", "salesforce")


def profile_stack(kms_arn, phase="preview"):
    specs = compliant_stack(phase)
    profile = find(specs, "salesforce")
    profile.deps.pop("kmsArn")
    if kms_arn is None:
        profile.props.pop("kmsArn")
    else:
        profile.props["kmsArn"] = kms_arn
    return specs


def messages(specs, config=None):
    return [(violation.message, violation.urn) for violation in run_stack_policy(POLICY, specs, config)]


@pytest.mark.parametrize("phase", ["preview", "update"])
def test_compliant_profile_passes(phase):
    assert messages(compliant_stack(phase)) == []


def test_missing_key_is_reported():
    assert messages(profile_stack(None)) == [(
        "kmsArn is not set, so AppFlow encrypts the connection's credentials with the AWS managed key; "
        "set it to a customer managed KMS key.", PROFILE_URN)]


def test_aws_managed_alias_arn_is_reported():
    value = "arn:aws:kms:eu-west-1:123456789012:alias/aws/appflow"
    assert messages(profile_stack(value)) == [
        (f"kmsArn '{value}' is an AWS managed key; use a customer managed KMS key.", PROFILE_URN)]


def test_unknown_value_without_a_key_behind_it_is_left_to_the_reference_rule():
    assert messages(profile_stack(UNKNOWN)) == []


def test_allowed_keys_apply_to_profiles():
    value = "arn:aws:kms:us-east-1:123456789012:key/00000000-1111-2222-3333-444444444444"
    assert messages(profile_stack(value), {"allowedKeyArns": ["alias/appflow"]}) == [
        (f"kmsArn '{value}' is not one of the allowed keys (allowedKeyArns).", PROFILE_URN)]


def test_other_resource_types_are_ignored():
    assert messages([Spec("aws:appflow/flow:Flow", "f", {"kmsArn": "alias/aws/appflow"})]) == []
    assert messages([Spec("aws:secretsmanager/secret:Secret", "s", {"kmsKeyId": "alias/aws/secretsmanager"})]) == []
