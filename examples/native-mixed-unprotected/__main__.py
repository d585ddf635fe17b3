"""Broken across providers: an aws-native flow writes to an aws.s3.Bucket with SSE-S3 and no TLS-only
statement, and is encrypted with an aws.kms.Key that does not rotate; the pulumi-aws flow's
aws_native.kms.Key grants AppFlow without a source-account condition."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "shared"))

import pulumi_aws as aws  # noqa: E402

import appflow_stack as classic  # noqa: E402
import native_appflow_stack as native  # noqa: E402

classic_key = classic.customer_managed_key(rotation=False)
classic_bucket = classic.landing_bucket(classic_key, sse_algorithm="AES256", deny_insecure_transport=False)
secret = native.client_secret(classic_key)
profile = native.salesforce_profile(classic_key, secret)
classic.macie_coverage([classic_bucket.bucket])
native.accounts_flow(classic_key, profile, classic_bucket.bucket)

native_key = native.customer_managed_key(name="native-key", scoped_appflow_grant=False)
aws.appflow.Flow(
    "contacts-to-s3", name="salesforce-contacts-to-s3", description="Copies Salesforce contacts to the landing bucket",
    kms_arn=native_key.arn,
    source_flow_config={"connector_type": "Salesforce", "connector_profile_name": profile.connector_profile_name,
                        "source_connector_properties": {"salesforce": {"object": "Contact"}}},
    destination_flow_configs=[{"connector_type": "S3", "destination_connector_properties": {"s3": {
        "bucket_name": classic_bucket.bucket, "s3_output_format_config": {"file_type": "PARQUET"}}}}],
    tasks=[{"task_type": "Map_all", "source_fields": [], "connector_operators": [{"salesforce": "NO_OP"}]}],
    trigger_config={"trigger_type": "Scheduled", "trigger_properties": {"scheduled": {
        "schedule_expression": "rate(1hours)"}}},
    tags={"team": "data-platform"})

native.audit_trail()
native.operator_policy()
