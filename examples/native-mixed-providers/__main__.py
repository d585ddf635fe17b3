"""Compliant, with both providers in one stack: an aws-native flow and connection encrypted with an
aws.kms.Key, the flow writing to an aws.s3.Bucket; and the reverse, an aws.appflow.Flow encrypted
with an aws_native.kms.Key and writing to an aws_native.s3.Bucket. The pack proves every key and
bucket across providers, in preview through property dependencies."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "shared"))

import pulumi_aws as aws  # noqa: E402

import appflow_stack as classic  # noqa: E402
import native_appflow_stack as native  # noqa: E402

# aws-native AppFlow resources on pulumi-aws's key and bucket.
classic_key = classic.customer_managed_key()
classic_bucket = classic.landing_bucket(classic_key)
secret = native.client_secret(classic_key)
profile = native.salesforce_profile(classic_key, secret)
native.accounts_flow(classic_key, profile, classic_bucket.bucket)

# A pulumi-aws flow on aws-native's key and bucket.
native_key = native.customer_managed_key(name="native-key")
native_bucket = native.landing_bucket(native_key, name="native-landing")
classic.macie_coverage([classic_bucket.bucket, native_bucket.bucket_name])
aws.appflow.Flow(
    "contacts-to-s3", name="salesforce-contacts-to-s3", description="Copies Salesforce contacts to the landing bucket",
    kms_arn=native_key.arn,
    source_flow_config={"connector_type": "Salesforce", "connector_profile_name": profile.connector_profile_name,
                        "source_connector_properties": {"salesforce": {"object": "Contact"}}},
    destination_flow_configs=[{"connector_type": "S3", "destination_connector_properties": {"s3": {
        "bucket_name": native_bucket.bucket_name, "s3_output_format_config": {"file_type": "PARQUET"}}}}],
    tasks=[{"task_type": "Map_all", "source_fields": [], "connector_operators": [{"salesforce": "NO_OP"}]}],
    trigger_config={"trigger_type": "Scheduled", "trigger_properties": {"scheduled": {
        "schedule_expression": "rate(1hours)"}}},
    tags={"team": "data-platform", "data-classification": "confidential"})

native.audit_trail()
native.operator_policy()
