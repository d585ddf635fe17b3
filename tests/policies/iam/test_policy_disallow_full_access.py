"""aws-appflow-iam-policy-disallow-full-access: no principal of an AppFlow stack holds appflow:* or * on *.

The compliant base is the compliant AppFlow stack, whose operator policy grants four AppFlow actions
on its flow; each test breaks one thing.
"""

import json

import pytest

from harness import UNKNOWN, NotApplicable, Spec, find, run_stack_policy, urn
from stacks import ACCOUNT, compliant_stack, operator_policy_document

from appflow_guard.policies.iam.policy_disallow_full_access import POLICY

FIX = ("grant only the AppFlow actions the job needs (for people who run flows: appflow:DescribeFlow, "
       "appflow:DescribeFlowExecutionRecords, appflow:StartFlow and appflow:StopFlow) on "
       "arn:aws:appflow:<region>:<account>:flow/salesforce-accounts-to-s3.")
OPERATOR = urn("aws:iam/policy:Policy", "appflow-operator")
UNATTACHED = "whoever it is attached to (no user, group or role of this stack)"
ROLE = urn("aws:iam/role:Role", "glue")
USER = urn("aws:iam/user:User", "alice")
ASSUME_GLUE = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "glue.amazonaws.com"}, "Action": "sts:AssumeRole"}]})


def findings(specs, config=None):
    return [(violation.message, violation.urn) for violation in run_stack_policy(POLICY, specs, config)]


def operator(action="appflow:*", resource="*", phase="update", **statement):
    specs = compliant_stack(phase)
    document = operator_policy_document()
    document["Statement"][0] = {"Sid": "AppFlow", "Effect": "Allow", "Action": action, "Resource": resource, **statement}
    find(specs, "appflow-operator").props["policy"] = json.dumps(document)
    return specs


def grant(what, to=UNATTACHED, field="policy", label="statement AppFlow"):
    return f"{field}: {label} grants {what} to {to}; {FIX}"


def glue_role(**props):
    return Spec("aws:iam/role:Role", "glue", {"name": "glue-etl", "assumeRolePolicy": ASSUME_GLUE, **props})


@pytest.mark.parametrize("phase", ["preview", "update"])
def test_compliant_stack_passes(phase):
    assert findings(compliant_stack(phase)) == []


@pytest.mark.parametrize("phase", ["preview", "update"])
def test_appflow_star_on_every_resource_is_reported_on_the_policy(phase):
    assert findings(operator(phase=phase)) == [(grant("every AppFlow action on every resource"), OPERATOR)]


@pytest.mark.parametrize("action", ["*", ["appflow:StartFlow", "*"]])
def test_every_action_on_every_resource_is_reported(action):
    assert findings(operator(action)) == [(grant("every action on every resource"), OPERATOR)]


def test_not_action_reaches_every_action():
    specs = operator()
    document = operator_policy_document()
    document["Statement"][0] = {"Sid": "AppFlow", "Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}
    find(specs, "appflow-operator").props["policy"] = json.dumps(document)
    assert findings(specs) == [(grant("every action on every resource"), OPERATOR)]


@pytest.mark.parametrize("action,resource", [
    ("appflow:*", "arn:aws:appflow:us-east-1:123456789012:flow/salesforce-*"),
    ("appflow:Start*", "*"),
    (["appflow:StartFlow", "appflow:DescribeFlow"], "*"),
    ("s3:*", "*"),
])
def test_narrower_grants_pass(action, resource):
    assert findings(operator(action, resource)) == []


def test_every_appflow_resource_of_any_account_is_every_resource():
    assert findings(operator(resource="arn:aws:appflow:*:*:*")) == [
        (grant("every AppFlow action on every resource"), OPERATOR)]


def test_statement_without_sid_is_named_by_its_index():
    specs = compliant_stack("update")
    find(specs, "appflow-operator").props["policy"] = json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "appflow:*", "Resource": "*"}]})
    assert findings(specs) == [(grant("every AppFlow action on every resource", label="statement 0"), OPERATOR)]


def test_holders_are_named_and_allowed_principals_pass():
    specs = operator() + [
        Spec("aws:iam/user:User", "alice", {"name": "alice"}),
        glue_role(),
        Spec("aws:iam/policyAttachment:PolicyAttachment", "operator-everywhere",
             {"name": "operator", "users": ["alice"], "roles": ["glue-etl"]},
             deps={"users": [USER], "roles": [ROLE], "policyArn": [OPERATOR]}),
    ]
    find(specs, "operator-everywhere").props["policyArn"] = f"arn:aws:iam::{ACCOUNT}:policy/appflow-operator"
    find(specs, "appflow-operator").props["arn"] = f"arn:aws:iam::{ACCOUNT}:policy/appflow-operator"
    assert findings(specs) == [(grant("every AppFlow action on every resource", "user alice, role glue"), OPERATOR)]
    assert findings(specs, {"fullAccessPrincipals": ["glue-*"]}) == [
        (grant("every AppFlow action on every resource", "user alice"), OPERATOR)]
    assert findings(specs, {"fullAccessPrincipals": ["glue-*", "alice"]}) == []


def test_allowed_principals_do_not_cover_an_unattached_managed_policy():
    assert findings(operator(), {"fullAccessPrincipals": ["*"]}) == [
        (grant("every AppFlow action on every resource"), OPERATOR)]


def test_inline_user_policy_is_reported_with_its_user():
    specs = compliant_stack("update") + [
        Spec("aws:iam/user:User", "alice", {"name": "alice"}),
        Spec("aws:iam/userPolicy:UserPolicy", "alice-appflow", {"user": "alice", "policy": json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Sid": "All", "Effect": "Allow", "Action": "appflow:*",
                                                     "Resource": "*"}]})}, deps={"user": [USER]})]
    assert findings(specs) == [(grant("every AppFlow action on every resource", "user alice", label="statement All"),
                                urn("aws:iam/userPolicy:UserPolicy", "alice-appflow"))]


