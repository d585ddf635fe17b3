"""aws-appflow-stack-verify-external-references: keys and buckets outside the stack are reported as unverified."""

import pytest

from harness import UNKNOWN, Spec, find, run_stack_policy
from stacks import BUCKET, SECRET, compliant_stack, urn

from appflow_guard.policies.stack.verify_external_references import POLICY

FLOW = urn("aws:appflow/flow:Flow", "accounts-to-s3")
ENCRYPTION = urn("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                 "landing-encryption")
EXTERNAL_KEY = "arn:aws:kms:us-east-1:999999999999:key/1234abcd-12ab-34cd-56ef-000000000000"
KEY_SUFFIX = ("so the pack could not verify that it is a customer managed key; "
              "list it under trustedKeyArns once verified.")
DESTINATION = "destinationFlowConfigs[0].destinationConnectorProperties.s3.bucketName"
BUCKET_SUFFIX = "so its encryption and TLS policy could not be verified; list it under trustedBuckets once verified."


def findings(specs, config=None):
    return [(v.message, v.urn) for v in run_stack_policy(POLICY, specs, config)]


def with_flow_key(value, phase="update", deps=None):
    specs = compliant_stack(phase)
    flow = find(specs, "accounts-to-s3")
    flow.props["kmsArn"] = value
    flow.deps["kmsArn"] = deps or []
    return specs


def with_destination_bucket(value, phase="update", deps=None):
    specs = compliant_stack(phase)
    flow = find(specs, "accounts-to-s3")
    flow.props["destinationFlowConfigs"][0]["destinationConnectorProperties"]["s3"]["bucketName"] = value
    flow.deps["destinationFlowConfigs"] = deps or []
    return specs


@pytest.mark.parametrize("phase", ["preview", "update"])
def test_compliant_stack_passes(phase):
    assert findings(compliant_stack(phase)) == []


@pytest.mark.parametrize("value", [EXTERNAL_KEY, "alias/shared-appflow"])
def test_key_outside_the_stack_is_reported(value):
    assert findings(with_flow_key(value)) == [(f"kmsArn '{value}' is not a key in this stack, {KEY_SUFFIX}", FLOW)]


@pytest.mark.parametrize("trusted", [
    EXTERNAL_KEY, "1234abcd-12ab-34cd-56ef-000000000000", "key/1234abcd-12ab-34cd-56ef-000000000000"])
def test_trusted_key_in_any_form_is_not_reported(trusted):
    assert findings(with_flow_key(EXTERNAL_KEY), {"trustedKeyArns": [trusted]}) == []


def test_trusted_alias_is_not_reported():
    assert findings(with_flow_key("alias/shared-appflow"), {"trustedKeyArns": ["alias/shared-appflow"]}) == []


def test_trusting_another_key_still_reports():
    config = {"trustedKeyArns": ["arn:aws:kms:us-east-1:999999999999:key/1234abcd-12ab-34cd-56ef-111111111111"]}
    assert findings(with_flow_key(EXTERNAL_KEY), config) == [
        (f"kmsArn '{EXTERNAL_KEY}' is not a key in this stack, {KEY_SUFFIX}", FLOW)]


def test_unknown_key_without_dependencies_is_reported():
    """A computed value that no stack resource produced cannot be checked later either."""
    assert findings(with_flow_key(UNKNOWN, phase="preview")) == [
        (f"kmsArn is computed from a value outside this stack, {KEY_SUFFIX}", FLOW)]


def test_unknown_key_from_a_stack_reference_names_its_source():
    shared = Spec("pulumi:pulumi:StackReference", "shared", {"name": "acme/keys/prod", "outputs": UNKNOWN})
    specs = with_flow_key(UNKNOWN, phase="preview", deps=[shared.urn]) + [shared]
    assert findings(specs) == [(f"kmsArn is computed from pulumi:pulumi:StackReference, {KEY_SUFFIX}", FLOW)]


@pytest.mark.parametrize("value", ["alias/aws/appflow", None, 42, "not-a-key"])
def test_aws_managed_missing_or_invalid_keys_are_left_to_the_key_rules(value):
    assert findings(with_flow_key(value)) == []


def test_external_secret_key_is_reported_on_the_secret():
    specs = compliant_stack("update")
    secret = find(specs, "salesforce-client")
    secret.props["kmsKeyId"] = EXTERNAL_KEY
    secret.deps = {}
    assert findings(specs) == [(f"kmsKeyId '{EXTERNAL_KEY}' is not a key in this stack, {KEY_SUFFIX}", SECRET)]


def test_external_bucket_key_is_reported_on_the_encryption_configuration():
    specs = compliant_stack("update")
    configuration = find(specs, "landing-encryption")
    configuration.props["rules"][0]["applyServerSideEncryptionByDefault"]["kmsMasterKeyId"] = EXTERNAL_KEY
    configuration.deps = {"bucket": [BUCKET]}
    assert findings(specs) == [
        (f"kmsMasterKeyId '{EXTERNAL_KEY}' is not a key in this stack, {KEY_SUFFIX}", ENCRYPTION)]


def test_bucket_outside_the_stack_is_reported():
    assert findings(with_destination_bucket("partner-landing")) == [
        (f"{DESTINATION}: bucket 'partner-landing' is not in this stack, {BUCKET_SUFFIX}", FLOW)]


def test_trusted_bucket_is_not_reported():
    assert findings(with_destination_bucket("partner-landing"), {"trustedBuckets": ["partner-landing"]}) == []


def test_unknown_bucket_without_dependencies_is_reported():
    assert findings(with_destination_bucket(UNKNOWN, phase="preview")) == [
        (f"{DESTINATION}: the bucket is computed from a value outside this stack, {BUCKET_SUFFIX}", FLOW)]


def test_source_and_error_buckets_are_checked_too():
    """A source bucket is read, so only its TLS policy matters; an error bucket is written to."""
    specs = compliant_stack("update")
    flow = find(specs, "accounts-to-s3")
    flow.props["sourceFlowConfig"] = {"connectorType": "S3", "sourceConnectorProperties": {
        "s3": {"bucketName": "partner-export"}}}
    flow.props["destinationFlowConfigs"][0]["destinationConnectorProperties"]["s3"]["errorHandlingConfig"] = {
        "bucketName": "partner-errors"}
    assert findings(specs) == [
        ("sourceFlowConfig.sourceConnectorProperties.s3.bucketName: bucket 'partner-export' is not in this stack, "
         "so its TLS policy could not be verified; list it under trustedBuckets once verified.", FLOW),
        (f"{DESTINATION.replace('bucketName', 'errorHandlingConfig.bucketName')}: bucket 'partner-errors' is not in "
         f"this stack, {BUCKET_SUFFIX}", FLOW),
    ]


@pytest.mark.parametrize("config, key", [
    ({"trustedKeyArns": EXTERNAL_KEY}, "trustedKeyArns"),
    ({"trustedKeyArns": [EXTERNAL_KEY, 7]}, "trustedKeyArns"),
    ({"trustedBuckets": {"partner-landing": True}}, "trustedBuckets"),
])
def test_trust_lists_that_are_not_lists_of_strings_are_invalid_config(config, key):
    assert findings(compliant_stack("update"), config) == [
        (f"Invalid policy config: {key} must be a list of strings.", None)]


def test_other_resource_types_with_external_keys_are_ignored():
    topic = Spec("aws:sns/topic:Topic", "alerts", {"name": "alerts", "kmsMasterKeyId": EXTERNAL_KEY})
    assert findings(compliant_stack("update") + [topic]) == []


def test_mistyped_bucket_references_return_normally():
    specs = compliant_stack("update")
    flow = find(specs, "accounts-to-s3")
    flow.props["destinationFlowConfigs"] = [{"destinationConnectorProperties": {"s3": ["landing"]}}, "S3", None]
    flow.props["sourceFlowConfig"] = "Salesforce"
    assert findings(specs) == []


def test_bucket_name_that_is_not_a_string_is_reported_as_unverifiable():
    assert findings(with_destination_bucket(42)) == [
        (f"{DESTINATION}: the bucket is computed from a value outside this stack, {BUCKET_SUFFIX}", FLOW)]


@pytest.mark.parametrize("as_source, reported", [(False, True), (True, False)])
def test_an_external_bucket_key_matters_where_appflow_writes_not_where_it_reads(as_source, reported):
    specs = compliant_stack("update")
    configuration = find(specs, "landing-encryption")
    configuration.props["rules"][0]["applyServerSideEncryptionByDefault"]["kmsMasterKeyId"] = EXTERNAL_KEY
    configuration.deps = {"bucket": [BUCKET]}
    if as_source:
        flow = find(specs, "accounts-to-s3")
        flow.props["sourceFlowConfig"] = {"connectorType": "S3", "sourceConnectorProperties": {"s3": {
            "bucketName": flow.props["destinationFlowConfigs"][0]["destinationConnectorProperties"]["s3"]["bucketName"]}}}
        flow.props["destinationFlowConfigs"] = [{"connectorType": "Salesforce", "destinationConnectorProperties": {
            "salesforce": {"object": "Account"}}}]
        flow.deps.update(sourceFlowConfig=flow.deps.pop("destinationFlowConfigs"))
    assert findings(specs) == ([
        (f"kmsMasterKeyId '{EXTERNAL_KEY}' is not a key in this stack, {KEY_SUFFIX}", ENCRYPTION)] if reported else [])


@pytest.mark.parametrize("source", [False, True])
def test_a_bucket_given_through_its_bucket_policy_is_in_the_stack_at_preview(source):
    """pulumi-aws's own Flow example: bucket_name=aws.s3.BucketPolicy(...).bucket, unknown at preview."""
    specs = compliant_stack("preview")
    flow = find(specs, "accounts-to-s3")
    policy = find(specs, "landing-policy")
    if source:
        flow.props["sourceFlowConfig"] = {"connectorType": "S3", "sourceConnectorProperties": {"s3": {
            "bucketName": UNKNOWN}}}
        flow.deps["sourceFlowConfig"] = [policy.urn]
    flow.deps["destinationFlowConfigs"] = [policy.urn]
    assert findings(specs) == []
