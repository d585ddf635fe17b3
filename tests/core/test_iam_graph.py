"""Who holds which IAM policy: principals named by name or by dependency, policies by ARN, groups."""

from harness import UNKNOWN, Spec, stack_resources, urn

from appflow_guard.core.iam_graph import GROUP, ROLE, USER, IamGraph, Principal
from appflow_guard.core.stack import StackView

ARN = "arn:aws:iam::123456789012:policy/operator"
USER_URN = urn("aws:iam/user:User", "alice")
POLICY_URN = urn("aws:iam/policy:Policy", "operator")


def graph(*specs):
    return IamGraph(StackView(stack_resources(list(specs))))


def user(name="alice", **props):
    return Spec("aws:iam/user:User", name, {"name": name, **props})


def policy(**props):
    return Spec("aws:iam/policy:Policy", "operator", {"policy": "{}", **props})


def labels(principals):
    return [principal.label for principal in principals]


def test_a_principal_is_found_by_name_by_dependency_or_kept_by_name_from_outside():
    built = graph(user(), Spec("aws:iam/accessKey:AccessKey", "k", {"user": "alice"}),
                  Spec("aws:iam/accessKey:AccessKey", "computed", {"user": UNKNOWN}, deps={"user": [USER_URN]}),
                  Spec("aws:iam/userLoginProfile:UserLoginProfile", "bob-login", {"user": "bob"}))
    assert labels(built.keys) == ["user alice"]
    assert [key.name for key in built.keys[Principal(USER, "alice", USER_URN)]] == ["k", "computed"]
    assert labels(built.console) == ["user bob (not in this stack)"]


def test_an_unknown_name_without_a_dependency_is_incomplete():
    resource = stack_resources([Spec("aws:iam/groupMembership:GroupMembership", "m", {"group": "ops", "users": [UNKNOWN]})])[0]
    assert IamGraph(StackView([resource])).principals_named(resource, "users", USER) == ([], False)
    assert IamGraph(StackView([resource])).principals_named(resource, "group", GROUP) == ([Principal(GROUP, "ops")], True)


def test_policy_arns_are_aws_managed_in_the_stack_outside_or_not_known():
    specs = [policy(arn=ARN), Spec("aws:iam/role:Role", "r", {"name": "r", "managedPolicyArns": [
        "arn:aws:iam::aws:policy/service-role/AWSGlueServiceRole", ARN, "arn:aws:iam::999999999999:policy/x", UNKNOWN]})]
    resources = stack_resources(specs)
    attached, complete = IamGraph(StackView(resources)).policies_named(resources[1], "managedPolicyArns")
    assert [(item.aws_managed, item.document.holder.name if item.document else None, item.outside) for item in attached] == [
        ("AWSGlueServiceRole", None, None), (None, "operator", None), (None, None, "arn:aws:iam::999999999999:policy/x")]
    assert complete is False


def test_a_managed_policy_attached_by_an_arn_not_known_yet_is_found_through_its_dependency():
    built = graph(user(), policy(arn=UNKNOWN), Spec(
        "aws:iam/userPolicyAttachment:UserPolicyAttachment", "a", {"user": "alice", "policyArn": UNKNOWN},
        deps={"policyArn": [POLICY_URN]}))
    assert [(principal.label, via.name) for principal, via in built.holders[f"{POLICY_URN}#policy"]] == [("user alice", "a")]
    assert built.effective(Principal(USER, "alice", USER_URN))[1] is True


def test_a_users_effective_policies_include_its_groups():
    group_urn = urn("aws:iam/group:Group", "ops")
    built = graph(user(), Spec("aws:iam/group:Group", "ops", {"name": "ops"}),
                  Spec("aws:iam/userGroupMembership:UserGroupMembership", "m", {"user": "alice", "groups": ["ops"]}),
                  Spec("aws:iam/groupPolicy:GroupPolicy", "gp", {"group": "ops", "policy": "{}"}, deps={"group": [group_urn]}))
    attached, complete = built.effective(Principal(USER, "alice", USER_URN))
    assert [item.via.name for item in attached] == ["gp"] and complete


def test_a_membership_of_users_not_known_yet_leaves_every_user_incomplete():
    built = graph(user(), Spec("aws:iam/groupMembership:GroupMembership", "m", {"group": "ops", "users": [UNKNOWN]}))
    assert built.effective(Principal(USER, "alice", USER_URN)) == ([], False)


def test_native_principals_hold_their_own_documents_and_managed_policies_name_theirs():
    built = graph(Spec("aws-native:iam:Role", "r", {"roleName": "etl", "policies": [{"policyName": "p", "policyDocument": {}}]}),
                  Spec("aws-native:iam:ManagedPolicy", "mp", {"policyDocument": {}, "roles": ["etl"]}))
    assert [document.field for document in built.documents()] == ["policies[0].policyDocument", "policyDocument"]
    role = Principal(ROLE, "etl", urn("aws-native:iam:Role", "r"))
    assert [item.via.name for item in built.attached[role]] == ["r", "mp"]


def test_an_inline_policy_for_a_principal_not_known_yet_is_unsure():
    built = graph(Spec("aws:iam/rolePolicy:RolePolicy", "rp", {"role": UNKNOWN, "policy": "{}"}))
    assert built.unsure_holders == {f"{urn('aws:iam/rolePolicy:RolePolicy', 'rp')}#policy"}
