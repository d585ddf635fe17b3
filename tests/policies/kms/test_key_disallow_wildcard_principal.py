"""aws-appflow-kms-key-disallow-wildcard-principal: key policies of AppFlow's keys are scoped."""

import json

import pytest

from harness import UNKNOWN, Spec, find, run_stack_policy
from stacks import ACCOUNT, KEY, compliant_stack, key_policy

from appflow_guard.policies.kms.key_disallow_wildcard_principal import POLICY

OPEN = {"Sid": "Open", "Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*"}
OPEN_MESSAGE = "The policy of key 'appflow-key': statement Open allows Principal '*' without a condition."
APPFLOW_UNSCOPED = ("The policy of key 'appflow-key': statement AppFlowUse grants appflow.amazonaws.com without an "
                    "aws:SourceAccount or aws:SourceArn condition.")


def findings(specs, config=None):
    return [(v.message, v.urn) for v in run_stack_policy(POLICY, specs, config)]


def statements():
    return json.loads(key_policy())["Statement"]


def with_key_policy(policy, phase="update"):
    specs = compliant_stack(phase)
    find(specs, "appflow-key").props["policy"] = policy
    return specs


def with_statements(*items, phase="update"):
    return with_key_policy(json.dumps({"Version": "2012-10-17", "Statement": list(items)}), phase)


def appflow_use(**changes):
    statement = statements()[1]
    statement.update(changes)
    return {key: value for key, value in statement.items() if value is not None}


@pytest.mark.parametrize("phase", ["preview", "update"])
def test_compliant_stack_passes(phase):
    assert findings(compliant_stack(phase)) == []


@pytest.mark.parametrize("phase", ["preview", "update"])
@pytest.mark.parametrize("principal", ["*", {"AWS": "*"}, {"AWS": ["*", f"arn:aws:iam::{ACCOUNT}:root"]}])
def test_wildcard_principal_without_condition_is_reported(phase, principal):
    specs = with_statements(*statements(), dict(OPEN, Principal=principal), phase=phase)
    assert findings(specs) == [(OPEN_MESSAGE, KEY)]


def test_wildcard_principal_with_a_condition_passes():
    scoped = dict(OPEN, Condition={"StringEquals": {"kms:CallerAccount": ACCOUNT}})
    assert findings(with_statements(*statements(), scoped)) == []


def test_wildcard_deny_is_not_a_grant():
    assert findings(with_statements(*statements(), dict(OPEN, Effect="Deny"))) == []


def test_wildcard_service_principal_is_a_policy_aws_refuses():
    """"You cannot use a wildcard to match part of a principal name": only the AWS type takes "*"."""
    assert findings(with_statements(*statements(), dict(OPEN, Principal={"Service": "*"}))) == [
        ("The policy of key 'appflow-key' is not a policy AWS accepts (statement Open: a wildcard cannot match "
         "part of a principal).", KEY)]


def test_appflow_grant_without_source_condition_is_reported():
    assert findings(with_statements(statements()[0], appflow_use(Condition=None))) == [(APPFLOW_UNSCOPED, KEY)]


def test_appflow_grant_with_source_arn_passes():
    condition = {"ArnLike": {"aws:SourceArn": f"arn:aws:appflow:us-east-1:{ACCOUNT}:*"}}
    assert findings(with_statements(statements()[0], appflow_use(Condition=condition))) == []


def test_statement_without_sid_is_named_by_index():
    unnamed = appflow_use(Sid=None, Condition=None)
    assert findings(with_statements(statements()[0], unnamed)) == [
        ("The policy of key 'appflow-key': statement 1 grants appflow.amazonaws.com without an aws:SourceAccount "
         "or aws:SourceArn condition.", KEY)]


def test_single_statement_object_is_checked():
    assert findings(with_key_policy(json.dumps({"Statement": OPEN}))) == [(OPEN_MESSAGE, KEY)]


@pytest.mark.parametrize("policy", ["{not json", "[]", "null", 42, ["kms:*"], json.dumps({"Statement": "x"})])
def test_unreadable_key_policy_is_reported(policy):
    assert findings(with_key_policy(policy)) == [
        ("The policy of key 'appflow-key' is not a valid JSON policy document.", KEY)]


def test_key_without_policy_passes():
    """Without a policy AWS applies the default key policy, which grants only the account."""
    assert findings(with_key_policy(None)) == []


