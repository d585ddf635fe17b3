"""aws-appflow-s3-bucket-policy-enforce-source-account: bucket grants to AppFlow are tied to the account."""

import json

import pytest

from harness import UNKNOWN, Spec, find, run_resource_policy
from stacks import ACCOUNT, BUCKET_NAME, bucket_policy, compliant_stack

from appflow_guard.policies.s3.bucket_policy_enforce_source_account import POLICY

BUCKET_ARN = f"arn:aws:s3:::{BUCKET_NAME}"
NO_SOURCE = ("statement AppFlowWrite grants appflow.amazonaws.com without an aws:SourceAccount or aws:SourceArn "
             "condition.")


def landing_policy(phase="update"):
    return find(compliant_stack(phase), "landing-policy")


def appflow_statement(**changes):
    statement = json.loads(bucket_policy(BUCKET_ARN))["Statement"][1]
    statement.update(changes)
    return {key: value for key, value in statement.items() if value is not None}


def with_statements(*items):
    spec = landing_policy()
    spec.props["policy"] = json.dumps({"Version": "2012-10-17", "Statement": list(items)})
    return spec


@pytest.mark.parametrize("phase", ["preview", "update"])
def test_compliant_bucket_policy_passes(phase):
    assert run_resource_policy(POLICY, landing_policy(phase)) == []


def test_grant_without_source_condition_is_reported():
    assert run_resource_policy(POLICY, with_statements(appflow_statement(Condition=None))) == [NO_SOURCE]


@pytest.mark.parametrize("condition", [
    {"ArnLike": {"aws:SourceArn": f"arn:aws:appflow:us-east-1:{ACCOUNT}:flow/*"}},
    {"StringEquals": {"AWS:SOURCEACCOUNT": ACCOUNT}},
])
def test_source_arn_or_account_in_any_case_passes(condition):
    assert run_resource_policy(POLICY, with_statements(appflow_statement(Condition=condition))) == []


def test_unrelated_condition_does_not_count():
    condition = {"StringEquals": {"aws:SourceVpc": "vpc-1234"}}
    assert run_resource_policy(POLICY, with_statements(appflow_statement(Condition=condition))) == [NO_SOURCE]


@pytest.mark.parametrize("action, shown", [("s3:*", "s3:*"), ("*", "*"), (["s3:PutObject", "S3:*", "*"], "S3:*, *")])
def test_broad_actions_are_reported(action, shown):
    assert run_resource_policy(POLICY, with_statements(appflow_statement(Action=action))) == [
        f"statement AppFlowWrite grants appflow.amazonaws.com {shown}; list the actions AppFlow needs."]


def test_wildcard_within_a_service_prefix_is_not_called_broad():
    assert run_resource_policy(POLICY, with_statements(appflow_statement(Action=["s3:Put*", "s3:GetBucketAcl"]))) == []


def test_both_problems_are_reported_in_order():
    assert run_resource_policy(POLICY, with_statements(appflow_statement(Action="s3:*", Condition=None))) == [
        NO_SOURCE, "statement AppFlowWrite grants appflow.amazonaws.com s3:*; list the actions AppFlow needs."]


def test_statement_without_sid_is_named_by_index():
    statements = json.loads(bucket_policy(BUCKET_ARN))["Statement"]
    unnamed = appflow_statement(Sid=None, Condition=None)
    assert run_resource_policy(POLICY, with_statements(statements[0], unnamed)) == [
        "statement 1 grants appflow.amazonaws.com without an aws:SourceAccount or aws:SourceArn condition."]


def test_service_principal_given_as_list_is_checked():
    statement = appflow_statement(Principal={"Service": ["glue.amazonaws.com", "appflow.amazonaws.com"]},
                                  Condition=None)
    assert run_resource_policy(POLICY, with_statements(statement)) == [NO_SOURCE]


def test_single_statement_object_is_checked():
    spec = landing_policy()
    spec.props["policy"] = json.dumps({"Statement": appflow_statement(Condition=None)})
    assert run_resource_policy(POLICY, spec) == [NO_SOURCE]


