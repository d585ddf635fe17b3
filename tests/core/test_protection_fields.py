"""core/protection_fields.py: where each protection sits per provider, and tags in both forms."""

import pytest
from pulumi_policy import EnforcementLevel, StackValidationPolicy

from appflow_guard.core import protection_fields, types
from appflow_guard.core.cmk import kms_arn_check
from appflow_guard.core.remediation import set_property_when
from appflow_guard.core.reporting import stack_validation
from appflow_guard.core.values import UNKNOWN
from harness import Spec, run_stack_policy


def test_tag_pairs_read_a_map_and_a_list_of_key_value_objects():
    assert protection_fields.tag_pairs({"team": "a"}) == ([("team", "a")], True)
    assert protection_fields.tag_pairs([{"key": "team", "value": "a"}, {"key": "owner"}]) == ([("team", "a"), ("owner", None)], True)
    assert protection_fields.tag_pairs([{"key": 3}, "x", None]) == ([], True)


@pytest.mark.parametrize("value", [UNKNOWN, [UNKNOWN], [{"key": UNKNOWN, "value": "a"}]])
def test_unknown_tags_are_incomplete(value):
    assert protection_fields.tag_pairs(value)[1] is False


def test_policy_documents_per_provider():
    document = {"Statement": []}
    assert list(protection_fields.policy_documents("aws:iam/policy:Policy", {"policy": "{}"})) == [("policy", "{}")]
    assert list(protection_fields.policy_documents("aws-native:iam:ManagedPolicy", {"policyDocument": document})) == [
        ("policyDocument", document)]
    assert list(protection_fields.policy_documents("aws-native:iam:Role", {"policies": [{"policyDocument": document}, 3]})) == [
        ("policies[0].policyDocument", document), ("policies[1].policyDocument", None)]
    assert list(protection_fields.policy_documents("aws:iam/role:Role", {"inlinePolicies": UNKNOWN})) == []
    assert protection_fields.document_field(types.NATIVE_KMS_KEY) == "keyPolicy"
    assert protection_fields.document_field(types.NATIVE_S3_BUCKET_POLICY) == "policyDocument"


def test_native_bucket_encryption_settings():
    by_default = {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": "k"}
    props = {"bucketEncryption": {"serverSideEncryptionConfiguration": [{"serverSideEncryptionByDefault": by_default},
                                                                       {"bucketKeyEnabled": True}]}}
    assert list(protection_fields.encryption_settings(types.NATIVE_S3_BUCKET, props)) == [("bucketEncryption", by_default)]
    assert list(protection_fields.encryption_settings(types.NATIVE_S3_BUCKET, {"bucketEncryption": UNKNOWN})) == [
        ("bucketEncryption", UNKNOWN)]
    assert list(protection_fields.encryption_settings(types.NATIVE_S3_BUCKET, {"bucketEncryption": {
        "serverSideEncryptionConfiguration": UNKNOWN}})) == [("bucketEncryption", UNKNOWN)]
    assert list(protection_fields.encryption_settings(types.NATIVE_S3_BUCKET, {})) == []
    # pulumi-aws's inline forms are read from the pulumi-aws bucket only
    assert list(protection_fields.encryption_settings(types.NATIVE_S3_BUCKET, {"serverSideEncryptionConfiguration": {
        "rule": {"applyServerSideEncryptionByDefault": by_default}}})) == []


def test_helpers_taking_types_accept_one_token_as_a_set_of_one():
    remediate = set_property_when("aws:kms/key:Key", "enableKeyRotation", lambda value: value is not True,
                                  lambda args: True)

    class Args:
        resource_type = "aws:kms"  # a substring of the token: not the type
        props = {}

    assert remediate(Args()) is None
    policy = StackValidationPolicy(name="one-token", description="d", enforcement_level=EnforcementLevel.MANDATORY,
                                   validate=stack_validation(kms_arn_check("aws:appflow/flow:Flow", absent_means="x")))
    violations = run_stack_policy(policy, [Spec("aws:appflow/flow:Flow", "f", {}), Spec("aws-native:appflow:Flow", "n", {})])
    assert [violation.urn for violation in violations] == [Spec("aws:appflow/flow:Flow", "f", {}).urn]