def test_unknown_key_policy_is_deferred():
    assert findings(with_key_policy(UNKNOWN, phase="preview")) == []


def test_unknown_statement_defers_the_known_ones():
    """The unknown statement may be a Deny that stops the wildcard: decided at update."""
    policy = {"Version": "2012-10-17", "Statement": [UNKNOWN, OPEN]}
    assert findings(with_key_policy(policy)) == []


def test_separate_key_policy_resource_is_checked_and_reported_on_itself():
    key_policy_spec = Spec("aws:kms/keyPolicy:KeyPolicy", "appflow-key-policy", {
        "keyId": "1234abcd-12ab-34cd-56ef-1234567890ab", "policy": json.dumps({"Statement": [OPEN]})},
        deps={"keyId": [KEY]})
    assert findings(compliant_stack("update") + [key_policy_spec]) == [
        ("The key policy of key 'appflow-key': statement Open allows Principal '*' without a condition.",
         key_policy_spec.urn)]


def test_key_that_does_not_protect_appflow_data_is_ignored():
    unrelated = Spec("aws:kms/key:Key", "unrelated", {"policy": json.dumps({"Statement": [OPEN]})})
    assert findings(compliant_stack("update") + [unrelated]) == []


def test_other_resource_types_are_ignored():
    queue_policy = Spec("aws:sqs/queuePolicy:QueuePolicy", "events-policy",
                        {"policy": json.dumps({"Statement": [OPEN]})})
    assert findings(compliant_stack("update") + [queue_policy]) == []


def test_mistyped_statement_fields_make_a_policy_aws_refuses():
    odd = {"Sid": 5, "Effect": "Allow", "Principal": 7, "Condition": "none", "Action": {"kms": "*"}}
    assert findings(with_statements(*statements(), odd, None, "text")) == [
        ("The policy of key 'appflow-key' is not a policy AWS accepts (statement 2: Action must be a string or a "
         "non-empty list of strings).", KEY)]


ORG = "o-a1b2c3d4e5"
WITHIN_ORG = ("The policy of key 'appflow-key': statement Open allows Principal '*' to every account of an "
              "organization (allowOrganizationWildcard is false).")
NOT_LIMITED = ("The policy of key 'appflow-key': statement Open allows Principal '*' with conditions that do not "
               "limit it to your account or organization.")


@pytest.mark.parametrize("condition", [
    {"StringEquals": {"aws:PrincipalOrgID": ORG}},
    {"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": f"{ORG}/r-ab12/ou-ab12-11111111/*"}},
])
@pytest.mark.parametrize("config, expected", [(None, []), ({"allowOrganizationWildcard": True}, []),
                                              ({"allowOrganizationWildcard": False}, [(WITHIN_ORG, KEY)])])
def test_wildcard_limited_to_an_organization_follows_the_config(condition, config, expected):
    """AWS documents aws:PrincipalOrgID as the way to share a key within an organization."""
    assert findings(with_statements(*statements(), dict(OPEN, Condition=condition)), config) == expected


@pytest.mark.parametrize("condition", [
    {"StringEquals": {"kms:CallerAccount": ACCOUNT, "kms:ViaService": "s3.us-east-1.amazonaws.com"}},
    {"StringEquals": {"aws:PrincipalAccount": ACCOUNT}},
    {"ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{ACCOUNT}:role/*"}},
])
def test_wildcard_limited_to_the_account_passes_whatever_the_config(condition):
    specs = with_statements(*statements(), dict(OPEN, Condition=condition))
    assert findings(specs, {"allowOrganizationWildcard": False}) == []


