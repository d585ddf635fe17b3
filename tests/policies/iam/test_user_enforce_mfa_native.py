"""aws-appflow-iam-user-enforce-mfa with pulumi-aws-native: User.loginProfile, groups and policies,
Group.policies and managedPolicyArns, ManagedPolicy.users/groups."""

import pytest

from harness import UNKNOWN, Spec, find, run_stack_policy, urn
from native_stacks import ACCOUNT, native_stack
from stacks import mfa_policy_document

from appflow_guard.policies.iam.user_enforce_mfa import POLICY

USER_TYPE, GROUP_TYPE, MANAGED = "aws-native:iam:User", "aws-native:iam:Group", "aws-native:iam:ManagedPolicy"
USER = urn(USER_TYPE, "alice")
GROUP = urn(GROUP_TYPE, "operators")
REQUIRE_MFA = mfa_policy_document()
FIX = ("Attach to the user or its group a policy that denies every action but managing its own MFA device with the "
       "condition BoolIfExists aws:MultiFactorAuthPresent false; for people, use IAM Identity Center users instead "
       "of IAM users.")
ALL = "appflow:*, s3:GetObject, secretsmanager:GetSecretValue, kms:Decrypt"
CONSOLE_ONLY = (f"IAM user alice has console access (alice); no policy attached to the user or its groups denies {ALL} "
                f"when its console session was signed in without MFA. {FIX}")


def native_mfa_stack(phase="update", groups=("appflow-operators",)):
    return native_stack(phase) + [
        Spec(GROUP_TYPE, "operators", {"groupName": "appflow-operators", "policies": [
            {"policyName": "require-mfa", "policyDocument": REQUIRE_MFA}]}),
        Spec(USER_TYPE, "alice", {"userName": "alice", "loginProfile": {"password": UNKNOWN, "passwordResetRequired": True},
                                  "groups": list(groups)}, deps={"groups": [GROUP]} if groups else {}),
    ]


def findings(specs, config=None):
    return [(violation.message, violation.urn) for violation in run_stack_policy(POLICY, specs, config)]


@pytest.mark.parametrize("phase", ["preview", "update"])
def test_native_user_in_a_group_with_an_inline_mfa_policy_passes(phase):
    assert findings(native_mfa_stack(phase)) == []


@pytest.mark.parametrize("phase", ["preview", "update"])
def test_native_compliant_stack_passes(phase):
    assert findings(native_stack(phase)) == []


def test_native_user_with_a_login_profile_outside_the_group_is_reported():
    assert findings(native_mfa_stack(groups=())) == [(CONSOLE_ONLY, USER)]


def test_native_user_without_login_profile_is_not_in_scope():
    specs = native_mfa_stack(groups=())
    del find(specs, "alice").props["loginProfile"]
    assert findings(specs) == []


def test_native_managed_policy_naming_its_users_counts():
    specs = native_mfa_stack(groups=()) + [Spec(MANAGED, "require-mfa", {
        "managedPolicyName": "require-mfa", "policyDocument": REQUIRE_MFA, "users": ["alice"]}, deps={"users": [USER]})]
    assert findings(specs) == []


def test_native_group_attaching_a_managed_policy_by_arn_counts():
    arn = f"arn:aws:iam::{ACCOUNT}:policy/require-mfa"
    specs = native_mfa_stack() + [Spec(MANAGED, "require-mfa", {
        "managedPolicyName": "require-mfa", "policyDocument": REQUIRE_MFA, "policyArn": arn})]
    find(specs, "operators").props = {"groupName": "appflow-operators", "managedPolicyArns": [arn]}
    assert findings(specs) == []
    find(specs, "operators").props["managedPolicyArns"] = [UNKNOWN]
    assert findings(specs) == []   # an ARN not known yet, from no resource of the stack: the update tells


def test_native_user_with_its_own_inline_mfa_policy_passes():
    specs = native_mfa_stack(groups=())
    find(specs, "alice").props["policies"] = [{"policyName": "require-mfa", "policyDocument": REQUIRE_MFA}]
    assert findings(specs) == []


def test_pulumi_aws_access_key_for_a_native_user_counts_as_access_keys():
    specs = native_mfa_stack(groups=()) + [
        Spec("aws:iam/accessKey:AccessKey", "alice-key", {"user": "alice"}, deps={"user": [USER]})]
    assert findings(specs) == [(
        f"IAM user alice has console access (alice) and access keys (alice-key); no policy attached to the user or its "
        f"groups denies {ALL} when its console session was signed in without MFA; nor {ALL} for requests signed with "
        f"its access keys. {FIX}", USER)]


@pytest.mark.parametrize("value", [None, 7, "x", [None], [UNKNOWN], {"policyDocument": 1}])
def test_odd_native_values_never_crash(value):
    for name, prop in (("alice", "groups"), ("alice", "loginProfile"), ("operators", "policies"), ("alice", "policies")):
        specs = native_mfa_stack()
        find(specs, name).props[prop] = value
        assert isinstance(findings(specs), list)
