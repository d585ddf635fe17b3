"""The compliant Salesforce-to-S3 AppFlow stack written with pulumi-aws-native, as the policies see it.

The same stack as tests/stacks.py in the shapes pulumi-aws-native sends (checked against what the
examples/native-* programs register under the checker): key and bucket policies as objects,
bucket encryption inline, tags as lists of {key, value}, ``destinationFlowConfigList``,
``flowName``/``connectorProfileName``, ``isLogging``. Values AWS computes are unknown in preview;
property dependencies record where each came from, as the engine does.
"""

from __future__ import annotations

import copy

from harness import UNKNOWN, Spec, find, urn
from stacks import ACCOUNT, KEY_ARN, macie_coverage, operator_policy_document

BUCKET_NAME = "landing-4f292614"
BUCKET_ARN = f"arn:aws:s3:::{BUCKET_NAME}"
SECRET_ARN = f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:appflow!salesforce-client-AbCdEf"

FLOW_TYPE = "aws-native:appflow:Flow"
PROFILE_TYPE = "aws-native:appflow:ConnectorProfile"
KEY_TYPE = "aws-native:kms:Key"
BUCKET_TYPE = "aws-native:s3:Bucket"
BUCKET_POLICY_TYPE = "aws-native:s3:BucketPolicy"
SECRET_TYPE = "aws-native:secretsmanager:Secret"
TRAIL_TYPE = "aws-native:cloudtrail:Trail"
MANAGED_POLICY_TYPE = "aws-native:iam:ManagedPolicy"

KEY = urn(KEY_TYPE, "appflow-key")
BUCKET = urn(BUCKET_TYPE, "landing")
SECRET = urn(SECRET_TYPE, "salesforce-client")
PROFILE = urn(PROFILE_TYPE, "salesforce")
FLOW = urn(FLOW_TYPE, "accounts-to-s3")

TAGS = [{"key": "team", "value": "data-platform"}, {"key": "data-classification", "value": "confidential"}]