def test_role_inline_policy_is_reported_and_its_trust_policy_is_not_read():
    admin = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
    specs = compliant_stack("update") + [glue_role(inlinePolicies=[{"name": "admin", "policy": admin}])]
    assert findings(specs) == [(grant("every action on every resource", "role glue", field="inlinePolicies[0].policy",
                                      label="statement 0"), ROLE)]
    assert findings(compliant_stack("update") + [glue_role()]) == []


@pytest.mark.parametrize("policy_arn,name,what", [
    ("arn:aws:iam::aws:policy/AdministratorAccess", "AdministratorAccess", "every action (*) on every resource"),
    ("arn:aws:iam::aws:policy/AmazonAppFlowFullAccess", "AmazonAppFlowFullAccess",
     "every AppFlow action (appflow:*) on every resource"),
    ("arn:aws:iam::aws:policy/PowerUserAccess", "PowerUserAccess",
     "every action but IAM, Organizations and Account management on every resource"),
])
def test_aws_managed_full_access_attached_to_a_role(policy_arn, name, what):
    attachment = urn("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "glue-admin")
    specs = compliant_stack("update") + [glue_role(), Spec(
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "glue-admin",
        {"role": "glue-etl", "policyArn": policy_arn}, deps={"role": [ROLE]})]
    assert findings(specs) == [(f"policyArn: attaches the AWS managed policy {name} ({what}) to role glue; {FIX}",
                                attachment)]
    assert findings(specs, {"fullAccessPrincipals": ["glue"]}) == []


def test_aws_managed_policy_in_a_roles_managed_policy_arns():
    specs = compliant_stack("update") + [glue_role(managedPolicyArns=[
        "arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::aws:policy/AdministratorAccess"])]
    assert findings(specs) == [(f"managedPolicyArns: attaches the AWS managed policy AdministratorAccess "
                                f"(every action (*) on every resource) to role glue; {FIX}", ROLE)]


def test_narrower_aws_managed_policies_pass():
    specs = compliant_stack("update") + [glue_role(managedPolicyArns=["arn:aws:iam::aws:policy/AmazonAppFlowReadOnlyAccess"])]
    assert findings(specs) == []


def test_unknown_document_is_deferred_to_the_update():
    specs = operator(phase="preview")
    find(specs, "appflow-operator").props["policy"] = UNKNOWN
    assert findings(specs) == []


def test_holder_not_known_yet():
    specs = compliant_stack("preview") + [Spec("aws:iam/userPolicy:UserPolicy", "later", {"user": UNKNOWN, "policy": json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "appflow:*", "Resource": "*"}]})})]
    assert findings(specs) == [(grant("every AppFlow action on every resource", "principals not known until the update",
                                      label="statement 0"), urn("aws:iam/userPolicy:UserPolicy", "later"))]
    assert findings(specs, {"fullAccessPrincipals": ["break-glass"]}) == []


def test_flow_names_make_the_narrower_form():
    specs = operator()
    find(specs, "accounts-to-s3").props["name"] = UNKNOWN
    message = grant("every AppFlow action on every resource").replace("salesforce-accounts-to-s3", "<flow-name>")
    assert findings(specs) == [(message, OPERATOR)]


def test_a_stack_of_many_flows_names_three():
    specs = operator()
    flow = find(specs, "accounts-to-s3")
    for index in range(1, 5):
        specs.append(Spec(flow.resource_type, f"flow-{index}", {**flow.props, "name": f"flow-{index}"}))
    fix = FIX.replace("salesforce-accounts-to-s3.", "salesforce-accounts-to-s3, arn:aws:appflow:<region>:<account>:flow/"
                      "flow-1, arn:aws:appflow:<region>:<account>:flow/flow-2 and the 2 other flows of the stack.")
    assert findings(specs) == [(grant("every AppFlow action on every resource").replace(FIX, fix), OPERATOR)]


@pytest.mark.parametrize("value", [None, 42, [], {"a": 1}, ["x", None], [UNKNOWN], "{not json"])
def test_odd_values_never_crash(value):
    for name, prop in (("appflow-operator", "policy"), ("appflow-operator", "arn"), ("accounts-to-s3", "name")):
        specs = operator()
        find(specs, name).props[prop] = value
        assert isinstance(findings(specs), list)
    specs = compliant_stack("update") + [glue_role(managedPolicyArns=value, inlinePolicies=value)]
    assert isinstance(findings(specs), list)


@pytest.mark.parametrize("value", ["glue", [1], {"a": "b"}])
def test_full_access_principals_must_be_a_list_of_strings(value):
    assert findings(operator(), {"fullAccessPrincipals": value}) == [
        ("Invalid policy config: fullAccessPrincipals must be a list of strings.", None)]


def test_exemption_with_expiry():
    assert findings(operator(), {"exemptions": [{"resource": "appflow-operator", "reason": "migration",
                                                "expires": "2999-12-31"}]}) == []
    expired = findings(operator(), {"exemptions": [{"resource": "appflow-operator", "reason": "migration",
                                                   "expires": "2020-01-31"}]})
    assert expired == [(grant("every AppFlow action on every resource") +
                        " (The exemption for 'appflow-operator' expired on 2020-01-31.)", OPERATOR)]


def test_stack_without_appflow_is_not_applicable():
    """An administrator policy in a stack without AppFlow is not this pack's business."""
    specs = [spec for spec in operator("*") if not spec.resource_type.startswith("aws:appflow/")]
    with pytest.raises(NotApplicable, match="^the stack has no AppFlow resources$"):
        run_stack_policy(POLICY, specs)

