"""aws-native keys: keyPolicy is an object, not JSON text."""

import json

import pytest

from appflow_guard.policies.kms.key_disallow_wildcard_principal import POLICY
from harness import UNKNOWN, Spec, find, run_stack_policy
from native_stacks import KEY, key_policy, mixed_stack, native_stack


def with_key_policy(policy, phase="preview"):
    specs = native_stack(phase)
    find(specs, "appflow-key").props["keyPolicy"] = policy
    return specs


def messages(violations):
    return [(violation.message, violation.urn) for violation in violations]


@pytest.mark.parametrize("phase", ["preview", "update"])
def test_scoped_native_key_policy_passes(phase):
    assert run_stack_policy(POLICY, native_stack(phase)) == []
    assert run_stack_policy(POLICY, mixed_stack(phase)) == []


def test_wildcard_principal_without_condition_is_reported():
    policy = key_policy()
    policy["Statement"].append({"Sid": "Everyone", "Effect": "Allow", "Principal": {"AWS": "*"},
                                "Action": "kms:Decrypt", "Resource": "*"})
    assert messages(run_stack_policy(POLICY, with_key_policy(policy))) == [(
        "The keyPolicy of key 'appflow-key': statement Everyone allows Principal '*' without a condition.", KEY)]


def test_appflow_grant_without_source_condition_is_reported():
    policy = key_policy()
    del policy["Statement"][1]["Condition"]
    assert messages(run_stack_policy(POLICY, with_key_policy(policy))) == [(
        "The keyPolicy of key 'appflow-key': statement AppFlowUse grants appflow.amazonaws.com without an "
        "aws:SourceAccount or aws:SourceArn condition.", KEY)]


def test_key_policy_that_is_not_a_document_is_reported():
    assert messages(run_stack_policy(POLICY, with_key_policy(["Allow"]))) == [(
        "The keyPolicy of key 'appflow-key' is not a valid JSON policy document.", KEY)]


def test_unknown_or_absent_key_policy_is_silent():
    assert run_stack_policy(POLICY, with_key_policy(UNKNOWN)) == []
    assert run_stack_policy(POLICY, with_key_policy({"Statement": [UNKNOWN]})) == []
    everyone = {"Sid": "Everyone", "Effect": "Allow", "Principal": UNKNOWN, "Action": "kms:Decrypt", "Resource": "*"}
    assert run_stack_policy(POLICY, with_key_policy({"Statement": key_policy()["Statement"] + [everyone]})) == []
    assert run_stack_policy(POLICY, with_key_policy(None)) == []


def test_native_key_outside_appflow_is_silent():
    assert run_stack_policy(POLICY, [Spec("aws-native:kms:Key", "other", {
        "keyPolicy": {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "kms:*"}]}})]) == []


def with_statement(statement, as_text=False):
    policy = key_policy()
    policy["Statement"].append(statement)
    return with_key_policy(json.dumps(policy) if as_text else policy)


EVERYONE = {"Sid": "Everyone", "Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*"}


@pytest.mark.parametrize("as_text", [False, True])
def test_key_policy_given_as_json_text_reads_as_the_object(as_text):
    assert messages(run_stack_policy(POLICY, with_statement(EVERYONE, as_text))) == [(
        "The keyPolicy of key 'appflow-key': statement Everyone allows Principal '*' without a condition.", KEY)]


def test_organization_wildcard_is_reported_only_when_configured():
    shared = dict(EVERYONE, Condition={"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}})
    assert run_stack_policy(POLICY, with_statement(shared)) == []
    assert messages(run_stack_policy(POLICY, with_statement(shared), {"allowOrganizationWildcard": False})) == [(
        "The keyPolicy of key 'appflow-key': statement Everyone allows Principal '*' to every account of an "
        "organization (allowOrganizationWildcard is false).", KEY)]


def test_wildcard_with_a_source_ip_condition_is_reported():
    open_by_ip = dict(EVERYONE, Condition={"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}})
    assert messages(run_stack_policy(POLICY, with_statement(open_by_ip))) == [(
        "The keyPolicy of key 'appflow-key': statement Everyone allows Principal '*' with conditions that do not "
        "limit it to your account or organization.", KEY)]


def test_not_principal_allow_is_reported_as_refused():
    grant = {key: value for key, value in EVERYONE.items() if key != "Principal"}
    assert messages(run_stack_policy(POLICY, with_statement(dict(grant, NotPrincipal={"AWS": "*"})))) == [(
        "The keyPolicy of key 'appflow-key' is not a policy AWS accepts (statement Everyone: NotPrincipal is "
        "supported only with Deny).", KEY)]
