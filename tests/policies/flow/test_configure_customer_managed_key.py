import pytest

from appflow_guard.policies.flow.configure_customer_managed_key import POLICY
from harness import UNKNOWN, Spec, find, run_stack_policy, urn
from stacks import KEY_ARN, compliant_stack

FLOW_URN = urn("aws:appflow/flow:Flow", "accounts-to-s3")


def flow_stack(phase="preview", **changes):
    specs = compliant_stack(phase)
    flow = find(specs, "accounts-to-s3")
    for prop, value in changes.items():
        if value is None:
            flow.props.pop(prop, None)
            flow.deps.pop(prop, None)
        else:
            flow.props[prop] = value
            flow.deps.pop(prop, None)
    return specs


def messages(violations):
    return [(violation.message, violation.urn) for violation in violations]


@pytest.mark.parametrize("phase", ["preview", "update"])
def test_compliant_flow_with_key_from_this_stack_passes(phase):
    assert run_stack_policy(POLICY, compliant_stack(phase)) == []


def test_missing_kms_arn_is_reported_on_the_flow():
    assert messages(run_stack_policy(POLICY, flow_stack(kmsArn=None))) == [(
        "kmsArn is not set, so AppFlow encrypts the flow's data with the AWS managed key; "
        "set it to a customer managed KMS key.", FLOW_URN)]


@pytest.mark.parametrize("value", [
    "alias/aws/appflow",
    "arn:aws:kms:us-east-1:123456789012:alias/aws/appflow",
    "arn:aws-us-gov:kms:us-gov-west-1:123456789012:alias/aws/appflow",
])
def test_aws_managed_key_is_reported(value):
    assert messages(run_stack_policy(POLICY, flow_stack(kmsArn=value))) == [(
        f"kmsArn '{value}' is an AWS managed key; use a customer managed KMS key.", FLOW_URN)]


def test_aws_managed_key_is_reported_even_when_computed_from_a_stack_key():
    specs = flow_stack(kmsArn="alias/aws/appflow")
    find(specs, "accounts-to-s3").deps["kmsArn"] = [urn("aws:kms/key:Key", "appflow-key")]
    assert len(run_stack_policy(POLICY, specs)) == 1


def test_malformed_key_reference_is_reported():
    assert messages(run_stack_policy(POLICY, flow_stack(kmsArn="my-key"))) == [(
        "kmsArn 'my-key' is not a KMS key ARN, key ID or alias.", FLOW_URN)]


def test_empty_string_counts_as_missing():
    assert len(run_stack_policy(POLICY, flow_stack(kmsArn="  "))) == 1


def test_literal_arn_of_a_key_in_the_stack_passes():
    assert run_stack_policy(POLICY, flow_stack("update", kmsArn=KEY_ARN)) == []


def test_customer_alias_and_key_outside_the_stack_are_left_to_the_reference_rule():
    assert run_stack_policy(POLICY, flow_stack(kmsArn="alias/appflow-data")) == []
    assert run_stack_policy(POLICY, flow_stack(
        kmsArn="arn:aws:kms:us-east-1:999999999999:key/1234abcd-12ab-34cd-56ef-1234567890ab")) == []


def test_unknown_key_computed_from_an_alias_resource_resolves_to_its_key():
    specs = flow_stack(kmsArn=UNKNOWN)
    alias = Spec("aws:kms/alias:Alias", "appflow-alias", {"name": "alias/appflow", "targetKeyId": UNKNOWN},
                 deps={"targetKeyId": [urn("aws:kms/key:Key", "appflow-key")]})
    specs.append(alias)
    find(specs, "accounts-to-s3").deps["kmsArn"] = [alias.urn]
    assert run_stack_policy(POLICY, specs) == []


def test_unknown_key_from_elsewhere_is_not_reported_here():
    """The unverifiable value is reported once, by aws-appflow-stack-verify-external-references."""
    assert run_stack_policy(POLICY, flow_stack(kmsArn=UNKNOWN)) == []


@pytest.mark.parametrize("value", [42, ["arn"], {"arn": "x"}, True])
def test_non_string_kms_arn_is_reported_as_invalid(value):
    assert messages(run_stack_policy(POLICY, flow_stack(kmsArn=value))) == [
        ("kmsArn is not a KMS key ARN, key ID or alias.", FLOW_URN)]


def test_allowed_keys_config_rejects_other_literal_keys():
    other = "arn:aws:kms:us-east-1:123456789012:key/00000000-1111-2222-3333-444444444444"
    config = {"allowedKeyArns": [KEY_ARN]}
    assert run_stack_policy(POLICY, flow_stack("update", kmsArn=KEY_ARN), config) == []
    assert messages(run_stack_policy(POLICY, flow_stack("update", kmsArn=other), config)) == [(
        f"kmsArn '{other}' is not one of the allowed keys (allowedKeyArns).", FLOW_URN)]


def test_allowed_keys_config_checks_a_stack_key_once_its_arn_is_known():
    config = {"allowedKeyArns": ["arn:aws:kms:us-east-1:123456789012:key/00000000-1111-2222-3333-444444444444"]}
    assert run_stack_policy(POLICY, compliant_stack("preview"), config) == []
    assert messages(run_stack_policy(POLICY, compliant_stack("update"), config)) == [(
        f"kmsArn '{KEY_ARN}' is not one of the allowed keys (allowedKeyArns).", FLOW_URN)]


def test_other_resource_types_are_ignored():
    specs = [spec for spec in compliant_stack() if spec.resource_type != "aws:appflow/flow:Flow"]
    specs.append(Spec("aws:sqs/queue:Queue", "queue", {"kmsMasterKeyId": "alias/aws/sqs"}))
    assert run_stack_policy(POLICY, specs) == []


def test_invalid_config_is_reported_with_the_key():
    assert messages(run_stack_policy(POLICY, compliant_stack(), {"allowedKeyArns": "arn"})) == [
        ("Invalid policy config: allowedKeyArns must be a list of strings.", None)]
