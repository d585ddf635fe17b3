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


@pytest.mark.parametrize("as_source, reported", [(False, True), (True, False)])
def test_a_native_bucket_key_protects_appflow_data_where_appflow_writes_not_where_it_reads(as_source, reported):
    specs = native_stack("preview")
    bucket_key = Spec("aws-native:kms:Key", "landing-key", {"enableKeyRotation": False, "arn": UNKNOWN})
    find(specs, "landing").deps["bucketEncryption"] = [bucket_key.urn]
    if as_source:
        flow = find(specs, "accounts-to-s3")
        flow.props["sourceFlowConfig"] = {"connectorType": "S3", "sourceConnectorProperties": {"s3": {
            "bucketName": UNKNOWN, "bucketPrefix": "in"}}}
        flow.props["destinationFlowConfigList"] = [{"connectorType": "Salesforce", "destinationConnectorProperties": {
            "salesforce": {"object": "Account"}}}]
        flow.deps.update(sourceFlowConfig=flow.deps.pop("destinationFlowConfigList"))
    assert messages(run_stack_policy(POLICY, [bucket_key] + specs)) == ([(
        "enableKeyRotation is not true on a key that protects AppFlow data (landing default encryption).",
        bucket_key.urn)] if reported else [])


@pytest.mark.parametrize("phase", ["preview", "update"])
def test_a_native_key_given_through_a_native_alias_is_found(phase):
    specs = key_stack(phase, enableKeyRotation=False)
    alias = Spec("aws-native:kms:Alias", "appflow-alias", {"aliasName": "alias/appflow", "targetKeyId": UNKNOWN},
                 deps={"targetKeyId": [KEY]})
    flow = find(specs, "accounts-to-s3")
    flow.deps["kmsArn"] = [alias.urn]
    flow.props["kmsArn"] = UNKNOWN
    assert messages(run_stack_policy(POLICY, [alias] + specs)) == [
        (f"enableKeyRotation is not true on a key that protects AppFlow data {USERS}.", KEY)]
