"""aws-appflow-iam-user-enforce-mfa: IAM users with a password or access keys are denied access without MFA.

The compliant base: the compliant AppFlow stack plus an IAM user with a login profile and an access
key, in a group that holds the MFA policy AWS documents ("deny every action but managing your own
MFA device, BoolIfExists aws:MultiFactorAuthPresent false"). Each test breaks one thing.
"""

import copy
import json

import pytest

from harness import UNKNOWN, NotApplicable, Spec, find, run_stack_policy, urn
from stacks import ACCOUNT, compliant_stack, mfa_policy_document

from appflow_guard.policies.iam.user_enforce_mfa import POLICY

USER = urn("aws:iam/user:User", "alice")
GROUP = urn("aws:iam/group:Group", "operators")
MFA_POLICY = urn("aws:iam/policy:Policy", "require-mfa")
MFA_POLICY_ARN = f"arn:aws:iam::{ACCOUNT}:policy/require-mfa"
REQUIRE_MFA = mfa_policy_document()
ALL = "appflow:*, s3:GetObject, secretsmanager:GetSecretValue, kms:Decrypt"
FIX = ("Attach to the user or its group a policy that denies every action but managing its own MFA device with the "
       "condition BoolIfExists aws:MultiFactorAuthPresent false; for people, use IAM Identity Center users instead "
       "of IAM users.")
BOTH = "console access (alice-login) and access keys (alice-key)"


def message(access=BOTH, console=ALL, keys=ALL, verdict="no policy attached to the user or its groups denies",
            user="user alice", hint=""):
    problems = []
    if console:
        problems.append(f"{console} when its console session was signed in without MFA")
    if keys:
        problems.append(f"{keys} for requests signed with its access keys{hint}")
    return f"IAM {user} has {access}; {verdict} {'; nor '.join(problems)}. {FIX}"


def mfa_stack(phase="update", document=None):
    def computed(value):
        return UNKNOWN if phase == "preview" else value

    return compliant_stack(phase) + [
        Spec("aws:iam/user:User", "alice", {"name": "alice", "arn": computed(f"arn:aws:iam::{ACCOUNT}:user/alice")}),
        Spec("aws:iam/userLoginProfile:UserLoginProfile", "alice-login", {"user": "alice", "passwordResetRequired": True},
             deps={"user": [USER]}),
        Spec("aws:iam/accessKey:AccessKey", "alice-key", {"user": "alice", "status": "Active"}, deps={"user": [USER]}),
        Spec("aws:iam/group:Group", "operators", {"name": "appflow-operators"}),
        Spec("aws:iam/groupMembership:GroupMembership", "operators-members",
             {"name": "operators", "group": "appflow-operators", "users": ["alice"]},
             deps={"group": [GROUP], "users": [USER]}),
        Spec("aws:iam/policy:Policy", "require-mfa", {
            "name": "require-mfa", "policy": json.dumps(document or REQUIRE_MFA), "arn": computed(MFA_POLICY_ARN)}),
        Spec("aws:iam/groupPolicyAttachment:GroupPolicyAttachment", "operators-require-mfa",
             {"group": "appflow-operators", "policyArn": computed(MFA_POLICY_ARN)},
             deps={"group": [GROUP], "policyArn": [MFA_POLICY]}),
    ]


def without(specs, *names):
    return [spec for spec in specs if spec.name not in names]


def findings(specs, config=None):
    return [(violation.message, violation.urn) for violation in run_stack_policy(POLICY, specs, config)]


def with_condition(condition):
    document = copy.deepcopy(REQUIRE_MFA)
    document["Statement"][1]["Condition"] = condition
    return document


@pytest.mark.parametrize("phase", ["preview", "update"])
def test_user_in_a_group_that_denies_everything_without_mfa_passes(phase):
    assert findings(mfa_stack(phase)) == []


@pytest.mark.parametrize("phase", ["preview", "update"])
def test_compliant_appflow_stack_without_iam_users_passes(phase):
    assert findings(compliant_stack(phase)) == []


