"""aws-appflow-s3-bucket-configure-sse-kms-customer-managed-key: default encryption of AppFlow's buckets."""

import pytest

from harness import UNKNOWN, Spec, find, run_stack_policy
from stacks import BUCKET, BUCKET_NAME, KEY_ARN, compliant_stack

from appflow_guard.policies.s3.bucket_configure_sse_kms_customer_managed_key import POLICY

USED_BY = "AppFlow uses it (accounts-to-s3.destinationFlowConfigs[0].destinationConnectorProperties.s3.bucketName)"
ENCRYPTION_CONFIG = "landing-encryption"


def findings(specs, config=None):
    return [(v.message, v.urn) for v in run_stack_policy(POLICY, specs, config)]


def default_encryption(specs):
    return find(specs, ENCRYPTION_CONFIG).props["rules"][0]["applyServerSideEncryptionByDefault"]


def without(specs, name):
    return [spec for spec in specs if spec.name != name]


@pytest.mark.parametrize("phase", ["preview", "update"])
def test_compliant_stack_passes(phase):
    assert findings(compliant_stack(phase)) == []


def test_dsse_kms_with_customer_managed_key_passes():
    specs = compliant_stack("update")
    default_encryption(specs)["sseAlgorithm"] = "aws:kms:dsse"
    assert findings(specs) == []


@pytest.mark.parametrize("phase", ["preview", "update"])
def test_aes256_is_reported_on_the_bucket(phase):
    specs = compliant_stack(phase)
    default_encryption(specs).update(sseAlgorithm="AES256")
    del default_encryption(specs)["kmsMasterKeyId"]
    assert findings(specs) == [
        (f"The bucket's default encryption uses AES256, not SSE-KMS with a customer managed key; {USED_BY}.", BUCKET)]


def test_sse_kms_without_key_id_is_reported_as_aws_managed_s3_key():
    specs = compliant_stack("update")
    del default_encryption(specs)["kmsMasterKeyId"]
    assert findings(specs) == [
        ("The bucket's default encryption is SSE-KMS without kmsMasterKeyId, so S3 uses the AWS managed key "
         f"aws/s3; {USED_BY}.", BUCKET)]


@pytest.mark.parametrize("key", ["alias/aws/s3", "arn:aws:kms:us-east-1:123456789012:alias/aws/s3"])
def test_aws_managed_alias_is_reported(key):
    specs = compliant_stack("update")
    default_encryption(specs)["kmsMasterKeyId"] = key
    assert findings(specs) == [
        (f"The bucket's default encryption uses the AWS managed key '{key}'; {USED_BY}.", BUCKET)]


def test_malformed_key_reference_is_reported():
    specs = compliant_stack("update")
    find(specs, ENCRYPTION_CONFIG).deps = {"bucket": [BUCKET]}
    default_encryption(specs)["kmsMasterKeyId"] = "not-a-key"
    assert findings(specs) == [
        (f"The bucket's kmsMasterKeyId 'not-a-key' is not a KMS key ARN, key ID or alias; {USED_BY}.", BUCKET)]


@pytest.mark.parametrize("value", [42, ["a"], {"id": "a"}])
def test_non_string_key_reference_is_reported_without_showing_it(value):
    specs = compliant_stack("update")
    default_encryption(specs)["kmsMasterKeyId"] = value
    assert findings(specs) == [
        (f"The bucket's kmsMasterKeyId is not a KMS key ARN, key ID or alias; {USED_BY}.", BUCKET)]


def test_key_outside_the_stack_is_left_to_verify_external_references():
    specs = compliant_stack("update")
    default_encryption(specs)["kmsMasterKeyId"] = \
        "arn:aws:kms:us-east-1:999999999999:key/1234abcd-12ab-34cd-56ef-000000000000"
    find(specs, ENCRYPTION_CONFIG).deps = {"bucket": [BUCKET]}
    assert findings(specs) == []


@pytest.mark.parametrize("phase", ["preview", "update"])
def test_bucket_without_default_encryption_is_reported(phase):
    specs = without(compliant_stack(phase), ENCRYPTION_CONFIG)
    assert findings(specs) == [
        (f"The bucket has no default encryption with a customer managed KMS key; {USED_BY}.", BUCKET)]


