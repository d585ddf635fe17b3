"""A flow whose key and bucket come from another stack's outputs (a StackReference)."""

import pulumi
import pulumi_aws as aws

shared = pulumi.StackReference("organization/shared-keys/prod")
aws.appflow.Flow(
    "to-shared-landing", description="Copies files into the shared landing bucket", tags={"team": "data-platform"},
    kms_arn=shared.require_output("appflowKeyArn"),
    source_flow_config={"connector_type": "S3", "source_connector_properties": {"s3": {
        "bucket_name": "acme-partner-drop", "bucket_prefix": "in"}}},
    destination_flow_configs=[{"connector_type": "S3", "destination_connector_properties": {"s3": {
        "bucket_name": shared.get_output("landingBucket")}}}],
    tasks=[{"task_type": "Map_all", "source_fields": [], "connector_operators": [{"s3": "NO_OP"}]}],
    trigger_config={"trigger_type": "OnDemand"})
aws.cloudtrail.Trail("audit", name="audit", s3_bucket_name="acme-audit-logs", is_multi_region_trail=True,
                     enable_logging=True)