@pytest.mark.parametrize("phase", ["preview", "update"])
def test_user_outside_the_group_is_reported_on_the_user(phase):
    assert findings(without(mfa_stack(phase), "operators-members")) == [(message(), USER)]


def test_policy_attached_to_the_group_but_not_the_user_counts_only_through_membership():
    specs = without(mfa_stack(), "operators-members") + [
        Spec("aws:iam/userGroupMembership:UserGroupMembership", "alice-groups",
             {"user": "alice", "groups": ["appflow-operators"]}, deps={"user": [USER], "groups": [GROUP]})]
    assert findings(specs) == []


def test_bool_instead_of_bool_if_exists_leaves_access_keys_without_mfa():
    """A request signed with a long-term access key carries no aws:MultiFactorAuthPresent: Bool does not match it."""
    specs = mfa_stack(document=with_condition({"Bool": {"aws:MultiFactorAuthPresent": "false"}}))
    hint = (" (a Bool condition on aws:MultiFactorAuthPresent does not match access-key requests, which do not "
            "carry the key: use BoolIfExists)")
    assert findings(specs) == [(message(console=None, hint=hint), USER)]


def test_bool_is_enough_for_a_user_with_console_access_only():
    specs = without(mfa_stack(document=with_condition({"Bool": {"aws:MultiFactorAuthPresent": "false"}})), "alice-key")
    assert findings(specs) == []


def test_deny_of_appflow_alone_leaves_the_data_reachable_without_mfa():
    document = copy.deepcopy(REQUIRE_MFA)
    document["Statement"][1] = {"Sid": "DenyAppFlowIfNoMFA", "Effect": "Deny", "Action": "appflow:*", "Resource": "*",
                                "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}
    rest = "s3:GetObject, secretsmanager:GetSecretValue, kms:Decrypt"
    assert findings(mfa_stack(document=document)) == [(message(console=rest, keys=rest), USER)]


def test_deny_that_depends_on_another_key_does_not_deny_every_request():
    condition = {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}, "StringEquals": {"aws:RequestedRegion": "eu-west-1"}}
    assert findings(mfa_stack(document=with_condition(condition))) == [(message(), USER)]


def test_inline_user_policy_that_denies_without_mfa_counts():
    specs = without(mfa_stack(), "operators-members") + [
        Spec("aws:iam/userPolicy:UserPolicy", "alice-require-mfa", {"user": "alice", "policy": json.dumps(REQUIRE_MFA)},
             deps={"user": [USER]})]
    assert findings(specs) == []


def test_policy_attachment_to_the_user_counts():
    specs = without(mfa_stack(), "operators-members", "operators-require-mfa") + [
        Spec("aws:iam/policyAttachment:PolicyAttachment", "require-mfa-everywhere",
             {"name": "require-mfa", "users": ["alice"], "policyArn": MFA_POLICY_ARN},
             deps={"users": [USER], "policyArn": [MFA_POLICY]})]
    assert findings(specs) == []


def test_access_keys_only_and_inactive_keys():
    specs = without(mfa_stack(), "operators-members", "alice-login")
    assert findings(specs) == [(message(access="access keys (alice-key)", console=None), USER)]
    find(specs, "alice-key").props["status"] = "Inactive"
    assert findings(specs) == []


def test_user_without_password_or_keys_is_not_in_scope():
    assert findings(without(mfa_stack(), "operators-members", "alice-login", "alice-key")) == []


