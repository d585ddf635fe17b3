"""aws-appflow-iam-policy-disallow-full-access with pulumi-aws-native: ManagedPolicy (users, groups,
roles), Role/User/Group policies and managedPolicyArns, RolePolicy."""

import pytest

from harness import UNKNOWN, Spec, find, run_stack_policy, urn
from native_stacks import native_stack
from stacks import operator_policy_document

from appflow_guard.policies.iam.policy_disallow_full_access import POLICY

FIX = ("grant only the AppFlow actions the job needs (for people who run flows: appflow:DescribeFlow, "
       "appflow:DescribeFlowExecutionRecords, appflow:StartFlow and appflow:StopFlow) on "
       "arn:aws:appflow:<region>:<account>:flow/salesforce-accounts-to-s3.")
MANAGED = urn("aws-native:iam:ManagedPolicy", "appflow-operator")
ROLE = urn("aws-native:iam:Role", "glue")
TRUST = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "glue.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
ADMIN = {"Version": "2012-10-17", "Statement": [{"Sid": "Admin", "Effect": "Allow", "Action": "*", "Resource": "*"}]}


def findings(specs, config=None):
    return [(violation.message, violation.urn) for violation in run_stack_policy(POLICY, specs, config)]


def unscoped_operator(phase="update", **props):
    specs = native_stack(phase)
    document = operator_policy_document()
    document["Statement"][0] = {"Sid": "AppFlow", "Effect": "Allow", "Action": "appflow:*", "Resource": "*"}
    find(specs, "appflow-operator").props.update(policyDocument=document, **props)
    return specs


def glue_role(**props):
    return Spec("aws-native:iam:Role", "glue", {"roleName": "glue-etl", "assumeRolePolicyDocument": TRUST, **props})


@pytest.mark.parametrize("phase", ["preview", "update"])
def test_native_compliant_stack_passes(phase):
    assert findings(native_stack(phase)) == []


@pytest.mark.parametrize("phase", ["preview", "update"])
def test_native_managed_policy_with_appflow_star_is_reported(phase):
    assert findings(unscoped_operator(phase)) == [(
        "policyDocument: statement AppFlow grants every AppFlow action on every resource to whoever it is attached "
        f"to (no user, group or role of this stack); {FIX}", MANAGED)]


def test_native_managed_policy_names_its_roles_and_allowed_ones_pass():
    specs = unscoped_operator(roles=["glue-etl"]) + [glue_role()]
    find(specs, "appflow-operator").deps = {"roles": [ROLE]}
    assert findings(specs) == [(
        f"policyDocument: statement AppFlow grants every AppFlow action on every resource to role glue; {FIX}", MANAGED)]
    assert findings(specs, {"fullAccessPrincipals": ["glue-etl"]}) == []


def test_native_role_inline_admin_policy_is_reported_on_the_role():
    specs = native_stack("update") + [glue_role(policies=[{"policyName": "admin", "policyDocument": ADMIN}])]
    assert findings(specs) == [(
        f"policies[0].policyDocument: statement Admin grants every action on every resource to role glue; {FIX}", ROLE)]


def test_native_user_and_group_inline_policies_are_read():
    user = Spec("aws-native:iam:User", "alice", {"userName": "alice", "policies": [
        {"policyName": "admin", "policyDocument": ADMIN}]})
    group = Spec("aws-native:iam:Group", "admins", {"groupName": "admins", "policies": [
        {"policyName": "admin", "policyDocument": ADMIN}]})
    assert findings(native_stack("update") + [user, group]) == [
        (f"policies[0].policyDocument: statement Admin grants every action on every resource to user alice; {FIX}",
         urn("aws-native:iam:User", "alice")),
        (f"policies[0].policyDocument: statement Admin grants every action on every resource to group admins; {FIX}",
         urn("aws-native:iam:Group", "admins"))]


def test_native_role_policy_names_its_role():
    specs = native_stack("update") + [glue_role(), Spec(
        "aws-native:iam:RolePolicy", "glue-admin", {"roleName": "glue-etl", "policyName": "admin", "policyDocument": ADMIN},
        deps={"roleName": [ROLE]})]
    assert findings(specs) == [(
        f"policyDocument: statement Admin grants every action on every resource to role glue; {FIX}",
        urn("aws-native:iam:RolePolicy", "glue-admin"))]


def test_native_managed_policy_arns_with_aws_full_access():
    specs = native_stack("update") + [glue_role(managedPolicyArns=["arn:aws:iam::aws:policy/AmazonAppFlowFullAccess"])]
    assert findings(specs) == [(
        "managedPolicyArns: attaches the AWS managed policy AmazonAppFlowFullAccess (every AppFlow action (appflow:*) "
        f"on every resource) to role glue; {FIX}", ROLE)]


def test_native_unknown_document_is_deferred():
    specs = unscoped_operator("preview")
    find(specs, "appflow-operator").props["policyDocument"] = UNKNOWN
    assert findings(specs) == []


def test_native_flow_name_is_read_from_flow_name():
    specs = unscoped_operator()
    find(specs, "accounts-to-s3").props["flowName"] = "nightly-accounts"
    assert findings(specs) == [(
        "policyDocument: statement AppFlow grants every AppFlow action on every resource to whoever it is attached "
        "to (no user, group or role of this stack); " + FIX.replace("salesforce-accounts-to-s3", "nightly-accounts"),
        MANAGED)]


@pytest.mark.parametrize("value", [None, 7, "x", [None], [UNKNOWN], {"policyDocument": 1}, [{"policyDocument": "{"}]])
def test_odd_native_values_never_crash(value):
    specs = native_stack("update") + [glue_role(policies=value, managedPolicyArns=value)]
    assert isinstance(findings(specs), list)
    specs = unscoped_operator(users=value, groups=value, roles=value)
    assert isinstance(findings(specs), list)