@pytest.mark.parametrize("changes", [
    {"Effect": "Deny"},
    {"Principal": {"Service": "glue.amazonaws.com"}},
    {"Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}},
])
def test_statements_that_do_not_grant_appflow_are_ignored(changes):
    statement = appflow_statement(Condition=None, Action="s3:*", **changes)
    assert run_resource_policy(POLICY, with_statements(statement)) == []


def test_unknown_policy_is_deferred():
    spec = landing_policy()
    spec.props["policy"] = UNKNOWN
    assert run_resource_policy(POLICY, spec) == []


@pytest.mark.parametrize("policy", ["{not json", 42, None, json.dumps({"Statement": 7}),
                                    json.dumps({"Statement": ["x", None]})])
def test_unreadable_policy_that_does_not_name_appflow_is_left_to_other_rules(policy):
    spec = landing_policy()
    spec.props["policy"] = policy
    assert run_resource_policy(POLICY, spec) == []


def test_unreadable_policy_that_names_appflow_is_reported():
    spec = landing_policy()
    spec.props["policy"] = [appflow_statement(Condition=None)]
    assert run_resource_policy(POLICY, spec) == ["The bucket policy is not a policy AWS accepts (not a JSON object)."]


def test_mistyped_statement_fields_make_a_policy_aws_refuses():
    statement = appflow_statement(Action=7, Condition=["aws:SourceAccount"], Sid=3)
    assert run_resource_policy(POLICY, with_statements(statement)) == [
        "The bucket policy is not a policy AWS accepts (statement 0: Action must be a string or a non-empty list "
        "of strings)."]


@pytest.mark.parametrize("action, shown", [("s3*", "s3*"), ("*:*", "*:*"), ("s3:?*", "s3:?*")])
def test_wildcards_that_cover_every_s3_action_are_broad(action, shown):
    assert run_resource_policy(POLICY, with_statements(appflow_statement(Action=action))) == [
        f"statement AppFlowWrite grants appflow.amazonaws.com {shown}; list the actions AppFlow needs."]


def test_not_action_grant_is_broad():
    statement = appflow_statement(Action=None, NotAction=["s3:DeleteBucket", "s3:PutBucketPolicy"])
    assert run_resource_policy(POLICY, with_statements(statement)) == [
        "statement AppFlowWrite grants appflow.amazonaws.com every action but s3:DeleteBucket, s3:PutBucketPolicy "
        "(NotAction); list the actions AppFlow needs."]


def test_condition_that_excludes_the_account_instead_of_requiring_it_is_reported():
    condition = {"StringNotEquals": {"aws:SourceAccount": ACCOUNT}}
    assert run_resource_policy(POLICY, with_statements(appflow_statement(Condition=condition))) == [NO_SOURCE]


def test_source_account_given_with_a_wildcard_is_reported():
    condition = {"StringLike": {"aws:SourceAccount": "*"}}
    assert run_resource_policy(POLICY, with_statements(appflow_statement(Condition=condition))) == [NO_SOURCE]


def test_source_arn_of_any_account_is_reported():
    condition = {"ArnLike": {"aws:SourceArn": "arn:aws:appflow:us-east-1:*:flow/*"}}
    assert run_resource_policy(POLICY, with_statements(appflow_statement(Condition=condition))) == [NO_SOURCE]


def test_a_deny_for_other_accounts_scopes_an_unconditioned_grant():
    """The confused-deputy guard may sit in a Deny: AppFlow acting for any other account is refused."""
    guard = {"Sid": "OnlyForUs", "Effect": "Deny", "Principal": {"Service": "appflow.amazonaws.com"},
             "Action": "s3:*", "Resource": "*", "Condition": {"StringNotEquals": {"aws:SourceAccount": ACCOUNT}}}
    assert run_resource_policy(POLICY, with_statements(appflow_statement(Condition=None), guard)) == []


def test_a_not_principal_deny_that_excepts_appflow_does_not_scope_it():
    guard = {"Sid": "OthersOut", "Effect": "Deny", "NotPrincipal": {"Service": "appflow.amazonaws.com"},
             "Action": "s3:*", "Resource": "*"}
    assert run_resource_policy(POLICY, with_statements(appflow_statement(Condition=None), guard)) == [NO_SOURCE]


def test_a_grant_on_other_resources_is_still_checked():
    statement = appflow_statement(Condition=None, Resource=None, NotResource=f"{BUCKET_ARN}/private/*")
    assert run_resource_policy(POLICY, with_statements(statement)) == [NO_SOURCE]


def test_wildcard_principal_grant_is_not_this_rules_question():
    statement = appflow_statement(Principal="*", Condition=None, Action="s3:*")
    assert run_resource_policy(POLICY, with_statements(statement)) == []


def test_other_resource_type_is_ignored():
    queue_policy = Spec("aws:sqs/queuePolicy:QueuePolicy", "events-policy",
                        {"policy": json.dumps({"Statement": [appflow_statement(Action="*", Condition=None)]})})
    assert run_resource_policy(POLICY, queue_policy) == []
