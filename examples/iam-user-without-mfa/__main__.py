"""MFA: an IAM user with a password and an access key, in a group whose policy denies everything
without MFA with a Bool condition. A request signed with a long-term access key carries no
aws:MultiFactorAuthPresent at all, so Bool does not match it: the keys work without MFA."""

import json
import os
import sys

import pulumi_aws as aws

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "shared"))

from appflow_stack import compliant_stack  # noqa: E402

compliant_stack()

MFA_SETUP = ["iam:CreateVirtualMFADevice", "iam:EnableMFADevice", "iam:GetUser", "iam:ListMFADevices",
             "iam:ListVirtualMFADevices", "iam:ResyncMFADevice", "sts:GetSessionToken"]
require_mfa = aws.iam.Policy("require-mfa", name="require-mfa", policy=json.dumps({
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "AllowManageOwnMFA", "Effect": "Allow", "Action": MFA_SETUP,
         "Resource": "arn:aws:iam::*:user/${aws:username}"},
        {"Sid": "DenyAllExceptListedIfNoMFA", "Effect": "Deny", "NotAction": MFA_SETUP, "Resource": "*",
         "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}},   # BoolIfExists would catch access keys
    ]}))
operators = aws.iam.Group("appflow-operators", name="appflow-operators")
aws.iam.GroupPolicyAttachment("appflow-operators-require-mfa", group=operators.name, policy_arn=require_mfa.arn)

operator = aws.iam.User("flow-operator", name="flow-operator")
aws.iam.GroupMembership("appflow-operators-members", group=operators.name, users=[operator.name])
aws.iam.UserLoginProfile("flow-operator-login", user=operator.name, password_reset_required=True)
aws.iam.AccessKey("flow-operator-key", user=operator.name)