def key_policy() -> dict:
    return {"Version": "2012-10-17", "Statement": [
        {"Sid": "AccountAdministration", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
         "Action": "kms:*", "Resource": "*"},
        {"Sid": "AppFlowUse", "Effect": "Allow", "Principal": {"Service": "appflow.amazonaws.com"},
         "Action": ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"], "Resource": "*",
         "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}}},
    ]}


def bucket_policy(bucket_arn: str = BUCKET_ARN) -> dict:
    return {"Version": "2012-10-17", "Statement": [
        {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
         "Resource": [bucket_arn, f"{bucket_arn}/*"], "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
        {"Sid": "AppFlowWrite", "Effect": "Allow", "Principal": {"Service": "appflow.amazonaws.com"},
         "Action": ["s3:PutObject", "s3:AbortMultipartUpload", "s3:GetBucketAcl", "s3:PutObjectAcl"],
         "Resource": [bucket_arn, f"{bucket_arn}/*"], "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}}},
    ]}


def native_stack(phase: str = "preview") -> list[Spec]:
    """Every resource of examples/native-compliant-salesforce-to-s3; ``phase`` is "preview" or "update"."""

    def computed(value):
        return UNKNOWN if phase == "preview" else value

    return [
        Spec(KEY_TYPE, "appflow-key", {
            "description": "Encrypts AppFlow connections, flows and landing data", "enableKeyRotation": True,
            "keyPolicy": key_policy(), "arn": computed(KEY_ARN), "keyId": computed(KEY_ARN.rsplit("/", 1)[1])}),
        Spec(BUCKET_TYPE, "landing", {
            "bucketName": computed(BUCKET_NAME), "arn": computed(BUCKET_ARN), "tags": copy.deepcopy(TAGS),
            "bucketEncryption": {"serverSideEncryptionConfiguration": [{
                "serverSideEncryptionByDefault": {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": computed(KEY_ARN)},
                "bucketKeyEnabled": True}]}},
             deps={"bucketEncryption": [KEY]}),
        Spec(BUCKET_POLICY_TYPE, "landing-policy", {
            "bucket": computed(BUCKET_NAME), "policyDocument": computed(bucket_policy())},
             deps={"bucket": [BUCKET], "policyDocument": [BUCKET]}),
        Spec(SECRET_TYPE, "salesforce-client", {
            "name": "appflow!salesforce-client", "description": "Salesforce connected app client credentials",
            "kmsKeyId": computed(KEY_ARN), "awsId": computed(SECRET_ARN)},
             deps={"kmsKeyId": [KEY]}),
        Spec(PROFILE_TYPE, "salesforce", {
            "connectorProfileName": "salesforce-production", "connectorType": "Salesforce",
            "connectionMode": "Private", "kmsArn": computed(KEY_ARN),
            "connectorProfileConfig": {
                "connectorProfileCredentials": {"salesforce": {
                    "clientCredentialsArn": computed(SECRET_ARN), "oAuth2GrantType": "JWT_BEARER",
                    "jwtToken": "header.payload.signature"}},
                "connectorProfileProperties": {"salesforce": {
                    "instanceUrl": "https://acme.my.salesforce.com",
                    "usePrivateLinkForMetadataAndAuthorization": True}}}},
             deps={"kmsArn": [KEY], "connectorProfileConfig": [SECRET]}),
        Spec(FLOW_TYPE, "accounts-to-s3", {
            "flowName": "salesforce-accounts-to-s3", "description": "Copies Salesforce accounts to the landing bucket",
            "kmsArn": computed(KEY_ARN),
            "sourceFlowConfig": {"connectorType": "Salesforce", "connectorProfileName": "salesforce-production",
                                 "sourceConnectorProperties": {"salesforce": {"object": "Account"}}},
            "destinationFlowConfigList": [{"connectorType": "S3", "destinationConnectorProperties": {
                "s3": {"bucketName": computed(BUCKET_NAME), "s3OutputFormatConfig": {"fileType": "PARQUET"}}}}],
            "tasks": [{"taskType": "Map_all", "sourceFields": [], "connectorOperator": {"salesforce": "NO_OP"}}],
            "triggerConfig": {"triggerType": "Scheduled", "triggerProperties": {"scheduleExpression": "rate(1hours)"}},
            "tags": copy.deepcopy(TAGS)},
             deps={"kmsArn": [KEY], "sourceFlowConfig": [PROFILE], "destinationFlowConfigList": [BUCKET]}),
        Spec(TRAIL_TYPE, "audit", {
            "trailName": "account-audit", "isLogging": True, "isMultiRegionTrail": True,
            "enableLogFileValidation": True, "s3BucketName": "org-audit-logs-123456789012"}),
        Spec(MANAGED_POLICY_TYPE, "appflow-operator", {
            "managedPolicyName": "appflow-operator", "description": "Runs AppFlow flows",
            "policyDocument": operator_policy_document()}),
        *macie_coverage(computed(BUCKET_NAME), BUCKET, account="aws-native:macie:Session"),
    ]


def mixed_stack(phase: str = "preview") -> list[Spec]:
    """The pulumi-aws compliant stack plus an aws-native flow on its key and bucket, and a pulumi-aws
    flow on an aws-native key (examples/native-mixed-providers)."""
    from stacks import compliant_stack

    def computed(value):
        return UNKNOWN if phase == "preview" else value

    aws_key, aws_bucket = urn("aws:kms/key:Key", "appflow-key"), urn("aws:s3/bucket:Bucket", "landing")
    native_key_arn = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/a487f782-d62d-9f5c-f7ce-99fc5e19aeb4"
    native = [spec for spec in native_stack(phase) if spec.resource_type in (KEY_TYPE, FLOW_TYPE)]
    key, flow = native
    flow.name = "native-accounts-to-s3"
    key.props["arn"] = computed(native_key_arn)
    flow.props["destinationFlowConfigList"][0]["destinationConnectorProperties"]["s3"]["bucketName"] = \
        computed("appflow-landing-1a2b3c")
    flow.props["kmsArn"] = computed(f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab")
    flow.deps = {"kmsArn": [aws_key], "destinationFlowConfigList": [aws_bucket]}
    specs = compliant_stack(phase) + [key, flow]
    classic_flow = next(spec for spec in specs if spec.resource_type == "aws:appflow/flow:Flow")
    classic_flow.props["kmsArn"] = computed(native_key_arn)
    classic_flow.deps["kmsArn"] = [KEY]
    return specs


def native_salesforce_profile(instance_url=None, **properties) -> Spec:
    """The stack's Salesforce connector profile (update phase), with its instanceUrl and other
    connectorProfileProperties replaced."""
    spec = find(native_stack("update"), "salesforce")
    if instance_url is not None:
        spec.props["connectorProfileConfig"]["connectorProfileProperties"]["salesforce"]["instanceUrl"] = instance_url
    spec.props["connectorProfileConfig"]["connectorProfileProperties"].update(properties)
    return spec