def test_aws_managed_policies_deny_nothing():
    specs = without(mfa_stack(), "operators-members") + [
        Spec("aws:iam/userPolicyAttachment:UserPolicyAttachment", "alice-readonly",
             {"user": "alice", "policyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}, deps={"user": [USER]})]
    assert findings(specs) == [(message(), USER)]


def test_policy_managed_outside_the_stack_cannot_be_checked_here():
    outside = f"arn:aws:iam::{ACCOUNT}:policy/org/require-mfa"
    specs = without(mfa_stack(), "operators-members") + [
        Spec("aws:iam/userPolicyAttachment:UserPolicyAttachment", "alice-org-mfa",
             {"user": "alice", "policyArn": outside}, deps={"user": [USER]})]
    verdict = (f"cannot be checked here (policies managed outside this stack are attached ({outside})): "
               "verify that a policy denies")
    assert findings(specs) == [(message(verdict=verdict), USER)]


def test_user_managed_outside_the_stack_is_reported_on_its_login_profile():
    specs = [spec for spec in compliant_stack("update")] + [
        Spec("aws:iam/userLoginProfile:UserLoginProfile", "bob-login", {"user": "bob"})]
    verdict = "cannot be checked here (the user is managed outside this stack): verify that a policy denies"
    assert findings(specs) == [(message(access="console access (bob-login)", keys=None, verdict=verdict,
                                        user="user bob (not in this stack)"),
                                urn("aws:iam/userLoginProfile:UserLoginProfile", "bob-login"))]


def test_user_managed_outside_the_stack_with_an_mfa_policy_of_the_stack_passes():
    specs = compliant_stack("update") + [
        Spec("aws:iam/accessKey:AccessKey", "bob-key", {"user": "bob"}),
        Spec("aws:iam/userPolicy:UserPolicy", "bob-require-mfa", {"user": "bob", "policy": json.dumps(REQUIRE_MFA)})]
    assert findings(specs) == []


def test_unknown_policy_document_is_deferred_to_the_update():
    specs = mfa_stack("preview")
    find(specs, "require-mfa").props["policy"] = UNKNOWN
    assert findings(specs) == []


def test_unknown_membership_is_deferred_to_the_update():
    specs = without(mfa_stack("preview"), "operators-members") + [
        Spec("aws:iam/groupMembership:GroupMembership", "later", {"group": "appflow-operators", "users": [UNKNOWN]},
             deps={"group": [GROUP]})]
    assert findings(specs) == []


def test_unknown_attachment_target_does_not_hide_a_missing_policy_of_a_known_user():
    specs = without(mfa_stack("preview"), "operators-members")
    find(specs, "operators-require-mfa").props["group"] = UNKNOWN
    assert findings(specs) == [(message(), USER)]


@pytest.mark.parametrize("value", [None, 42, [], {"a": 1}, ["alice", None], [UNKNOWN]])
def test_odd_values_never_crash(value):
    specs = mfa_stack()
    for name, prop in (("operators-members", "users"), ("alice-login", "user"), ("require-mfa", "policy"),
                       ("operators-require-mfa", "policyArn"), ("alice", "name")):
        broken = copy.deepcopy(specs)
        find(broken, name).props[prop] = value
        assert isinstance(findings(broken), list)


def test_exemption_with_expiry():
    specs = without(mfa_stack(), "operators-members")
    assert findings(specs, {"exemptions": [{"resource": "alice", "reason": "break-glass user", "expires": "2999-01-01"}]}) == []
    expired = findings(specs, {"exemptions": [{"resource": "alice", "reason": "migration", "expires": "2020-01-31"}]})
    assert expired == [(message() + " (The exemption for 'alice' expired on 2020-01-31.)", USER)]


def test_stack_without_appflow_is_not_applicable():
    specs = [spec for spec in without(mfa_stack(), "operators-members") if not spec.resource_type.startswith("aws:appflow/")]
    with pytest.raises(NotApplicable, match="^the stack has no AppFlow resources$"):
        run_stack_policy(POLICY, specs)


def test_permissions_boundary_that_allows_only_with_mfa_counts():
    boundary_arn = f"arn:aws:iam::{ACCOUNT}:policy/mfa-boundary"
    boundary = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*",
                                                        "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]}
    specs = without(mfa_stack(), "operators-members") + [Spec("aws:iam/policy:Policy", "mfa-boundary", {
        "name": "mfa-boundary", "policy": json.dumps(boundary), "arn": boundary_arn})]
    find(specs, "alice").props["permissionsBoundary"] = boundary_arn
    assert findings(specs) == []
    boundary["Statement"][0]["Condition"] = {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}
    find(specs, "mfa-boundary").props["policy"] = json.dumps(boundary)
    assert findings(specs) == [(message(), USER)]
    find(specs, "alice").props["permissionsBoundary"] = UNKNOWN
    assert findings(specs) == []   # a boundary not known yet, from no resource of the stack: the update tells
