"""Generated property trees for every resource the pack reads, and the mutations applied to them.

Bases are realistic: the compliant stack of tests/stacks.py, an extended stack (aliases, key
policies, BucketV2, Redshift and Snowflake profiles, roles with inline policies) and, for every
connector type, a connector profile whose credentials and properties fill every field of
pulumi-aws's schema (aws_schema.py); the same for pulumi-aws-native (tests/native_stacks.py, an
extended native stack and a native connector profile per connector type from pulumi-aws-native's
schema), and a stack that mixes both providers. Hypothesis then adds schema fields and mutates: unknown
sentinels at any depth, None, wrong types, empty, huge and unicode strings, deep nesting,
missing branches, broken JSON policy documents and provider properties that are not valid JSON.

Runners call the policies in-process through tests/harness.py (the SDK's own proxies) and report
an outcome that must be the same when the same input is given twice.
"""

from __future__ import annotations

import copy
import json
import os
import random
from typing import Any

from hypothesis import strategies as st
from hypothesis.errors import StopTest
from pulumi_policy import ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy
from pulumi_policy.policy import _NotApplicableError
from pulumi_policy.secret import secrets_preserving_proxy
from pulumi_policy.proxy import (
    UNKNOWN_ARRAY_VALUE,
    UNKNOWN_BOOLEAN_VALUE,
    UNKNOWN_NUMBER_VALUE,
    UNKNOWN_OBJECT_VALUE,
    UNKNOWN_STRING_VALUE,
    unknown_checking_proxy,
)

import aws_schema
from appflow_guard.pack import POLICIES
from appflow_guard.core.values import plain
from harness import UNKNOWN, Spec, _options, provider, stack_resources, urn
from native_stacks import mixed_stack, native_stack
from stacks import (ACCOUNT, BUCKET_NAME, KEY_ARN, SECRET_ARN, bucket_policy, compliant_stack, key_policy,
                    mfa_policy_document, operator_policy)

PROFILE_ENV = "APPFLOW_GUARD_HYPOTHESIS_PROFILE"
PROFILE = os.environ.get(PROFILE_ENV, "fast")
LONG = PROFILE == "fuzz"
HUGE = 32_000 if LONG else 16_000  # characters; AWS caps descriptions at 2,048 and tag values at 256

RESOURCE_POLICIES = tuple(p for p in POLICIES if isinstance(p, ResourceValidationPolicy) and p.validate is not None)
REMEDIATIONS = tuple(p for p in POLICIES if isinstance(p, ResourceValidationPolicy) and p.remediate is not None)
STACK_POLICIES = tuple(p for p in POLICIES if isinstance(p, StackValidationPolicy))

UNKNOWN_SENTINELS = (UNKNOWN_STRING_VALUE, UNKNOWN_BOOLEAN_VALUE, UNKNOWN_NUMBER_VALUE, UNKNOWN_ARRAY_VALUE,
                     UNKNOWN_OBJECT_VALUE)

# Counters the autouse fixture in conftest.py records per test (real executed examples).
COUNTS = {"cases": 0, "failures": 0}


class counted:
    """Count one executed example; count it as a failure if its body raises.

    An example Hypothesis abandons while it is being drawn (StopTest: it ran out of room for its
    choices) never reached the policies and is replaced by another, so it is not counted at all.
    """

    def __enter__(self):
        COUNTS["cases"] += 1

    def __exit__(self, kind, error, trace):
        if kind is not None and issubclass(kind, StopTest):
            COUNTS["cases"] -= 1
        elif kind is not None:
            COUNTS["failures"] += 1
        return False


# Realistic values -------------------------------------------------------------------------

ALIAS_ARN = f"arn:aws:kms:us-east-1:{ACCOUNT}:alias/appflow"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/appflow-redshift"
REDSHIFT_BUCKET = "appflow-redshift-staging"


def plausible_string(name: str, connector: str = "") -> str:
    """A value a real program would put in the field ``name`` (camelCase)."""
    lowered = name.lower()
    if lowered == "databaseurl":
        return "jdbc:redshift://cluster.abc123.us-east-1.redshift.amazonaws.com:5439/dev"
    if lowered.endswith(("url", "uri")):
        return f"https://{connector.lower() or 'api'}.example.com/oauth/{name}"
    if lowered in ("kmsarn", "kmskeyid", "kmsmasterkeyid"):
        return KEY_ARN
    if lowered == "clientcredentialsarn":
        return SECRET_ARN
    if lowered.endswith("arn"):
        return ROLE_ARN
    if lowered in ("bucketname", "bucket", "s3bucketname"):
        return REDSHIFT_BUCKET if connector in ("redshift", "snowflake") else BUCKET_NAME
    if lowered == "policy":
        return key_policy()
    if lowered in ("policydocument", "keypolicy"):  # aws-native: documents are objects
        return json.loads(key_policy())
    if lowered == "oauth2granttype":
        return "CLIENT_CREDENTIALS"
    if lowered == "authenticationtype":
        return "OAUTH2"
    if lowered == "privatelinkservicename":
        return "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0"
    return f"{connector or 'example'}-{name}"


def complete_tree(cls, connector: str = "") -> dict:
    """Every field of a pulumi-aws Args class filled with a plausible value (camelCase keys)."""
    tree = {}
    for field in aws_schema.fields(cls):
        tree[field.name] = _complete(field.shape, field.name, connector)
    return tree


def _complete(shape, name: str, connector: str) -> Any:
    if shape.kind == "object" and shape.cls is not None:
        return complete_tree(shape.cls, connector)
    if shape.kind == "list":
        return [_complete(shape.item, name, connector)] if shape.item is not None else []
    if shape.kind == "map":
        return {f"{name}Key": _complete(shape.item, name, connector) if shape.item is not None else "value"}
    if shape.kind == "enum":
        return aws_schema.enum_values(shape)[0]
    if shape.kind == "bool":
        return True
    if shape.kind == "number":
        return 443
    return plausible_string(name, connector)


def connector_profiles(phase: str) -> list[Spec]:
    """One connector profile per connector type, every credential and property field filled."""
    key = urn("aws:kms/key:Key", "appflow-key")
    specs = []
    for connector, (_, properties_cls) in aws_schema.property_connectors().items():
        credentials_cls = next(field.shape.cls for field in aws_schema.fields(aws_schema.CREDENTIALS_ROOT)
                               if field.name == connector)
        connector_type = connector[:1].upper() + connector[1:] if connector != "customConnector" else "CustomConnector"
        specs.append(Spec("aws:appflow/connectorProfile:ConnectorProfile", f"profile-{connector}", {
            "name": f"{connector}-profile", "connectorType": connector_type,
            "connectionMode": "Private" if connector in ("salesforce", "snowflake") else "Public",
            "kmsArn": UNKNOWN if phase == "preview" else KEY_ARN,
            "connectorProfileConfig": {
                "connectorProfileCredentials": {connector: complete_tree(credentials_cls, connector)},
                "connectorProfileProperties": {connector: complete_tree(properties_cls, connector)}}},
            deps={"kmsArn": [key]}))
    return specs


