"""A compliant Salesforce-to-S3 AppFlow stack as the policies see it, in preview and after update.

Values computed by AWS (ARNs, generated bucket names) are unknown in preview and known after the
update; property dependencies record where each value came from, as the engine does.
"""

from __future__ import annotations

import json

from harness import UNKNOWN, Spec, urn

ACCOUNT = "123456789012"
KEY_ARN = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
BUCKET_NAME = "appflow-landing-1a2b3c"
SECRET_ARN = f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:appflow!salesforce-client-AbCdEf"

KEY = urn("aws:kms/key:Key", "appflow-key")
BUCKET = urn("aws:s3/bucket:Bucket", "landing")
SECRET = urn("aws:secretsmanager/secret:Secret", "salesforce-client")
PROFILE = urn("aws:appflow/connectorProfile:ConnectorProfile", "salesforce")


def key_policy() -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "AccountAdministration", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
         "Action": "kms:*", "Resource": "*"},
        {"Sid": "AppFlowUse", "Effect": "Allow", "Principal": {"Service": "appflow.amazonaws.com"},
         "Action": ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"], "Resource": "*",
         "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}}},
    ]})


def bucket_policy(bucket_arn: str) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
         "Resource": [bucket_arn, f"{bucket_arn}/*"], "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
        {"Sid": "AppFlowWrite", "Effect": "Allow", "Principal": {"Service": "appflow.amazonaws.com"},
         "Action": ["s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts",
                    "s3:ListBucketMultipartUploads", "s3:GetBucketAcl", "s3:PutObjectAcl"],
         "Resource": [bucket_arn, f"{bucket_arn}/*"],
         "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}}},
    ]})


# What the operator needs on the flow it runs, not appflow:* on * (aws-appflow-iam-policy-disallow-full-access).
FLOW_OPERATOR_ACTIONS = ("appflow:DescribeFlow", "appflow:DescribeFlowExecutionRecords", "appflow:StartFlow",
                         "appflow:StopFlow")
OPERATED_FLOWS = "arn:aws:appflow:*:*:flow/salesforce-accounts-to-s3"


def operator_policy() -> str:
    return json.dumps(operator_policy_document())


def operator_policy_document() -> dict:
    """The AppFlow operator's IAM policy, with the Secrets Manager conditions the AWS page gives."""
    return {"Version": "2012-10-17", "Statement": [
        {"Sid": "AppFlow", "Effect": "Allow", "Action": list(FLOW_OPERATOR_ACTIONS), "Resource": OPERATED_FLOWS},
        {"Sid": "SecretsManagerCreateSecretAccess", "Effect": "Allow", "Action": "secretsmanager:CreateSecret",
         "Resource": "*", "Condition": {"StringLike": {"secretsmanager:Name": "appflow!*"},
                                        "ForAnyValue:StringEquals": {"aws:CalledVia": ["appflow.amazonaws.com"]}}},
        {"Sid": "SecretsManagerPutResourcePolicyAccess", "Effect": "Allow",
         "Action": ["secretsmanager:PutResourcePolicy"], "Resource": "*",
         "Condition": {"ForAnyValue:StringEquals": {"aws:CalledVia": ["appflow.amazonaws.com"]},
                       "StringEqualsIgnoreCase": {"secretsmanager:ResourceTag/aws:secretsmanager:owningService": "appflow"}}},
    ]}