@pytest.mark.parametrize("condition", [
    {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
    {"StringEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}},
    {"StringEqualsIfExists": {"aws:PrincipalOrgID": ORG}},
    {"ForAllValues:StringLike": {"aws:PrincipalOrgPaths": f"{ORG}/*"}},
    {"StringNotEquals": {"kms:CallerAccount": ACCOUNT}},
])
def test_wildcard_whose_conditions_do_not_limit_who_is_reported(condition):
    """Source IP and kms:ViaService say how a request arrives, not who makes it; IfExists and
    ForAllValues are true for a principal outside any organization."""
    assert findings(with_statements(*statements(), dict(OPEN, Condition=condition))) == [(NOT_LIMITED, KEY)]


def test_wildcard_stopped_by_a_deny_for_other_accounts_passes():
    deny = {"Sid": "OnlyUs", "Effect": "Deny", "Principal": "*", "Action": "kms:*", "Resource": "*",
            "Condition": {"StringNotEquals": {"aws:PrincipalAccount": ACCOUNT}}}
    assert findings(with_statements(*statements(), OPEN, deny)) == []


def test_wildcard_not_action_grant_is_reported():
    grant = {key: value for key, value in OPEN.items() if key != "Action"}
    assert findings(with_statements(*statements(), dict(grant, NotAction="kms:ScheduleKeyDeletion"))) == [
        (OPEN_MESSAGE, KEY)]


def test_wildcard_not_resource_grant_still_reaches_the_key():
    grant = {key: value for key, value in OPEN.items() if key != "Resource"}
    not_resource = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/another-key"
    assert findings(with_statements(*statements(), dict(grant, NotResource=not_resource))) == [(OPEN_MESSAGE, KEY)]


def test_not_principal_with_allow_is_a_policy_aws_refuses():
    grant = {key: value for key, value in OPEN.items() if key != "Principal"}
    assert findings(with_statements(*statements(), dict(grant, NotPrincipal={"AWS": f"arn:aws:iam::{ACCOUNT}:root"}))) == [
        ("The policy of key 'appflow-key' is not a policy AWS accepts (statement Open: NotPrincipal is supported "
         "only with Deny).", KEY)]


def test_not_principal_deny_that_excepts_the_account_stops_the_wildcard():
    deny = {"Sid": "OthersOut", "Effect": "Deny", "NotPrincipal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
            "Action": "kms:*", "Resource": "*"}
    assert findings(with_statements(*statements(), OPEN, deny)) == []


def test_appflow_grant_for_any_accounts_flows_is_reported():
    condition = {"ArnLike": {"aws:SourceArn": "arn:aws:appflow:us-east-1:*:flow/*"}}
    assert findings(with_statements(statements()[0], appflow_use(Condition=condition))) == [(APPFLOW_UNSCOPED, KEY)]


@pytest.mark.parametrize("value", ["no", 0])
def test_allow_organization_wildcard_that_is_not_a_boolean_is_invalid_config(value):
    assert findings(compliant_stack("update"), {"allowOrganizationWildcard": value}) == [
        ("Invalid policy config: allowOrganizationWildcard must be true or false.", None)]


@pytest.mark.parametrize("phase", ["preview", "update"])
def test_a_key_appflow_uses_through_its_key_policys_key_id_is_checked(phase):
    """kms_arn=aws.kms.KeyPolicy(...).key_id: the key policy hands on the key it was given."""
    specs = with_statements(*statements(), OPEN, phase=phase)
    key_policy_spec = Spec("aws:kms/keyPolicy:KeyPolicy", "appflow-key-policy", {
        "keyId": UNKNOWN if phase == "preview" else "1234abcd-12ab-34cd-56ef-1234567890ab",
        "policy": json.dumps({"Statement": statements()})}, deps={"keyId": [KEY]})
    for spec in specs:
        spec.deps = {prop: [key_policy_spec.urn if dep == KEY else dep for dep in deps] for prop, deps in spec.deps.items()}
    assert findings(specs + [key_policy_spec]) == [(OPEN_MESSAGE, KEY)]


@pytest.mark.parametrize("as_source, reported", [(False, True), (True, False)])
def test_a_bucket_key_is_checked_when_appflow_writes_to_the_bucket_not_when_it_reads_it(as_source, reported):
    specs = compliant_stack("preview")
    bucket_key = Spec("aws:kms/key:Key", "landing-key", {"policy": json.dumps({"Statement": [OPEN]})})
    encryption = find(specs, "landing-encryption")
    encryption.deps["rules"] = [bucket_key.urn]
    if as_source:
        flow = find(specs, "accounts-to-s3")
        flow.props["sourceFlowConfig"] = {"connectorType": "S3", "sourceConnectorProperties": {"s3": {
            "bucketName": UNKNOWN}}}
        flow.props["destinationFlowConfigs"] = [{"connectorType": "Salesforce", "destinationConnectorProperties": {
            "salesforce": {"object": "Account"}}}]
        flow.deps.update(sourceFlowConfig=flow.deps.pop("destinationFlowConfigs"))
    assert findings([bucket_key] + specs) == ([(
        "The policy of key 'landing-key': statement Open allows Principal '*' without a condition.",
        bucket_key.urn)] if reported else [])