def not_elements_bucket_policy(bucket_arn: str) -> dict:
    """A TLS-only bucket policy written with Not-elements and resource lists."""
    return {"Version": "2012-10-17", "Statement": [
        {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": {"AWS": "*"}, "NotAction": "s3:GetBucketPolicy",
         "NotResource": "arn:aws:s3:::another-bucket/*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
        {"Sid": "OnlyOperatorsDelete", "Effect": "Deny",
         "NotPrincipal": {"AWS": [f"arn:aws:iam::{ACCOUNT}:root", ROLE_ARN]}, "Action": "s3:DeleteBucket",
         "Resource": bucket_arn},
        {"Sid": "AppFlowWrite", "Effect": "Allow", "Principal": {"Service": "appflow.amazonaws.com"},
         "Action": ["s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts",
                    "s3:ListBucketMultipartUploads", "s3:GetBucketAcl", "s3:PutObjectAcl"],
         "Resource": [bucket_arn, f"{bucket_arn}/*", f"{bucket_arn}/exports/*"],
         "Condition": {"ArnLike": {"aws:SourceArn": f"arn:aws:appflow:us-east-1:{ACCOUNT}:flow/*"}}},
    ]}


def not_elements_key_policy() -> dict:
    """A key policy with NotAction, NotResource and wildcards limited to the account or organization."""
    return {"Version": "2012-10-17", "Statement": [
        {"Sid": "AccountAdministration", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
         "NotAction": "kms:ReplicateKey", "Resource": "*"},
        {"Sid": "OrganizationDecrypt", "Effect": "Allow", "Principal": "*", "Action": ["kms:Decrypt", "kms:DescribeKey"],
         "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}},
        {"Sid": "ThroughS3", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:GenerateDataKey*",
         "NotResource": f"arn:aws:kms:us-east-1:{ACCOUNT}:key/another-key",
         "Condition": {"StringEquals": {"kms:CallerAccount": ACCOUNT, "kms:ViaService": "s3.us-east-1.amazonaws.com"}}},
        {"Sid": "AppFlowUse", "Effect": "Allow", "Principal": {"Service": "appflow.amazonaws.com"},
         "Action": ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"], "Resource": "*",
         "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}}},
    ]}


def not_elements_operator_policy() -> dict:
    """The operator policy plus a Deny written with NotAction and NotResource."""
    document = json.loads(operator_policy())
    document["Statement"].append({"Sid": "OnlyAppFlowSecrets", "Effect": "Deny",
                                  "NotAction": ["appflow:*", "kms:*", "secretsmanager:*", "s3:*"],
                                  "NotResource": "arn:aws:secretsmanager:*:*:secret:appflow!*"})
    return document


def extended_stack(phase: str) -> list[Spec]:
    """The compliant stack plus the other shapes the rules follow (aliases, V2 buckets, roles...)."""
    def computed(value):
        return UNKNOWN if phase == "preview" else value

    specs = compliant_stack(phase)
    key = urn("aws:kms/key:Key", "appflow-key")
    staging = urn("aws:s3/bucketV2:BucketV2", "staging")
    alias = urn("aws:kms/alias:Alias", "appflow-alias")
    role = urn("aws:iam/role:Role", "appflow-redshift")
    staging_arn = f"arn:aws:s3:::{REDSHIFT_BUCKET}"
    specs += [
        Spec("aws:kms/alias:Alias", "appflow-alias", {"name": "alias/appflow", "targetKeyId": computed(KEY_ARN),
                                                      "arn": computed(ALIAS_ARN)}, deps={"targetKeyId": [key]}),
        Spec("aws:kms/keyPolicy:KeyPolicy", "appflow-key-policy", {
            "keyId": computed(KEY_ARN), "policy": json.dumps(not_elements_key_policy())}, deps={"keyId": [key]}),
        Spec("aws:s3/bucketV2:BucketV2", "staging", {"bucket": REDSHIFT_BUCKET, "arn": computed(staging_arn),
                                                     "tags": {"team": "data-platform"}}),
        Spec("aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
             "staging-encryption", {"bucket": REDSHIFT_BUCKET, "rules": [{"applyServerSideEncryptionByDefault": {
                 "sseAlgorithm": "aws:kms:dsse", "kmsMasterKeyId": computed(ALIAS_ARN)}}]},
             deps={"bucket": [staging], "rules": [alias]}),
        Spec("aws:s3/bucketPolicy:BucketPolicy", "staging-policy", {"bucket": REDSHIFT_BUCKET,
                                                                  "policy": computed(json.dumps(
                                                                      not_elements_bucket_policy(staging_arn)))},
             deps={"bucket": [staging], "policy": [staging]}),
        Spec("aws:iam/role:Role", "appflow-redshift", {
            "name": "appflow-redshift", "arn": computed(ROLE_ARN), "assumeRolePolicy": json.dumps({
                "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                         "Principal": {"Service": "appflow.amazonaws.com"}}]}),
            "inlinePolicies": [{"name": "operator", "policy": json.dumps(not_elements_operator_policy())}]}),
        Spec("aws:iam/rolePolicy:RolePolicy", "appflow-redshift-data", {"role": "appflow-redshift",
                                                                       "policy": operator_policy()},
             deps={"role": [role]}),
        Spec("aws:appflow/connectorProfile:ConnectorProfile", "warehouse", {
            "name": "redshift-warehouse", "connectorType": "Redshift", "connectionMode": "Public",
            "kmsArn": "alias/appflow",
            "connectorProfileConfig": {
                "connectorProfileCredentials": {"redshift": {"username": "appflow", "password": computed("pw")}},
                "connectorProfileProperties": {"redshift": {
                    "bucketName": REDSHIFT_BUCKET, "roleArn": computed(ROLE_ARN), "clusterIdentifier": "warehouse",
                    "databaseUrl": "jdbc:redshift://warehouse.abc.us-east-1.redshift.amazonaws.com:5439/dev"}}}},
            deps={"connectorProfileConfig": [staging, role]}),
        Spec("aws:appflow/flow:Flow", "s3-to-redshift", {
            "name": "s3-to-redshift", "description": "Loads landing files into the warehouse",
            "kmsArn": computed(KEY_ARN),
            "sourceFlowConfig": {"connectorType": "S3", "sourceConnectorProperties": {"s3": {
                "bucketName": computed(BUCKET_NAME), "bucketPrefix": "accounts"}}},
            "destinationFlowConfigs": [{"connectorType": "Redshift", "connectorProfileName": "redshift-warehouse",
                                        "destinationConnectorProperties": {"redshift": {
                                            "object": "public.accounts", "intermediateBucketName": REDSHIFT_BUCKET,
                                            "errorHandlingConfig": {"bucketName": REDSHIFT_BUCKET,
                                                                    "failOnFirstDestinationError": True}}}}],
            "tasks": [{"taskType": "Map_all", "sourceFields": []}],
            "triggerConfig": {"triggerType": "OnDemand"}, "tags": {"team": "data-platform"}},
            deps={"kmsArn": [key], "sourceFlowConfig": [urn("aws:s3/bucket:Bucket", "landing")],
                  "destinationFlowConfigs": [staging]}),
    ]
    return specs + iam_people(phase)


def iam_people(phase: str) -> list[Spec]:
    """An IAM user with a password and a key, in a group that requires MFA, and the attachments the
    MFA and least-privilege rules follow (by name, by dependency, by ARN)."""
    def computed(value):
        return UNKNOWN if phase == "preview" else value

    user, group = urn("aws:iam/user:User", "operator"), urn("aws:iam/group:Group", "operators")
    mfa, mfa_arn = urn("aws:iam/policy:Policy", "require-mfa"), "arn:aws:iam::123456789012:policy/require-mfa"
    return [
        Spec("aws:iam/user:User", "operator", {"name": "flow-operator", "permissionsBoundary": computed(mfa_arn)},
             deps={"permissionsBoundary": [mfa]}),
        Spec("aws:iam/userLoginProfile:UserLoginProfile", "operator-login", {"user": "flow-operator"}, deps={"user": [user]}),
        Spec("aws:iam/accessKey:AccessKey", "operator-key", {"user": "flow-operator", "status": "Active"},
             deps={"user": [user]}),
        Spec("aws:iam/group:Group", "operators", {"name": "operators"}),
        Spec("aws:iam/userGroupMembership:UserGroupMembership", "operator-groups",
             {"user": "flow-operator", "groups": ["operators"]}, deps={"user": [user], "groups": [group]}),
        Spec("aws:iam/policy:Policy", "require-mfa", {"name": "require-mfa", "policy": json.dumps(mfa_policy_document()),
                                                      "arn": computed(mfa_arn)}),
        Spec("aws:iam/policyAttachment:PolicyAttachment", "require-mfa-everywhere",
             {"name": "require-mfa", "groups": ["operators"], "users": [], "policyArn": computed(mfa_arn)},
             deps={"groups": [group], "policyArn": [mfa]}),
        Spec("aws:iam/groupPolicyAttachment:GroupPolicyAttachment", "operators-read-only",
             {"group": "operators", "policyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}, deps={"group": [group]}),
    ]


def native_connector_profiles(phase: str) -> list[Spec]:
    """One aws-native connector profile per connector type, every field of pulumi-aws-native's schema filled."""
    import pulumi_aws_native

    key = urn("aws-native:kms:Key", "appflow-key")
    connector_types = {member.value.lower(): member.value
                       for member in pulumi_aws_native.appflow.ConnectorProfileConnectorType}
    credentials = {field.name: field.shape.cls for field in aws_schema.fields(aws_schema.NATIVE_CREDENTIALS_ROOT)}
    properties = aws_schema.property_connectors(aws_schema.NATIVE_PROPERTIES_ROOT)
    specs = []
    for connector, credentials_cls in credentials.items():
        config = {"connectorProfileCredentials": {connector: complete_tree(credentials_cls, connector)}}
        if connector in properties:
            config["connectorProfileProperties"] = {connector: complete_tree(properties[connector][1], connector)}
        specs.append(Spec("aws-native:appflow:ConnectorProfile", f"native-profile-{connector}", {
            "connectorProfileName": f"{connector}-profile", "connectorType": connector_types[connector.lower()],
            "connectionMode": "Private" if connector in ("salesforce", "snowflake") else "Public",
            "kmsArn": UNKNOWN if phase == "preview" else KEY_ARN, "connectorProfileConfig": config},
            deps={"kmsArn": [key]}))
    return specs


def native_extended_stack(phase: str) -> list[Spec]:
    """The native stack plus the other aws-native shapes the rules follow: an alias, a role with
    inline policies, user and group policies, a Redshift flow with intermediate and error buckets."""
    def computed(value):
        return UNKNOWN if phase == "preview" else value

    specs = native_stack(phase)
    key, alias = urn("aws-native:kms:Key", "appflow-key"), urn("aws-native:kms:Alias", "appflow-alias")
    staging = urn("aws-native:s3:Bucket", "staging")
    document = json.loads(operator_policy())
    specs += [
        Spec("aws-native:kms:Alias", "appflow-alias", {"aliasName": "alias/appflow", "targetKeyId": computed(KEY_ARN)},
             deps={"targetKeyId": [key]}),
        Spec("aws-native:s3:Bucket", "staging", {
            "bucketName": REDSHIFT_BUCKET, "arn": computed(f"arn:aws:s3:::{REDSHIFT_BUCKET}"),
            "tags": [{"key": "team", "value": "data-platform"}],
            "bucketEncryption": {"serverSideEncryptionConfiguration": [{"serverSideEncryptionByDefault": {
                "sseAlgorithm": "aws:kms:dsse", "kmsMasterKeyId": computed(ALIAS_ARN)}}]}},
             deps={"bucketEncryption": [alias]}),
        Spec("aws-native:s3:BucketPolicy", "staging-policy", {
            "bucket": REDSHIFT_BUCKET, "policyDocument": not_elements_bucket_policy(f"arn:aws:s3:::{REDSHIFT_BUCKET}")},
             deps={"bucket": [staging]}),
        Spec("aws-native:iam:Role", "appflow-redshift", {
            "roleName": "appflow-redshift", "assumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "appflow.amazonaws.com"}}]},
            "policies": [{"policyName": "operator", "policyDocument": not_elements_operator_policy()}]}),
        Spec("aws-native:iam:UserPolicy", "operator-user", {"userName": "ops", "policyName": "operator",
                                                            "policyDocument": document}),
        Spec("aws-native:iam:GroupPolicy", "operator-group", {"groupName": "ops", "policyName": "operator",
                                                              "policyDocument": document}),
        Spec("aws-native:appflow:Connector", "crm", {"connectorLabel": "crm", "connectorProvisioningType": "LAMBDA",
                                                     "connectorProvisioningConfig": {"lambda": {"lambdaArn": ROLE_ARN}},
                                                     "description": "Custom CRM connector"}),
        Spec("aws-native:appflow:Flow", "s3-to-redshift", {
            "flowName": "s3-to-redshift", "description": "Loads landing files into the warehouse",
            "kmsArn": "alias/appflow",
            "sourceFlowConfig": {"connectorType": "S3", "sourceConnectorProperties": {"s3": {
                "bucketName": computed("landing-4f292614"), "bucketPrefix": "accounts"}}},
            "destinationFlowConfigList": [{"connectorType": "Redshift", "connectorProfileName": "redshift-warehouse",
                                           "destinationConnectorProperties": {"redshift": {
                                               "object": "public.accounts", "intermediateBucketName": REDSHIFT_BUCKET,
                                               "errorHandlingConfig": {"bucketName": REDSHIFT_BUCKET,
                                                                       "failOnFirstError": True}}}}],
            "tasks": [{"taskType": "Map_all", "sourceFields": []}],
            "triggerConfig": {"triggerType": "OnDemand"}, "tags": [{"key": "team", "value": "data-platform"}]},
            deps={"sourceFlowConfig": [urn("aws-native:s3:Bucket", "landing")], "destinationFlowConfigList": [staging]}),
        Spec("aws-native:iam:Group", "ops", {"groupName": "ops", "managedPolicyArns": [
            "arn:aws:iam::aws:policy/ReadOnlyAccess"], "policies": [
            {"policyName": "require-mfa", "policyDocument": mfa_policy_document()}]}),
        Spec("aws-native:iam:User", "ops-user", {"userName": "ops", "groups": ["ops"], "loginProfile": {
            "password": computed("pw"), "passwordResetRequired": True}}, deps={"groups": [urn("aws-native:iam:Group", "ops")]}),
        Spec("aws-native:iam:ManagedPolicy", "require-mfa", {"policyDocument": mfa_policy_document(), "users": ["ops"],
                                                             "groups": ["ops"], "roles": ["appflow-redshift"]}),
    ]
    return specs


def base_stacks() -> dict[str, list[Spec]]:
    return {f"{name}-{phase}": builder(phase)
            for phase in ("preview", "update")
            for name, builder in (("compliant", compliant_stack), ("extended", extended_stack),
                                  ("profiles", lambda p: compliant_stack(p) + connector_profiles(p)),
                                  ("native", native_extended_stack),
                                  ("native-profiles", lambda p: native_stack(p) + native_connector_profiles(p)),
                                  ("mixed", mixed_stack))}


BASE_STACKS = base_stacks()

# One base resource per type the pack reads (and per connector type), for resource-level cases.
BASE_RESOURCES: dict[str, Spec] = {}
for _stack in BASE_STACKS.values():
    for _spec in _stack:
        BASE_RESOURCES.setdefault(f"{_spec.resource_type}::{_spec.name}", _spec)
RESOURCE_KEYS = sorted(BASE_RESOURCES)

PROVIDER_PROPS = {
    "region": "us-east-1", "version": "7.51.1", "insecure": "false", "useFipsEndpoint": "true",
    "skipCredentialsValidation": "false",
    "endpoints": json.dumps([{"appflow": "https://appflow-fips.us-east-1.amazonaws.com",
                              "kms": "https://kms-fips.us-east-1.amazonaws.com"}]),
    "defaultTags": json.dumps({"tags": {"team": "data-platform"}}),
}

# An aws-native provider: no useFipsEndpoint; its endpoints are Cloud Control's and STS's.
NATIVE_PROVIDER_PROPS = {
    "region": "us-east-1", "version": "1.84.0", "insecure": "false", "skipCredentialsValidation": "false",
    "endpoints": json.dumps([{"cloudcontrol": "https://cloudcontrolapi-fips.us-east-1.amazonaws.com",
                              "sts": "https://sts-fips.us-east-1.amazonaws.com"}]),
    "defaultTags": json.dumps({"tags": [{"key": "team", "value": "data-platform"}]}),
}

# Pickers: one generator, two sources of choices ----------------------------------------------
#
# Every generator below takes a ``pick`` and asks it for integers, choices, text and floats. The
# native picker asks Hypothesis for each choice (so failures shrink to a minimal property tree);
# the seeded picker draws one seed from Hypothesis and makes the choices with random.Random, which
# costs a hundredth as much per choice and lets `make fuzz` run 100,000 cases in minutes. A failing
# seeded case is reported with its seed and replays exactly.

class NativePicker:
    def __init__(self, data) -> None:
        self.data = data

    def integer(self, low: int, high: int) -> int:
        return self.data.draw(st.integers(low, high))

    def choice(self, options):
        return options[self.data.draw(st.integers(0, len(options) - 1))]

    def text(self, max_size: int) -> str:
        return self.data.draw(st.text(max_size=max_size))

    def floating(self) -> float:
        return self.data.draw(st.floats(allow_nan=True, allow_infinity=True))


_ALPHABET = ([chr(code) for code in range(0x20, 0x7f)] + list("\t\n\r\x00\x7f\xa0éßñ€☕日本語עברית\u202e\u200b\ufeff")
             + ["\U0001f600", "\U0010ffff", "\ud7ff", "\ue000"])
_FLOATS = [float("nan"), float("inf"), float("-inf"), 0.0, -0.0, 1e308, 5e-324, 1.5, -2.5e10]


class SeededPicker:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def integer(self, low: int, high: int) -> int:
        return self.rng.randint(low, high)

    def choice(self, options):
        return options[self.rng.randrange(len(options))]

    def text(self, max_size: int) -> str:
        return "".join(self.rng.choice(_ALPHABET) for _ in range(self.rng.randint(0, max_size)))

    def floating(self) -> float:
        return self.rng.choice(_FLOATS) if self.rng.random() < 0.6 else self.rng.uniform(-1e6, 1e6)


NATIVE_PERCENT = 2 if LONG else 50  # of the examples; the rest are seeded


def picker(data):
    """The picker for one example: native or seeded (see NATIVE_PERCENT)."""
    if data.draw(st.integers(0, 99), label="native<percent") < NATIVE_PERCENT:
        return NativePicker(data)
    return SeededPicker(data.draw(st.integers(0, 2 ** 64 - 1), label="seed"))


# Hostile values ---------------------------------------------------------------------------

INTERESTING_STRINGS = [
    "", " ", "\t\n", "*", "null", "true", "false", "0", "-1", "1e309", "NaN", "[]", "{}", "\"", "{\"Statement\":",
    KEY_ARN, ALIAS_ARN, "alias/aws/appflow", "alias/aws/s3", "alias/", "alias", "key/", "mrk-0123456789abcdef0123456789abcdef",
    f"arn:aws:kms:us-east-1:{ACCOUNT}:key/", "arn:aws:kms:::", "arn:aws-us-gov:kms:us-gov-west-1:123456789012:alias/aws/x",
    "1234abcd-12ab-34cd-56ef-1234567890ab", BUCKET_NAME, REDSHIFT_BUCKET, SECRET_ARN, "appflow!x", "appflow!",
    "appflow.amazonaws.com", "aws:kms", "aws:kms:dsse", "AES256", "Private", "Public", "private", "Salesforce",
    "Scheduled", "OnDemand", "Event", "alias/appflow", f"arn:aws:s3:::{BUCKET_NAME}",
    "http://user:pass@host/", "https://host/?token=t&sig=s", "https://[::1", "https://host:99999/", "http://",
    "https://", "://", "ftp://x", "jdbc:", "jdbc:redshift://h:5439/db;ssl=false", "jdbc:postgresql://h/db?sslmode=disable",
    "HTTPS://UPPER.EXAMPLE.COM", "//no-scheme@host", "https://h/path;a=b;c=d?e=f&&=&g", "https://%zz%/",
    "jane@example.com", "AKIAIOSFODNN7EXAMPLE", "ghp_16C7e42F292c6912E7710c838347Ae178B4a", "4111 1111 1111 1111",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "-----BEGIN RSA PRIVATE KEY-----", "Zx9Qw3ErTy7UiOp1AsDfGh5JkLz8XcVb",
    "naïve café ☕ 日本語 עברית \u202e\u200b", "\x00", "\ud7ff\ue000\U0010ffff", "a" * 300,
    "2026-13-45", "${aws:username}", "%s%s%n", "../../../etc/passwd", "\\", "'; DROP TABLE",
] + list(UNKNOWN_SENTINELS) + [UNKNOWN_STRING_VALUE + "x", "prefix-" + UNKNOWN_STRING_VALUE]

HUGE_UNITS = ["A", "a", "aB3", "@", "a@", "a.", "4", "4 ", "/", "%", "é", "https://", "=", "&t=", ";", "x" * 7 + "@y.z ",
              "AKIA", "{", "[", "\"", "\\", "a@b.", "-", "0-"]

KEY_NAMES = ["Statement", "Effect", "Action", "Principal", "Condition", "Sid", "policy", "name", "tags", "kmsArn",
             "bucket", "bucketName", "instanceUrl", "AWS", "Service", "", " ", "a.b", "x[0]", "rules", "endpoints",
             "applyServerSideEncryptionByDefault", "sseAlgorithm", "kmsMasterKeyId", "connectorProfileConfig",
             "destinationConnectorProperties", "s3", "redshift", "snowflake", "triggerType", "description"]


def hostile_key(pick) -> str:
    return pick.choice(KEY_NAMES) if pick.integer(0, 2) else pick.text(12)


def scalar(pick) -> Any:
    kind = pick.integer(0, 14)
    if kind == 0:
        return pick.choice(UNKNOWN_SENTINELS)
    if kind == 1:
        return None
    if kind == 2:
        return bool(pick.integer(0, 1))
    if kind == 3:
        return pick.choice([0, 1, -1, 2 ** 31, -(2 ** 63), 2 ** 64, 443, pick.integer(-(10 ** 6), 10 ** 6)])
    if kind == 4:
        return pick.floating()
    if kind == 5:
        return pick.text(30)
    if kind == 6:  # huge strings: one scalar in fifteen
        unit = pick.choice(HUGE_UNITS)
        size = pick.integer(1_000, HUGE)
        return (unit * (size // len(unit) + 1))[:size]
    return pick.choice(INTERESTING_STRINGS)


def hostile_value(pick, max_depth: int = 120, _budget: int = 3) -> Any:
    """None, a wrong-typed or weird scalar, a small container of them, or a deeply nested one."""
    kind = pick.integer(0, 7)
    if kind <= 3 or _budget <= 0:
        return scalar(pick)
    if kind == 4:
        return [hostile_value(pick, max_depth, _budget - 1) for _ in range(pick.integer(0, 3))]
    if kind == 5:
        return {hostile_key(pick): hostile_value(pick, max_depth, _budget - 1) for _ in range(pick.integer(0, 3))}
    if kind == 6:
        return pick.choice([[], {}, [None], {"": None}, [[[]]], {"a": {"b": {}}}])
    value = scalar(pick)
    as_list = bool(pick.integer(0, 1))
    for _ in range(pick.integer(10, max(10, max_depth))):
        value = [value] if as_list else {"n": value}
    return value


# Policy documents ---------------------------------------------------------------------------

ACTIONS = ["s3:*", "*", "s3:GetObject", "s3:PutObject", "kms:*", "kms:Decrypt", "appflow:*", "appflow:CreateFlow",
           "secretsmanager:*", "secretsmanager:CreateSecret", "secretsmanager:PutResourcePolicy", "secretsmanager:Create*",
           "SECRETSMANAGER:createsecret", "s3:Get*", "", "[", "*:*", "s3:[!x]*", "appflow:?*"]
PRINCIPALS = ["*", {"AWS": "*"}, {"AWS": ["*", f"arn:aws:iam::{ACCOUNT}:root"]}, {"Service": "appflow.amazonaws.com"},
              {"Service": ["appflow.amazonaws.com", "s3.amazonaws.com"]}, {"CanonicalUser": "*"}, {"Federated": []},
              {"AWS": None}, ["*"], 7, {"Service": {"x": 1}}, {"AWS": ACCOUNT}, {"AWS": "444455556666"},
              {"AWS": [f"arn:aws:iam::{ACCOUNT}:role/appflow-redshift", f"arn:aws:sts::{ACCOUNT}:assumed-role/r/s"]},
              {"AWS": f"arn:aws:iam::{ACCOUNT}:user/ops*"}, {"Federated": "cognito-identity.amazonaws.com"},
              {"AWS": UNKNOWN_STRING_VALUE}, {"Service": "*"}]
CONDITION_KEYS = ["aws:SourceAccount", "aws:SourceArn", "aws:SecureTransport", "s3:TlsVersion", "aws:CalledVia",
                  "secretsmanager:Name", "secretsmanager:ResourceTag/aws:secretsmanager:owningService", "aws:sourceaccount",
                  "aws:PrincipalOrgID", "aws:PrincipalOrgPaths", "aws:PrincipalAccount", "kms:CallerAccount",
                  "aws:PrincipalArn", "aws:SourceIp", "kms:ViaService", "aws:username", "aws:CurrentTime"]
CONDITION_OPERATORS = ["StringEquals", "StringLike", "Bool", "BoolIfExists", "NumericLessThan", "ArnLike",
                       "ForAnyValue:StringEquals", "ForAllValues:StringEquals", "StringEqualsIgnoreCase", "Null", "",
                       "StringNotEquals", "StringEqualsIfExists", "ForAllValues:StringLike", "ForAnyValue:StringLikeIfExists",
                       "ArnNotLike", "IpAddress", "NotIpAddress", "DateLessThan", "NumericLessThanEquals", "BinaryEquals",
                       "NullIfExists", "Sometimes:StringEquals", "stringequals"]
CONDITION_VALUES = [ACCOUNT, "false", "true", False, True, "1.2", 1.2, "appflow!*", "appflow.amazonaws.com",
                    ["appflow.amazonaws.com"], "appflow", ["appflow", "other"], "*", None, {"x": 1}, [], ["false", 3],
                    "o-a1b2c3d4e5", "o-a1b2c3d4e5/r-ab12/*", "203.0.113.0/24", "300.1.2.3/40", "2026-01-01T00:00:00Z",
                    f"arn:aws:appflow:us-east-1:*:flow/*", "${aws:username}", "${aws:PrincipalAccount}", "1e400", "NaN",
                    UNKNOWN_STRING_VALUE]
RESOURCES = ["*", [f"arn:aws:s3:::{BUCKET_NAME}/*"], None, f"arn:aws:s3:::{BUCKET_NAME}",
             [f"arn:aws:s3:::{BUCKET_NAME}", f"arn:aws:s3:::{BUCKET_NAME}/*"], "arn:aws:s3:::appflow-*",
             "arn:aws:s3:::*/*", f"arn:aws:s3:::{BUCKET_NAME}/${{aws:username}}/*", "arn:aws:s3:::?*",
             f"arn:aws:kms:us-east-1:{ACCOUNT}:key/*", "arn:aws:secretsmanager:*:*:secret:appflow!*", [], "",
             ["*", UNKNOWN_STRING_VALUE], "arn:aws:s3:::" + "*" * 40 + "x"]
EFFECTS = ["Allow", "Deny", "allow", "", None, 1, ["Allow"]]


def statement(pick) -> dict:
    """A statement of a key, bucket or IAM policy: plausible parts, some of them hostile."""
    result = {}
    for field in ("Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource",
                  "Condition"):
        if pick.integer(0, 3) == 0 and field not in ("Effect", "Action"):
            continue
        if pick.integer(0, 9) == 0:
            result[field] = hostile_value(pick, 20)
        elif field == "Sid":
            result[field] = pick.choice(["AppFlow", "", "Deny", "DenyInsecureTransport"])
        elif field == "Effect":
            result[field] = pick.choice(EFFECTS)
        elif field in ("Principal", "NotPrincipal"):
            result[field] = copy.deepcopy(pick.choice(PRINCIPALS))
        elif field in ("Action", "NotAction"):
            result[field] = pick.choice(ACTIONS) if pick.integer(0, 1) else \
                [pick.choice(ACTIONS) for _ in range(pick.integer(0, 4))]
        elif field in ("Resource", "NotResource"):
            result[field] = copy.deepcopy(pick.choice(RESOURCES))
        else:
            result[field] = {pick.choice(CONDITION_OPERATORS): {
                pick.choice(CONDITION_KEYS): copy.deepcopy(pick.choice(CONDITION_VALUES))
                for _ in range(pick.integer(0, 3))} for _ in range(pick.integer(0, 3))}
    return result


BROKEN_DOCUMENTS = ["", "{", "not json", "[1, 2]", "3", "\"text\"", "null", "{\"Statement\": 3}",
                    "{\"Statement\": \"Allow\"}", "{\"Statement\": [1, \"x\", null]}",
                    "{\"Statement\": {\"Effect\": \"Allow\", \"Principal\": \"*\", \"Action\": \"*\"}}",
                    json.dumps({"Statement": [UNKNOWN_STRING_VALUE]}), json.dumps({"Statement": UNKNOWN_STRING_VALUE}),
                    "[" * 5000 + "]" * 5000, "{\"a\":" * 3000 + "1" + "}" * 3000, "\ufeff{}", "{\"Statement\": []}",
                    "{\"Statement\": [{}]}", "NaN", "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": [NaN]}]}"]


def policy_document(pick, base: Any = None) -> Any:
    """A policy document as a program or the engine may hand it over: JSON text (valid, invalid,
    truncated, of the wrong shape) or an object."""
    choice = pick.integer(0, 7)
    if choice <= 2:
        count = pick.integer(0, 5)
        statements = [statement(pick) if pick.integer(0, 5) else hostile_value(pick, 10) for _ in range(count)]
        document = {"Version": "2012-10-17", "Statement": statements if pick.integer(0, 4) else
                    (statements[0] if statements else hostile_value(pick, 10))}
        if choice == 2:
            document = mutate_tree(pick, document, max_mutations=3, documents=False)
        return json.dumps(document, default=repr) if pick.integer(0, 1) or choice == 0 else document
    text = base if isinstance(base, str) else pick.choice([
        key_policy(), operator_policy(), bucket_policy("arn:aws:s3:::b"), json.dumps(not_elements_key_policy()),
        json.dumps(not_elements_bucket_policy("arn:aws:s3:::b")), json.dumps(not_elements_operator_policy())])
    if choice == 3:
        return text[:pick.integer(0, max(len(text) - 1, 0))]
    if choice == 4:
        return pick.choice(BROKEN_DOCUMENTS)
    if choice == 5:
        try:
            parsed = json.loads(text)
        except (ValueError, RecursionError):
            parsed = {}
        return json.dumps(mutate_tree(pick, parsed if isinstance(parsed, dict) else {}, max_mutations=4, documents=False),
                          default=repr)
    if choice == 6:
        return hostile_value(pick, 60)
    return text + pick.choice(["", "}", ",", "garbage", "\x00", " " * 10])


# Mutations ---------------------------------------------------------------------------------

def paths(tree: Any, prefix: tuple = (), depth: int = 0) -> list[tuple]:
    """Every path into ``tree`` (dict keys and list indexes); bounded for deeply nested trees."""
    found = []
    if depth > 40:
        return found
    if isinstance(tree, dict):
        for key, value in tree.items():
            found.append(prefix + (key,))
            found.extend(paths(value, prefix + (key,), depth + 1))
    elif isinstance(tree, list):
        for index, value in enumerate(tree):
            found.append(prefix + (index,))
            found.extend(paths(value, prefix + (index,), depth + 1))
    return found


def _get(tree: Any, path: tuple) -> Any:
    for step in path:
        tree = tree[step]
    return tree


DOCUMENT_KEYS = {"policy", "assumeRolePolicy", "policyDocument", "keyPolicy", "assumeRolePolicyDocument"}
OPERATIONS = ["replace", "replace", "replace", "delete", "add", "wrap_list", "wrap_dict", "stringify", "truncate",
              "document", "plausible"]


def mutate_tree(pick, tree: dict, max_mutations: int = 4, documents: bool = True, min_mutations: int = 0) -> dict:
    """A copy of ``tree`` with up to ``max_mutations`` hostile changes at random depths."""
    tree = copy.deepcopy(tree)
    for _ in range(pick.integer(min_mutations, max_mutations)):
        candidates = paths(tree)
        operation = pick.choice(OPERATIONS)
        if operation == "add" or not candidates:
            containers = [()] + [path for path in candidates if isinstance(_get(tree, path), dict)]
            _get(tree, pick.choice(containers))[hostile_key(pick)] = hostile_value(pick)
            continue
        path = pick.choice(candidates)
        parent, step = _get(tree, path[:-1]), path[-1]
        value = parent[step]
        if operation == "replace":
            parent[step] = hostile_value(pick)
        elif operation == "delete":
            del parent[step]
        elif operation == "wrap_list":
            parent[step] = [value]
        elif operation == "wrap_dict":
            parent[step] = {hostile_key(pick): value}
        elif operation == "stringify":
            parent[step] = json.dumps(value, default=repr)
        elif operation == "truncate":
            text = value if isinstance(value, str) else json.dumps(value, default=repr)
            parent[step] = text[:pick.integer(0, len(text))]
        elif operation == "document":
            parent[step] = policy_document(pick, value) if documents else statement(pick)
        elif isinstance(step, str):
            parent[step] = plausible_value(pick, step)
        else:
            parent[step] = pick.choice(INTERESTING_STRINGS)
    return tree


def plausible_value(pick, name: str) -> Any:
    if name in DOCUMENT_KEYS:
        return policy_document(pick)
    return pick.choice([plausible_string(name), pick.choice(INTERESTING_STRINGS), pick.text(20)])


def schema_extras(pick, resource_type: str, props: dict) -> dict:
    """``props`` with extra fields of the resource's pulumi-aws schema, with plausible or hostile values."""
    cls = aws_schema.RESOURCE_ARGS.get(resource_type)
    props = copy.deepcopy(props)
    if cls is None:
        return props
    for _ in range(pick.choice([0, 0, 1, 1, 2, 3])):
        props.update(_schema_object(pick, cls, 0))
    return props


def _schema_object(pick, cls, depth: int) -> dict:
    fields = aws_schema.fields(cls)
    if not fields:
        return {}
    chosen = {pick.choice(fields) for _ in range(pick.integer(0, min(4, len(fields))))}
    return {field.name: _schema_value(pick, field.shape, field.name, depth + 1)
            for field in sorted(chosen, key=lambda field: field.name)}


def _schema_value(pick, shape, name: str, depth: int) -> Any:
    if pick.integer(0, 9) == 0 or depth > 6:
        return hostile_value(pick, 40)
    if shape.kind == "object" and shape.cls is not None:
        return _schema_object(pick, shape.cls, depth)
    if shape.kind == "list" and shape.item is not None:
        return [_schema_value(pick, shape.item, name, depth + 1) for _ in range(pick.integer(0, 2))]
    if shape.kind == "map" and shape.item is not None:
        return {hostile_key(pick): _schema_value(pick, shape.item, name, depth + 1) for _ in range(pick.integer(0, 3))}
    if shape.kind == "enum":
        return pick.choice(aws_schema.enum_values(shape) + [plausible_value(pick, name)])
    if shape.kind == "bool":
        return pick.choice([True, False, "true", "false", UNKNOWN_BOOLEAN_VALUE])
    if shape.kind == "number":
        return pick.choice([0, 443, -1, 70000, 1.5, UNKNOWN_NUMBER_VALUE])
    return plausible_value(pick, name)


def mutate_spec(pick, spec: Spec, rename: bool = False) -> Spec:
    props = mutate_tree(pick, schema_extras(pick, spec.resource_type, spec.props), min_mutations=1)
    name = spec.name
    if rename and pick.integer(0, 9) == 0:
        name = pick.choice([pick.text(40) or "x", "jane@example.com", "AKIAIOSFODNN7EXAMPLE", "x" * 500, "名前", "a::b",
                            "landing*"])
    return Spec(spec.resource_type, name, props, copy.deepcopy(spec.deps))


BROKEN_PROVIDER_VALUES = ["[{", "{\"appflow\": ", "not json", "[\"x\"]", "[[]]", "[null]", "{\"appflow\": 3}",
                          "[{\"appflow\": \"http://appflow.local\"}]", "[{\"appflow\": null}]", "TRUE", "yes",
                          json.dumps({"appflow": "https://x"}), json.dumps([{"appflow": UNKNOWN_STRING_VALUE}]),
                          "\"true\"", "1", "[" * 3000, json.dumps([{"appflow": "https://user:pw@h/?token=x"}]),
                          json.dumps([{"appflow": ["https://a"]}]), json.dumps([{"cloudcontrol": "http://cc.local"}]),
                          json.dumps([{"cloudcontrol": None}]), json.dumps([{"cloudcontrol": "https://cloudcontrolapi-fips.x"}])]


def provider_properties(pick) -> dict | None:
    """Provider properties as the engine sends them (JSON-encoded strings), then broken."""
    if pick.integer(0, 7) == 0:
        return None
    base = PROVIDER_PROPS if pick.integer(0, 2) else NATIVE_PROVIDER_PROPS
    props = copy.deepcopy(base)
    for _ in range(pick.integer(0, 4)):
        key = pick.choice(sorted(base) + ["endpoints", "insecure", "useFipsEndpoint", "accessKey"])
        kind = pick.integer(0, 2)
        props[key] = hostile_value(pick, 60) if kind == 0 else pick.choice(BROKEN_PROVIDER_VALUES) if kind == 1 else \
            json.dumps(hostile_value(pick, 20), default=repr)
    return props


def mutate_stack(pick, base_name: str) -> list[Spec]:
    """A base stack with one to four resources mutated and some property dependencies rewired."""
    specs = [Spec(s.resource_type, s.name, copy.deepcopy(s.props), copy.deepcopy(s.deps)) for s in BASE_STACKS[base_name]]
    for _ in range(pick.integer(1, 4)):
        index = pick.integer(0, len(specs) - 1)
        specs[index] = mutate_spec(pick, specs[index])
    if pick.integer(0, 3) == 0:
        index = pick.integer(0, len(specs) - 1)
        prop = pick.choice(sorted(specs[index].props) or ["x"])
        urns = [spec.urn for spec in specs if spec.urn != specs[index].urn]
        specs[index].deps[prop] = sorted({pick.choice(urns) for _ in range(pick.integer(0, 3))})
    if pick.integer(0, 7) == 0:
        del specs[pick.integer(0, len(specs) - 1)]
        kept = {spec.urn for spec in specs}
        for spec in specs:
            spec.deps = {prop: [u for u in urns if u in kept] for prop, urns in spec.deps.items()}
    return specs


# Configurations -----------------------------------------------------------------------------

POLICY_NAMES = sorted(policy.name for policy in POLICIES)

RICH_CONFIG = {
    "aws-appflow-flow-configure-customer-managed-key": {"allowedKeyArns": [KEY_ARN, "alias/appflow"]},
    "aws-appflow-connectorprofile-configure-customer-managed-key": {"allowedKeyArns": ["alias/appflow"]},
    "aws-appflow-connectorprofile-enforce-private-connection": {"connectorTypes": ["Salesforce", "Zendesk", "CustomConnector"]},
    "aws-appflow-disallow-sensitive-data-in-names-and-tags": {"extraPatterns": [r"ACME-\d{6}"],
                                                              "allowedValues": ["team@example.com"]},
    "aws-appflow-flow-missing-tags": {"requiredTags": ["owner", "team"]},
    "aws-appflow-flow-configure-allowed-trigger-types": {"allowedTriggerTypes": ["Scheduled"]},
    "aws-appflow-s3-bucket-enforce-tls-only": {"requireTlsVersion": True},
    "aws-appflow-kms-key-disallow-wildcard-principal": {"allowOrganizationWildcard": False},
    "aws-appflow-provider-enable-fips-endpoint": {"required": True},
    "aws-appflow-stack-verify-external-references": {"trustedKeyArns": [ALIAS_ARN], "trustedBuckets": ["shared-bucket"]},
    "aws-appflow-flow-remediate-customer-managed-key": {"keyArn": KEY_ARN},
    "aws-appflow-connectorprofile-remediate-customer-managed-key": {"keyArn": KEY_ARN},
    "aws-appflow-kms-key-enable-rotation": {"exemptions": [
        {"resource": "appflow-*", "reason": "legacy", "expires": "2020-01-01"},
        {"resource": "urn:pulumi:*::staging*", "reason": "shared"}]},
    "aws-appflow-stack-enable-cloudtrail": {"organizationTrail": "arn:aws:cloudtrail:us-east-1:123456789012:trail/org"},
}
assert set(RICH_CONFIG) <= set(POLICY_NAMES)

KNOBS = ["exemptions", "allowedKeyArns", "requiredTags", "extraPatterns", "allowedValues", "required",
         "requireTlsVersion", "keyArn", "organizationTrail", "connectorTypes", "allowedTriggerTypes", "trustedKeyArns",
         "trustedBuckets", "allowOrganizationWildcard"]


def policy_config(pick) -> dict:
    """Per-policy config: none, every knob set, or knobs of the wrong type (what a direct Configure can send)."""
    choice = pick.integer(0, 3)
    if choice == 0:
        return {}
    if choice == 1:
        return RICH_CONFIG
    config = copy.deepcopy(RICH_CONFIG)
    for _ in range(pick.integer(1, 3)):
        entry = config.setdefault(pick.choice(POLICY_NAMES), {})
        knob = pick.choice(KNOBS)
        if pick.integer(0, 1):
            entry[knob] = hostile_value(pick, 20)
        else:
            entry[knob] = [{"resource": pick.choice(["*", "[", "landing", "", "*appflow*"]),
                            "reason": pick.choice(["r", ""]),
                            **({"expires": pick.choice(["2020-01-01", "2999-12-31", "2026-02-30", "x", 3])}
                               if pick.integer(0, 1) else {})} for _ in range(pick.integer(0, 2))]
    return config


# Running policies in-process ------------------------------------------------------------------

def resource_outcomes(spec: Spec, provider_properties: dict | None, config: dict) -> list:
    """Every resource policy and remediation on ``spec``, as comparable values.

    As harness.run_resource_policy does, but the SDK proxy of the properties (and of the provider)
    is built once per pass and shared by the policies: proxies are read-only, and building one per
    policy was most of the cost of a case.
    """
    props = unknown_checking_proxy(copy.deepcopy(spec.props))
    provider_resource = provider(provider_properties) if provider_properties is not None else None
    outcomes = []
    for policy in RESOURCE_POLICIES:
        violations = []
        args = ResourceValidationArgs(spec.resource_type, props, spec.urn, spec.name, _options(), provider_resource,
                                      config.get(policy.name, {}))
        try:
            policy.validate(args, lambda message, urn=None: violations.append((message, urn)))
            outcomes.append((policy.name, "ok", tuple(violations)))
        except _NotApplicableError as error:
            outcomes.append((policy.name, "not-applicable", error.reason))
    # As harness.run_remediation, with one writable proxy for the three remediations: each handles
    # one resource type and returns at once on the others, so at most one of them writes to it.
    writable = secrets_preserving_proxy(copy.deepcopy(spec.props))
    for policy in REMEDIATIONS:
        args = ResourceValidationArgs(spec.resource_type, writable, spec.urn, spec.name, _options(), None,
                                      config.get(policy.name, {}))
        result = policy.remediate(args)
        outcomes.append((policy.name, repr(None if result is None else plain(result))))
    return outcomes


def stack_outcomes(specs: list[Spec], config: dict) -> list:
    """Every stack policy on ``specs`` (the SDK's proxies, built once per pass by the harness)."""
    resources = stack_resources(specs)
    outcomes = []
    for policy in STACK_POLICIES:
        violations = []
        args = StackValidationArgs(resources, config.get(policy.name, {}))
        try:
            policy.validate(args, lambda message, urn=None: violations.append((message, urn)))
            outcomes.append((policy.name, "ok", tuple(violations)))
        except _NotApplicableError as error:
            outcomes.append((policy.name, "not-applicable", error.reason))
    return outcomes


def examples(weight: float) -> int:
    """This test's number of examples: the profile's budget per weight unit times ``weight``."""
    from hypothesis import settings

    return max(1, int(settings.default.max_examples * weight))


def clip_depth(tree: Any, limit: int, _depth: int = 0) -> Any:
    """``tree`` with anything nested deeper than ``limit`` replaced by a string (the protobuf
    runtime the pack runs on refuses messages nested deeper than 100 levels)."""
    if _depth >= limit and isinstance(tree, (dict, list)):
        return "clipped"
    if isinstance(tree, dict):
        return {key: clip_depth(value, limit, _depth + 1) for key, value in tree.items()}
    if isinstance(tree, list):
        return [clip_depth(value, limit, _depth + 1) for value in tree]
    return tree
