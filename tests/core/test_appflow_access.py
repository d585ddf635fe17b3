"""What AppFlow asks of policies: its service principal, and which IAM policies are AppFlow's."""

import json

import pytest

from appflow_guard.core.appflow_access import for_appflow, mentions, names_appflow_actions, names_appflow_service
from appflow_guard.core.policy_evaluation import IDENTITY, RESOURCE, parse_policy


def identity(*statements):
    return parse_policy({"Version": "2012-10-17", "Statement": list(statements)}, IDENTITY)


@pytest.mark.parametrize("action, expected", [
    ("appflow:*", True), ("appflow:StartFlow", True), (["s3:GetObject", "AppFlow:DescribeFlow"], True),
    ("*", False), ("s3:*", False), ("app*", False),
])
def test_a_policy_is_appflows_when_an_allow_names_appflow_actions(action, expected):
    assert names_appflow_actions(identity({"Effect": "Allow", "Action": action, "Resource": "*"})) is expected


def test_not_action_and_deny_do_not_make_a_policy_appflows():
    assert not names_appflow_actions(identity({"Effect": "Allow", "NotAction": "appflow:*", "Resource": "*"}))
    assert not names_appflow_actions(identity({"Effect": "Deny", "Action": "appflow:*", "Resource": "*"}))


@pytest.mark.parametrize("principal, expected", [
    ({"Service": "appflow.amazonaws.com"}, True), ({"Service": ["glue.amazonaws.com", "appflow.amazonaws.com"]}, True),
    ("*", False), ({"AWS": "*"}, False), ({"Service": "glue.amazonaws.com"}, False),
])
def test_names_appflow_service(principal, expected):
    policy = parse_policy({"Statement": [{"Effect": "Allow", "Principal": principal, "Action": "s3:PutObject",
                                          "Resource": "*"}]}, RESOURCE)
    assert names_appflow_service(policy.statements[0]) is expected


def test_a_document_aws_would_refuse_is_appflows_when_its_text_names_appflow_actions():
    broken = {"Statement": [{"Effect": "Allow", "Action": "AppFlow:*"}]}   # no Resource: refused
    assert parse_policy(broken, IDENTITY).invalid
    assert for_appflow(parse_policy(broken, IDENTITY), broken)
    assert for_appflow(parse_policy(json.dumps(broken), IDENTITY), json.dumps(broken))
    other = {"Statement": [{"Effect": "Allow", "Action": "s3:*"}]}
    assert not for_appflow(parse_policy(other, IDENTITY), other)


def test_mentions_reads_text_and_objects_alike_ignoring_case():
    assert mentions('{"Principal": {"Service": "APPFLOW.amazonaws.com"}}', "appflow.amazonaws.com")
    assert mentions([{"Service": "appflow.amazonaws.com"}], "appflow.amazonaws.com")
    assert not mentions(42, "appflow:")
