"""aws-native buckets: bucketEncryption.serverSideEncryptionConfiguration[].serverSideEncryptionByDefault."""

import pytest

from appflow_guard.policies.s3.bucket_configure_sse_kms_customer_managed_key import POLICY
from harness import UNKNOWN, Spec, find, run_stack_policy, urn
from native_stacks import BUCKET, mixed_stack, native_stack

USED_BY = "AppFlow uses it (accounts-to-s3.destinationFlowConfigList[0].destinationConnectorProperties.s3.bucketName)"


def with_default(by_default, phase="preview"):
    specs = native_stack(phase)
    bucket = find(specs, "landing")
    bucket.props["bucketEncryption"] = {"serverSideEncryptionConfiguration": [
        {"serverSideEncryptionByDefault": by_default}]}
    bucket.deps.pop("bucketEncryption")
    return specs


def messages(violations):
    return [(violation.message, violation.urn) for violation in violations]


@pytest.mark.parametrize("phase", ["preview", "update"])
def test_sse_kms_native_bucket_passes(phase):
    assert run_stack_policy(POLICY, native_stack(phase)) == []
    assert run_stack_policy(POLICY, mixed_stack(phase)) == []


def test_sse_s3_is_reported():
    assert messages(run_stack_policy(POLICY, with_default({"sseAlgorithm": "AES256"}))) == [(
        f"The bucket's default encryption uses AES256, not SSE-KMS with a customer managed key; {USED_BY}.", BUCKET)]


def test_missing_bucket_encryption_is_reported():
    specs = native_stack()
    del find(specs, "landing").props["bucketEncryption"]
    assert messages(run_stack_policy(POLICY, specs)) == [(
        f"The bucket has no default encryption with a customer managed KMS key; {USED_BY}.", BUCKET)]


def test_sse_kms_without_key_and_with_the_aws_managed_key_are_reported():
    assert messages(run_stack_policy(POLICY, with_default({"sseAlgorithm": "aws:kms"}))) == [(
        "The bucket's default encryption is SSE-KMS without kmsMasterKeyId, so S3 uses the AWS managed key aws/s3; "
        f"{USED_BY}.", BUCKET)]
    assert messages(run_stack_policy(POLICY, with_default({"sseAlgorithm": "aws:kms",
                                                            "kmsMasterKeyId": "alias/aws/s3"}))) == [(
        f"The bucket's default encryption uses the AWS managed key 'alias/aws/s3'; {USED_BY}.", BUCKET)]


def test_unknown_encryption_is_silent():
    specs = native_stack()
    find(specs, "landing").props["bucketEncryption"] = UNKNOWN
    assert run_stack_policy(POLICY, specs) == []
    assert run_stack_policy(POLICY, with_default({"sseAlgorithm": UNKNOWN})) == []


def test_native_flow_writing_to_an_unencrypted_pulumi_aws_bucket_is_reported_on_that_bucket():
    specs = mixed_stack("preview")
    specs = [spec for spec in specs if spec.name != "landing-encryption"]
    found = messages(run_stack_policy(POLICY, specs))
    assert found == [(
        "The bucket has no default encryption with a customer managed KMS key; AppFlow uses it "
        "(accounts-to-s3.destinationFlowConfigs[0].destinationConnectorProperties.s3.bucketName, "
        "native-accounts-to-s3.destinationFlowConfigList[0].destinationConnectorProperties.s3.bucketName).",
        urn("aws:s3/bucket:Bucket", "landing"))]


def test_native_bucket_no_appflow_resource_uses_is_silent():
    assert run_stack_policy(POLICY, [Spec("aws-native:s3:Bucket", "logs", {"bucketName": "logs"})]) == []


def native_landing_as_source(phase):
    """The aws-native stack with the landing bucket (SSE-S3) as the flow's S3 source and Salesforce as its
    destination."""
    specs = with_default({"sseAlgorithm": "AES256"}, phase)
    flow = find(specs, "accounts-to-s3")
    flow.props["sourceFlowConfig"] = {"connectorType": "S3", "sourceConnectorProperties": {"s3": {
        "bucketName": UNKNOWN if phase == "preview" else "landing-4f292614", "bucketPrefix": "in"}}}
    flow.props["destinationFlowConfigList"] = [{"connectorType": "Salesforce", "destinationConnectorProperties": {
        "salesforce": {"object": "Account"}}}]
    flow.deps.update(sourceFlowConfig=flow.deps.pop("destinationFlowConfigList"))
    return specs


@pytest.mark.parametrize("phase", ["preview", "update"])
def test_a_native_flows_s3_source_needs_no_sse_kms_and_its_error_bucket_does(phase):
    specs = native_landing_as_source(phase)
    assert run_stack_policy(POLICY, specs) == []
    flow = find(specs, "accounts-to-s3")
    flow.props["destinationFlowConfigList"][0]["destinationConnectorProperties"]["salesforce"][
        "errorHandlingConfig"] = {"bucketName": UNKNOWN if phase == "preview" else "landing-4f292614"}
    flow.deps["destinationFlowConfigList"] = [BUCKET]
    assert messages(run_stack_policy(POLICY, specs)) == [(
        "The bucket's default encryption uses AES256, not SSE-KMS with a customer managed key; AppFlow uses it "
        "(accounts-to-s3.destinationFlowConfigList[0].destinationConnectorProperties.salesforce.errorHandlingConfig"
        ".bucketName).", BUCKET)]


@pytest.mark.parametrize("phase", ["preview", "update"])
def test_a_native_bucket_given_through_its_native_bucket_policy_is_resolved(phase):
    specs = with_default({"sseAlgorithm": "AES256"}, phase)
    find(specs, "accounts-to-s3").deps["destinationFlowConfigList"] = [find(specs, "landing-policy").urn]
    assert messages(run_stack_policy(POLICY, specs)) == [
        (f"The bucket's default encryption uses AES256, not SSE-KMS with a customer managed key; {USED_BY}.", BUCKET)]
