"""Least privilege: the operator policy grants every AppFlow action on every resource, and an
operations role is given the AWS managed AmazonAppFlowFullAccess; people who run one flow need
four AppFlow actions on that flow."""

import json
import os
import sys

import pulumi_aws as aws

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "shared"))

from appflow_stack import compliant_stack  # noqa: E402

compliant_stack(operator_policy={"appflow_actions_on_flow": False})

operations = aws.iam.Role("appflow-ops", name="appflow-ops", assume_role_policy=json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "sts:AssumeRole"}],
}))
aws.iam.RolePolicyAttachment("appflow-ops-full-access", role=operations.name,
                             policy_arn="arn:aws:iam::aws:policy/AmazonAppFlowFullAccess")
