"""aws-native flows: the same customer managed key rule on aws-native:appflow:Flow."""

import pytest

from appflow_guard.policies.flow.configure_customer_managed_key import POLICY
from harness import UNKNOWN, Spec, find, run_stack_policy
from native_stacks import FLOW, KEY, mixed_stack, native_stack


def flow_stack(phase="preview", **changes):
    specs = native_stack(phase)
    flow = find(specs, "accounts-to-s3")
    for prop, value in changes.items():
        flow.deps.pop(prop, None)
        if value is None:
            flow.props.pop(prop, None)
        else:
            flow.props[prop] = value
    return specs


def messages(violations):
    return [(violation.message, violation.urn) for violation in violations]


@pytest.mark.parametrize("phase", ["preview", "update"])
def test_compliant_native_flow_with_a_native_key_passes(phase):
    assert run_stack_policy(POLICY, native_stack(phase)) == []


@pytest.mark.parametrize("phase", ["preview", "update"])
def test_keys_resolve_across_providers(phase):
    assert run_stack_policy(POLICY, mixed_stack(phase)) == []


def test_missing_kms_arn_is_reported_on_the_native_flow():
    assert messages(run_stack_policy(POLICY, flow_stack(kmsArn=None))) == [(
        "kmsArn is not set, so AppFlow encrypts the flow's data with the AWS managed key; "
        "set it to a customer managed KMS key.", FLOW)]


def test_aws_managed_key_is_reported_on_the_native_flow():
    assert messages(run_stack_policy(POLICY, flow_stack(kmsArn="alias/aws/appflow"))) == [(
        "kmsArn 'alias/aws/appflow' is an AWS managed key; use a customer managed KMS key.", FLOW)]


def test_unknown_key_without_a_stack_key_behind_it_is_left_to_the_reference_rule():
    assert run_stack_policy(POLICY, flow_stack(kmsArn=UNKNOWN)) == []


def test_unknown_key_computed_from_a_native_alias_resolves_to_its_key():
    specs = flow_stack(kmsArn=UNKNOWN)
    alias = Spec("aws-native:kms:Alias", "appflow-alias", {"aliasName": "alias/appflow", "targetKeyId": UNKNOWN},
                 deps={"targetKeyId": [KEY]})
    specs.append(alias)
    find(specs, "accounts-to-s3").deps["kmsArn"] = [alias.urn]
    assert run_stack_policy(POLICY, specs) == []


def test_allowed_keys_apply_to_a_native_key():
    other = "arn:aws:kms:us-east-1:123456789012:key/99999999-12ab-34cd-56ef-1234567890ab"
    key_arn = find(native_stack("update"), "appflow-key").props["arn"]
    assert messages(run_stack_policy(POLICY, native_stack("update"), {"allowedKeyArns": [other]})) == [(
        f"kmsArn '{key_arn}' is not one of the allowed keys (allowedKeyArns).", FLOW)]
    assert run_stack_policy(POLICY, native_stack("update"), {"allowedKeyArns": [key_arn]}) == []


def test_literal_native_alias_name_of_the_stack_resolves():
    specs = flow_stack("update", kmsArn="alias/appflow")
    specs.append(Spec("aws-native:kms:Alias", "appflow-alias", {"aliasName": "alias/appflow",
                                                               "targetKeyId": "1234abcd-12ab-34cd-56ef-1234567890ab"}))
    assert run_stack_policy(POLICY, specs, {"allowedKeyArns": ["1234abcd-12ab-34cd-56ef-1234567890ab"]}) == []


def test_other_resource_types_are_silent():
    specs = [Spec("aws-native:appflow:Connector", "c", {"kmsArn": "alias/aws/appflow"}),
             Spec("aws-native:s3:Bucket", "b", {})]
    assert run_stack_policy(POLICY, specs) == []
