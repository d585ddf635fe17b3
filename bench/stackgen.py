"""Generated stacks of any size, shaped like real AppFlow programs in a first preview.

A stack is a header (the root ``pulumi:pulumi:Stack``, the default AWS provider, a CloudTrail
trail, the Macie account) followed by repeated "pipelines" of eleven resources, modelled on
``examples/shared/appflow_stack.py``: a customer managed key, a landing bucket with its encryption
configuration, bucket policy and Macie classification job, the connection's client secret, a
connector profile, three flows and the operator IAM policy. Values AWS computes (ARNs, generated bucket names) are unknown, as
in a preview; property dependencies link each value to the resource it came from, as the engine
records them, so the stack policies resolve keys and buckets the way they do on a real program.
The last pipeline is cut short so that a stack has exactly the requested number of resources.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from appflow_guard.checker.pack_process import Resource
from appflow_guard.checker.protocol import SecretValue, Unknown

ACCOUNT = "123456789012"
REGION = "us-east-1"
PROJECT = "appflow-bench"
STACK = "bench"
STACK_URN = f"urn:pulumi:{STACK}::{PROJECT}::pulumi:pulumi:Stack::{PROJECT}-{STACK}"

KEY = "aws:kms/key:Key"
BUCKET = "aws:s3/bucket:Bucket"
ENCRYPTION = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"
SECRET = "aws:secretsmanager/secret:Secret"
PROFILE = "aws:appflow/connectorProfile:ConnectorProfile"
FLOW = "aws:appflow/flow:Flow"
IAM_POLICY = "aws:iam/policy:Policy"
TRAIL = "aws:cloudtrail/trail:Trail"
MACIE_ACCOUNT = "aws:macie2/account:Account"
MACIE_JOB = "aws:macie2/classificationJob:ClassificationJob"
PROVIDER = "pulumi:providers:aws"

SALESFORCE_OBJECTS = ("Account", "Contact", "Opportunity", "Lead", "Case", "Campaign")
TRIGGERS = ("Scheduled", "OnDemand", "Event")


def urn(resource_type: str, name: str) -> str:
    return f"urn:pulumi:{STACK}::{PROJECT}::{resource_type}::{name}"


@dataclass
class Stack:
    """The resources as Analyze sees them (inputs) and as AnalyzeStack sees them (state)."""

    inputs: list[Resource]
    states: list[Resource]

    def __len__(self) -> int:
        return len(self.inputs)

    def mix(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for resource in self.inputs:
            counts[resource.type] = counts.get(resource.type, 0) + 1
        return dict(sorted(counts.items(), key=lambda item: -item[1]))


def key_policy() -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "AccountAdministration", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
         "Action": "kms:*", "Resource": "*"},
        {"Sid": "AppFlowUse", "Effect": "Allow", "Principal": {"Service": "appflow.amazonaws.com"},
         "Action": ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey*", "kms:DescribeKey"], "Resource": "*",
         "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}}},
    ]})


def operator_policy(index: int) -> str:
    called_via = {"aws:CalledVia": ["appflow.amazonaws.com"]}
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "AppFlow", "Effect": "Allow", "Action": "appflow:*",
         "Resource": f"arn:aws:appflow:{REGION}:{ACCOUNT}:flow/pipeline-{index:05d}-*"},
        {"Sid": "SecretsManagerCreateSecretAccess", "Effect": "Allow", "Action": "secretsmanager:CreateSecret",
         "Resource": "*", "Condition": {"StringLike": {"secretsmanager:Name": "appflow!*"},
                                        "ForAnyValue:StringEquals": called_via}},
        {"Sid": "SecretsManagerPutResourcePolicyAccess", "Effect": "Allow",
         "Action": ["secretsmanager:PutResourcePolicy"], "Resource": "*",
         "Condition": {"ForAnyValue:StringEquals": called_via, "StringEqualsIgnoreCase": {
             "secretsmanager:ResourceTag/aws:secretsmanager:owningService": "appflow"}}},
    ]})


class _Builder:
    def __init__(self) -> None:
        self.inputs: list[Resource] = []
        self.states: list[Resource] = []
        provider_props = {"region": REGION, "version": "7.51.1", "skipCredentialsValidation": "false"}
        self.provider_urn = urn(PROVIDER, "default_7_51_1")
        self.provider = Resource(PROVIDER, "default_7_51_1", self.provider_urn, provider_props, parent=STACK_URN)
        self.provider_state = Resource(PROVIDER, "default_7_51_1", self.provider_urn, dict(provider_props),
                                       parent=STACK_URN)

    def add(self, resource_type: str, name: str, inputs: dict, outputs: dict | None = None,
            deps: dict[str, list[str]] | None = None) -> str:
        """Register a resource; ``outputs`` are what AWS computes (unknown in a preview)."""
        resource_urn = urn(resource_type, name)
        deps = deps or {}
        common = dict(type=resource_type, name=name, urn=resource_urn, parent=STACK_URN,
                      dependencies=sorted({dep for urns in deps.values() for dep in urns}),
                      property_dependencies=deps)
        self.inputs.append(Resource(properties=inputs, provider=self.provider, **common))
        self.states.append(Resource(properties={**inputs, **(outputs or {})}, provider=self.provider_state, **common))
        return resource_urn


def _pipeline(builder: _Builder, index: int) -> list:
    """The eleven registrations of one pipeline, as closures so a stack can stop part-way."""
    tag = f"{index:05d}"
    names = {kind: f"{kind}-{tag}" for kind in ("key", "landing", "client", "source", "operator")}
    key_urn = urn(KEY, names["key"])
    bucket_urn = urn(BUCKET, names["landing"])
    secret_urn = urn(SECRET, names["client"])
    profile_urn = urn(PROFILE, names["source"])
    profile_name = f"salesforce-{tag}"
    tags = {"team": f"data-platform-{index % 7}", "data-classification": "confidential", "pipeline": tag}

    def key():
        builder.add(KEY, names["key"], {
            "description": "Encrypts AppFlow connections, flows and landing data",
            "enableKeyRotation": True, "keyUsage": "ENCRYPT_DECRYPT",
            "customerMasterKeySpec": "SYMMETRIC_DEFAULT", "policy": key_policy(), "tags": tags,
        }, {"arn": Unknown(), "keyId": Unknown(), "id": Unknown()})

    def bucket():
        builder.add(BUCKET, names["landing"], {"tags": tags, "forceDestroy": False},
                    {"bucket": Unknown(), "arn": Unknown(), "id": Unknown(), "bucketDomainName": Unknown()})

    def encryption():
        builder.add(ENCRYPTION, f"{names['landing']}-encryption", {
            "bucket": Unknown(),
            "rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": Unknown()},
                       "bucketKeyEnabled": True}],
        }, {"id": Unknown()}, deps={"bucket": [bucket_urn], "rules": [key_urn]})

    def bucket_policy():
        builder.add(BUCKET_POLICY, f"{names['landing']}-policy", {"bucket": Unknown(), "policy": Unknown()},
                    {"id": Unknown()}, deps={"bucket": [bucket_urn], "policy": [bucket_urn]})

    def macie_job():
        builder.add(MACIE_JOB, f"{names['landing']}-discovery", {
            "name": f"appflow-landing-discovery-{tag}", "jobType": "SCHEDULED",
            "scheduleFrequency": {"dailySchedule": True},
            "s3JobDefinition": {"bucketDefinitions": [{"accountId": ACCOUNT, "buckets": [Unknown()]}]},
        }, {"id": Unknown(), "jobStatus": Unknown()}, deps={"s3JobDefinition": [bucket_urn]})

    def secret():
        builder.add(SECRET, names["client"], {
            "name": f"appflow!salesforce-client-{tag}", "description": "Salesforce connected app client credentials",
            "kmsKeyId": Unknown(), "recoveryWindowInDays": 7.0, "tags": tags,
        }, {"arn": Unknown(), "id": Unknown()}, deps={"kmsKeyId": [key_urn]})

    def profile():
        builder.add(PROFILE, names["source"], {
            "name": profile_name, "connectorType": "Salesforce", "connectionMode": "Private",
            "kmsArn": Unknown(),
            "connectorProfileConfig": {
                "connectorProfileCredentials": {"salesforce": {
                    "clientCredentialsArn": Unknown(), "oauth2GrantType": "JWT_BEARER",
                    "jwtToken": SecretValue("placeholder.jwt.token")}},
                "connectorProfileProperties": {"salesforce": {
                    "instanceUrl": f"https://acme-{index % 50}.my.salesforce.com",
                    "usePrivatelinkForMetadataAndAuthorization": True}}},
        }, {"arn": Unknown(), "credentialsArn": Unknown(), "id": Unknown()},
            deps={"kmsArn": [key_urn], "connectorProfileConfig": [secret_urn]})

    def flow(number: int):
        def register():
            salesforce_object = SALESFORCE_OBJECTS[(index + number) % len(SALESFORCE_OBJECTS)]
            trigger = TRIGGERS[number % len(TRIGGERS)]
            trigger_config: dict = {"triggerType": trigger}
            if trigger == "Scheduled":
                trigger_config["triggerProperties"] = {"scheduled": {"scheduleExpression": "rate(1hours)",
                                                                     "dataPullMode": "Incremental"}}
            builder.add(FLOW, f"{salesforce_object.lower()}-to-s3-{tag}-{number}", {
                "name": f"pipeline-{tag}-{salesforce_object.lower()}-{number}",
                "description": f"Copies Salesforce {salesforce_object} records to the landing bucket",
                "kmsArn": Unknown(),
                "sourceFlowConfig": {"connectorType": "Salesforce", "connectorProfileName": profile_name,
                                     "sourceConnectorProperties": {"salesforce": {
                                         "object": salesforce_object, "enableDynamicFieldUpdate": False,
                                         "includeDeletedRecords": False}}},
                "destinationFlowConfigs": [{"connectorType": "S3", "destinationConnectorProperties": {"s3": {
                    "bucketName": Unknown(), "bucketPrefix": salesforce_object.lower(),
                    "s3OutputFormatConfig": {"fileType": "PARQUET", "preserveSourceDataTyping": True,
                                             "aggregationConfig": {"aggregationType": "None"}}}}}],
                "tasks": [{"taskType": "Map_all", "sourceFields": [],
                           "connectorOperators": [{"salesforce": "NO_OP"}], "taskProperties": {}}],
                "triggerConfig": trigger_config,
                "tags": tags,
            }, {"arn": Unknown(), "flowStatus": Unknown(), "id": Unknown()},
                deps={"kmsArn": [key_urn], "sourceFlowConfig": [profile_urn], "destinationFlowConfigs": [bucket_urn]})
        return register

    def iam_policy():
        builder.add(IAM_POLICY, names["operator"], {
            "name": f"appflow-operator-{tag}", "description": "Runs the pipeline's AppFlow flows",
            "path": "/", "policy": operator_policy(index),
        }, {"arn": Unknown(), "id": Unknown()})

    return [key, bucket, encryption, bucket_policy, macie_job, secret, profile, flow(1), flow(2), flow(3), iam_policy]


def generate(size: int) -> Stack:
    """A stack of exactly ``size`` resources (at least 4: the stack, the provider, the trail, Macie)."""
    if size < 4:
        raise ValueError("a benchmark stack has at least 4 resources")
    builder = _Builder()
    root = Resource("pulumi:pulumi:Stack", f"{PROJECT}-{STACK}", STACK_URN, {})
    builder.inputs.append(root)
    builder.states.append(Resource("pulumi:pulumi:Stack", f"{PROJECT}-{STACK}", STACK_URN, {}))
    builder.inputs.append(builder.provider)
    builder.states.append(builder.provider_state)
    builder.add(TRAIL, "audit", {"name": "account-audit", "s3BucketName": f"org-audit-logs-{ACCOUNT}",
                                 "isMultiRegionTrail": True, "enableLogFileValidation": True,
                                 "enableLogging": True, "includeGlobalServiceEvents": True},
                {"arn": Unknown(), "homeRegion": Unknown()})
    builder.add(MACIE_ACCOUNT, "macie", {"status": "ENABLED", "findingPublishingFrequency": "FIFTEEN_MINUTES"},
                {"id": Unknown(), "serviceRole": Unknown()})
    index = 0
    while len(builder.inputs) < size:
        for register in _pipeline(builder, index):
            if len(builder.inputs) >= size:
                break
            register()
        index += 1
    return Stack(builder.inputs, builder.states)