def test_inline_bucket_encryption_is_read():
    specs = without(compliant_stack("update"), ENCRYPTION_CONFIG)
    find(specs, "landing").props["serverSideEncryptionConfiguration"] = {
        "rule": {"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": KEY_ARN}}}
    assert findings(specs) == []


def test_inline_bucket_encryption_with_aes256_is_reported():
    specs = without(compliant_stack("update"), ENCRYPTION_CONFIG)
    find(specs, "landing").props["serverSideEncryptionConfigurations"] = [
        {"rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}]}]
    assert findings(specs) == [
        (f"The bucket's default encryption uses AES256, not SSE-KMS with a customer managed key; {USED_BY}.", BUCKET)]


def test_encryption_config_attached_by_bucket_name_without_dependency():
    specs = compliant_stack("update")
    find(specs, ENCRYPTION_CONFIG).deps = {}
    assert findings(specs) == []


def test_bucket_appflow_does_not_use_is_ignored():
    specs = compliant_stack("update") + [Spec("aws:s3/bucket:Bucket", "scratch", {"bucket": "scratch-data"})]
    assert findings(specs) == []


def test_other_resource_types_are_not_taken_for_buckets_or_encryption():
    """A queue the destination depends on is not a bucket; a bucket object's AES256 is not default encryption."""
    specs = compliant_stack("preview")
    queue = Spec("aws:sqs/queue:Queue", "events", {"name": "events"})
    find(specs, "accounts-to-s3").deps["destinationFlowConfigs"].append(queue.urn)
    specs += [queue, Spec("aws:s3/bucketObject:BucketObject", "readme", {
        "bucket": UNKNOWN, "rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}]},
        deps={"bucket": [BUCKET]})]
    assert findings(specs) == []


@pytest.mark.parametrize("field", ["sseAlgorithm", "kmsMasterKeyId"])
def test_unknown_settings_are_deferred(field):
    specs = compliant_stack("preview")
    find(specs, ENCRYPTION_CONFIG).deps = {"bucket": [BUCKET]}
    default_encryption(specs)[field] = UNKNOWN
    assert findings(specs) == []


def test_unknown_rules_are_deferred():
    specs = compliant_stack("preview")
    find(specs, ENCRYPTION_CONFIG).props["rules"] = UNKNOWN
    assert findings(specs) == []


@pytest.mark.parametrize("settings", [{}, ["aws:kms"], {"sseAlgorithm": 42}])
def test_missing_or_mistyped_algorithm_is_reported(settings):
    specs = compliant_stack("update")
    find(specs, ENCRYPTION_CONFIG).props["rules"][0]["applyServerSideEncryptionByDefault"] = settings
    assert findings(specs) == [
        (f"The bucket's default encryption has no sseAlgorithm, so S3 uses SSE-S3 (AES256), not SSE-KMS with a "
         f"customer managed key; {USED_BY}.", BUCKET)]


def test_rule_without_default_encryption_settings_gives_no_default_encryption():
    specs = compliant_stack("update")
    find(specs, ENCRYPTION_CONFIG).props["rules"][0]["applyServerSideEncryptionByDefault"] = None
    assert findings(specs) == [
        (f"The bucket has no default encryption with a customer managed KMS key; {USED_BY}.", BUCKET)]


@pytest.mark.parametrize("rules", [
    None, {"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms"}}, "aws:kms"])
def test_rules_that_are_not_a_list_give_no_default_encryption(rules):
    specs = compliant_stack("update")
    find(specs, ENCRYPTION_CONFIG).props["rules"] = rules
    assert findings(specs) == [
        (f"The bucket has no default encryption with a customer managed KMS key; {USED_BY}.", BUCKET)]


def test_key_in_the_stack_given_by_literal_arn_passes():
    specs = compliant_stack("update")
    find(specs, ENCRYPTION_CONFIG).deps = {"bucket": [BUCKET]}
    assert default_encryption(specs)["kmsMasterKeyId"] == KEY_ARN
    assert findings(specs) == []


SOURCE = "accounts-to-s3.sourceFlowConfig.sourceConnectorProperties.s3.bucketName"


def landing_as_source(phase):
    """The compliant stack with the landing bucket as the flow's S3 source (AppFlow reads it) and
    Salesforce as its destination, the landing bucket's default encryption AES256."""
    specs = compliant_stack(phase)
    flow = find(specs, "accounts-to-s3")
    flow.props["sourceFlowConfig"] = {"connectorType": "S3", "sourceConnectorProperties": {"s3": {
        "bucketName": UNKNOWN if phase == "preview" else BUCKET_NAME, "bucketPrefix": "in"}}}
    flow.props["destinationFlowConfigs"] = [{"connectorType": "Salesforce", "destinationConnectorProperties": {
        "salesforce": {"object": "Account", "errorHandlingConfig": {"failOnFirstDestinationError": True}}}}]
    flow.deps = {"kmsArn": flow.deps["kmsArn"], "sourceFlowConfig": [BUCKET], "destinationFlowConfigs": []}
    default_encryption(specs).update(sseAlgorithm="AES256")
    del default_encryption(specs)["kmsMasterKeyId"]
    return specs


@pytest.mark.parametrize("phase", ["preview", "update"])
def test_a_flows_s3_source_is_read_not_written_so_it_needs_no_sse_kms(phase):
    """The AWS page: "When you use Amazon S3 as a destination, you can choose ... SSE-KMS"."""
    assert findings(landing_as_source(phase)) == []


@pytest.mark.parametrize("phase", ["preview", "update"])
def test_the_same_bucket_receiving_the_flows_error_records_needs_sse_kms(phase):
    specs = landing_as_source(phase)
    flow = find(specs, "accounts-to-s3")
    flow.props["destinationFlowConfigs"][0]["destinationConnectorProperties"]["salesforce"]["errorHandlingConfig"][
        "bucketName"] = UNKNOWN if phase == "preview" else BUCKET_NAME
    flow.deps["destinationFlowConfigs"] = [BUCKET]
    assert findings(specs) == [(
        "The bucket's default encryption uses AES256, not SSE-KMS with a customer managed key; AppFlow uses it "
        "(accounts-to-s3.destinationFlowConfigs[0].destinationConnectorProperties.salesforce.errorHandlingConfig"
        ".bucketName).", BUCKET)]


@pytest.mark.parametrize("connector, field", [("redshift", "intermediateBucketName"),
                                              ("snowflake", "intermediateBucketName"), ("upsolver", "bucketName")])
def test_staging_and_upsolver_buckets_are_written_to(connector, field):
    specs = landing_as_source("update")
    flow = find(specs, "accounts-to-s3")
    flow.props["destinationFlowConfigs"] = [{"connectorType": connector.capitalize(), "destinationConnectorProperties": {
        connector: {field: BUCKET_NAME}}}]
    assert findings(specs) == [(
        "The bucket's default encryption uses AES256, not SSE-KMS with a customer managed key; AppFlow uses it "
        f"(accounts-to-s3.destinationFlowConfigs[0].destinationConnectorProperties.{connector}.{field}).", BUCKET)]


@pytest.mark.parametrize("connector", ["redshift", "snowflake"])
def test_a_connector_profiles_staging_bucket_is_written_to(connector):
    specs = landing_as_source("update")
    find(specs, "salesforce").props["connectorProfileConfig"]["connectorProfileProperties"] = {
        connector: {"bucketName": BUCKET_NAME}}
    assert findings(specs) == [(
        "The bucket's default encryption uses AES256, not SSE-KMS with a customer managed key; AppFlow uses it "
        f"(salesforce.connectorProfileConfig.connectorProfileProperties.{connector}.bucketName).", BUCKET)]


@pytest.mark.parametrize("phase", ["preview", "update"])
def test_a_destination_given_as_a_bucket_policys_bucket_is_resolved_in_both_phases(phase):
    """pulumi-aws's own Flow example: bucket_name=aws.s3.BucketPolicy(...).bucket."""
    specs = compliant_stack(phase)
    default_encryption(specs).update(sseAlgorithm="AES256")
    del default_encryption(specs)["kmsMasterKeyId"]
    find(specs, "accounts-to-s3").deps["destinationFlowConfigs"] = [find(specs, "landing-policy").urn]
    assert findings(specs) == [
        (f"The bucket's default encryption uses AES256, not SSE-KMS with a customer managed key; {USED_BY}.", BUCKET)]
