"""Every rule says which resource types it reads (READS), for pulumi-aws and pulumi-aws-native alike."""

import json

import pytest
from pulumi_policy import PolicyProviderResource, ResourceValidationPolicy
from pulumi_policy.proxy import unknown_checking_proxy

from appflow_guard import catalog
from appflow_guard.core import types
from appflow_guard.core.types import is_native
from appflow_guard.pack import RULE_MODULES
from harness import Spec, run_remediation, run_resource_policy

KNOWN = {value for name, value in vars(types).items() if name.isupper() and isinstance(value, str)} | \
    {token for name, value in vars(types).items() if name.isupper() and isinstance(value, frozenset) for token in value}

# pulumi-aws types without an aws-native counterpart (aws-native keeps them on the key and bucket).
NO_NATIVE_COUNTERPART = {types.KMS_KEY_POLICY, "aws:s3/bucketV2:BucketV2"} | types.S3_ENCRYPTION_TYPES | \
    types.S3_PUBLIC_ACCESS_TYPES | {types.MACIE_CLASSIFICATION_JOB}  # inline in the bucket; no native job
NO_NATIVE_COUNTERPART |= types.IAM_ATTACHMENT_TYPES  # aws-native keeps them on the User, Group, Role, ManagedPolicy
COUNTERPARTS = {
    types.FLOW: types.NATIVE_FLOW, types.CONNECTOR_PROFILE: types.NATIVE_CONNECTOR_PROFILE,
    types.KMS_KEY: types.NATIVE_KMS_KEY, types.KMS_ALIAS: types.NATIVE_KMS_ALIAS,
    "aws:s3/bucket:Bucket": types.NATIVE_S3_BUCKET, types.S3_BUCKET_POLICY: types.NATIVE_S3_BUCKET_POLICY,
    types.SECRET: types.NATIVE_SECRET, "aws:iam/policy:Policy": "aws-native:iam:ManagedPolicy",
    "aws:iam/rolePolicy:RolePolicy": "aws-native:iam:RolePolicy", "aws:iam/userPolicy:UserPolicy": "aws-native:iam:UserPolicy",
    "aws:iam/groupPolicy:GroupPolicy": "aws-native:iam:GroupPolicy", types.IAM_ROLE: types.NATIVE_IAM_ROLE,
    types.CLOUDTRAIL: types.NATIVE_CLOUDTRAIL, types.AWS_PROVIDER: types.NATIVE_PROVIDER,
    types.MACIE_ACCOUNT: types.NATIVE_MACIE_SESSION,
    types.IAM_USER: types.NATIVE_IAM_USER, types.IAM_GROUP: types.NATIVE_IAM_GROUP,
}


@pytest.mark.parametrize("module", RULE_MODULES, ids=lambda module: module.POLICY.name)
def test_every_rule_reads_known_types_of_both_providers(module):
    reads = module.READS
    assert isinstance(reads, frozenset) and reads <= KNOWN
    aws = {token for token in reads if not is_native(token)}
    native = {token for token in reads if is_native(token)}
    assert aws and native
    assert {COUNTERPARTS[token] for token in aws - NO_NATIVE_COUNTERPART} <= native, "a native counterpart is missing"


UNSCOPED = {"Statement": [{"Effect": "Allow", "Action": ["appflow:*", "secretsmanager:CreateSecret", "s3:*"],
                            "Principal": {"Service": "appflow.amazonaws.com"}, "Resource": "*"}]}
BROKEN = {"tags": None, "description": None, "connectorType": "Salesforce", "connectionMode": "Public",
          "triggerConfig": {"triggerType": "OnDemand"},
          "connectorProfileConfig": {"connectorProfileProperties": {"salesforce": {
              "instanceUrl": "http://u:p@acme.example.com/?access_token=1"}}},
          "policy": json.dumps(UNSCOPED), "policyDocument": UNSCOPED,
          "inlinePolicies": [{"policy": json.dumps(UNSCOPED)}], "policies": [{"policyDocument": UNSCOPED}]}
CONFIG = {"allowedTriggerTypes": ["Scheduled"], "required": True}


@pytest.mark.parametrize("module", [m for m in RULE_MODULES if isinstance(m.POLICY, ResourceValidationPolicy)
                                    and m.POLICY.has_validation()], ids=lambda module: module.POLICY.name)
def test_resource_rules_report_on_the_types_they_read_and_on_no_other(module):
    """Props that break every resource rule: silent on every type outside READS, reported on some type in it."""
    reported = set()
    for token in sorted(KNOWN - {types.AWS_PROVIDER, types.NATIVE_PROVIDER}):
        provider = PolicyProviderResource(types.NATIVE_PROVIDER if is_native(token) else types.AWS_PROVIDER,
                                          unknown_checking_proxy({"insecure": "true"}), "urn:p", "p")
        if run_resource_policy(module.POLICY, Spec(token, "r", BROKEN), CONFIG, provider):
            reported.add(token)
    assert reported and reported <= module.READS
    assert {token for token in reported if is_native(token)}


@pytest.mark.parametrize("module", [m for m in RULE_MODULES if isinstance(m.POLICY, ResourceValidationPolicy)
                                    and m.POLICY.has_remediation()], ids=lambda module: module.POLICY.name)
def test_remediations_fix_the_types_they_read_and_no_other(module):
    fixed = {token for token in sorted(KNOWN) if run_remediation(module.POLICY, Spec(token, "r", {}), {
        "keyArn": "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"}) is not None}
    assert fixed == module.READS


def test_catalog_json_lists_what_each_policy_reads():
    entries = catalog.entries()
    assert all(entry["reads"] == sorted(module.READS) for entry, module in zip(entries, RULE_MODULES))
    json.dumps(entries)
    assert "| `aws-appflow-flow-missing-tags` | `aws:appflow/flow:Flow` | `aws-native:appflow:Flow` |" in \
        catalog.reads_table()