def compliant_stack(phase: str = "preview") -> list[Spec]:
    """Every resource of the compliant example; ``phase`` is "preview" or "update"."""

    def computed(value):
        return UNKNOWN if phase == "preview" else value

    bucket_arn = f"arn:aws:s3:::{BUCKET_NAME}"
    return [
        Spec("aws:kms/key:Key", "appflow-key", {
            "description": "Encrypts AppFlow connections, flows and landing data",
            "enableKeyRotation": True, "policy": key_policy(),
            "arn": computed(KEY_ARN), "keyId": computed(KEY_ARN.rsplit("/", 1)[1])}),
        Spec("aws:s3/bucket:Bucket", "landing", {
            "bucket": computed(BUCKET_NAME), "arn": computed(bucket_arn), "tags": {"team": "data-platform"}}),
        Spec("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
             "landing-encryption", {
                 "bucket": computed(BUCKET_NAME),
                 "rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms",
                                                                   "kmsMasterKeyId": computed(KEY_ARN)},
                            "bucketKeyEnabled": True}]},
             deps={"bucket": [BUCKET], "rules": [KEY]}),
        Spec("aws:s3/bucketPolicy:BucketPolicy", "landing-policy", {
            "bucket": computed(BUCKET_NAME), "policy": computed(bucket_policy(bucket_arn))},
             deps={"bucket": [BUCKET], "policy": [BUCKET]}),
        Spec("aws:secretsmanager/secret:Secret", "salesforce-client", {
            "name": "appflow!salesforce-client", "description": "Salesforce connected app client credentials",
            "kmsKeyId": computed(KEY_ARN), "arn": computed(SECRET_ARN)},
             deps={"kmsKeyId": [KEY]}),
        Spec("aws:appflow/connectorProfile:ConnectorProfile", "salesforce", {
            "name": "salesforce-production", "connectorType": "Salesforce", "connectionMode": "Private",
            "kmsArn": computed(KEY_ARN),
            "connectorProfileConfig": {
                "connectorProfileCredentials": {"salesforce": {
                    "clientCredentialsArn": computed(SECRET_ARN), "oauth2GrantType": "JWT_BEARER",
                    "jwtToken": "header.payload.signature"}},
                "connectorProfileProperties": {"salesforce": {
                    "instanceUrl": "https://acme.my.salesforce.com",
                    "usePrivatelinkForMetadataAndAuthorization": True}}}},
             deps={"kmsArn": [KEY], "connectorProfileConfig": [SECRET]}),
        Spec("aws:appflow/flow:Flow", "accounts-to-s3", {
            "name": "salesforce-accounts-to-s3", "description": "Copies Salesforce accounts to the landing bucket",
            "kmsArn": computed(KEY_ARN),
            "sourceFlowConfig": {"connectorType": "Salesforce", "connectorProfileName": "salesforce-production",
                                 "sourceConnectorProperties": {"salesforce": {"object": "Account"}}},
            "destinationFlowConfigs": [{"connectorType": "S3", "destinationConnectorProperties": {
                "s3": {"bucketName": computed(BUCKET_NAME),
                       "s3OutputFormatConfig": {"fileType": "PARQUET"}}}}],
            "tasks": [{"taskType": "Map_all", "sourceFields": [], "connectorOperators": [{"salesforce": "NO_OP"}]}],
            "triggerConfig": {"triggerType": "Scheduled"},
            "tags": {"team": "data-platform", "data-classification": "confidential"}},
             deps={"kmsArn": [KEY], "sourceFlowConfig": [PROFILE], "destinationFlowConfigs": [BUCKET]}),
        Spec("aws:cloudtrail/trail:Trail", "audit", {
            "name": "account-audit", "enableLogging": True, "isMultiRegionTrail": True,
            "enableLogFileValidation": True, "s3BucketName": "audit-logs-123456789012"}),
        Spec("aws:iam/policy:Policy", "appflow-operator", {
            "name": "appflow-operator", "description": "Runs AppFlow flows", "policy": operator_policy()}),
        *macie_coverage(computed(BUCKET_NAME), BUCKET),
    ]


def macie_coverage(bucket_name, bucket_urn: str, account: str = "aws:macie2/account:Account") -> list[Spec]:
    """Macie enabled (``account``: aws.macie2.Account or aws_native.macie.Session) and a daily
    classification job over the landing bucket (aws-native has no job resource: pulumi-aws's)."""
    return [
        Spec(account, "macie", {"status": "ENABLED", "findingPublishingFrequency": "FIFTEEN_MINUTES"}),
        Spec("aws:macie2/classificationJob:ClassificationJob", "landing-discovery", {
            "jobType": "SCHEDULED", "scheduleFrequency": {"dailySchedule": True}, "name": "landing-discovery",
            "s3JobDefinition": {"bucketDefinitions": [{"accountId": ACCOUNT, "buckets": [bucket_name]}]}},
             deps={"s3JobDefinition": [bucket_urn]}),
    ]


def mfa_policy_document() -> dict:
    """The policy AWS documents for IAM users: deny every action but managing one's own MFA device
    unless the request was authenticated with MFA (BoolIfExists: access-key requests carry no key)."""
    setup = ["iam:CreateVirtualMFADevice", "iam:EnableMFADevice", "iam:GetUser", "iam:ListMFADevices",
             "iam:ListVirtualMFADevices", "iam:ResyncMFADevice", "sts:GetSessionToken"]
    return {"Version": "2012-10-17", "Statement": [
        {"Sid": "AllowManageOwnMFA", "Effect": "Allow", "Action": setup,
         "Resource": "arn:aws:iam::*:user/${aws:username}"},
        {"Sid": "DenyAllExceptListedIfNoMFA", "Effect": "Deny", "NotAction": setup, "Resource": "*",
         "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}]}
