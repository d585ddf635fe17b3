"""Resources and data sources through an explicit provider: its region shapes what the data sources answer."""

import json

import pulumi
import pulumi_aws as aws

eu = aws.Provider("eu", region="eu-west-1")
on_eu = pulumi.ResourceOptions(provider=eu)
invoke_on_eu = pulumi.InvokeOptions(provider=eu)
region = aws.get_region(opts=invoke_on_eu).name  # eu-west-1
zones = aws.get_availability_zones(opts=invoke_on_eu).names
account = aws.get_caller_identity(opts=invoke_on_eu).account_id

key = aws.kms.Key("eu-key", description="AppFlow data in eu-west-1", enable_key_rotation=False, opts=on_eu,
                  policy=json.dumps({"Version": "2012-10-17", "Statement": [
                      {"Sid": "Admin", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
                       "Action": "kms:*", "Resource": "*"}]}),
                  tags={"zone": zones[2]})  # programs index the zones
aws.appflow.Flow(
    "eu-flow", description="Copies files between buckets in eu-west-1", tags={"region": region}, opts=on_eu,
    kms_arn=key.arn,
    source_flow_config={"connector_type": "S3", "source_connector_properties": {"s3": {
        "bucket_name": "acme-eu-raw", "bucket_prefix": "in"}}},
    destination_flow_configs=[{"connector_type": "S3", "destination_connector_properties": {"s3": {
        "bucket_name": "acme-eu-curated"}}}],
    tasks=[{"task_type": "Map_all", "source_fields": [], "connector_operators": [{"s3": "NO_OP"}]}],
    trigger_config={"trigger_type": "OnDemand"})
aws.cloudtrail.Trail("audit", name="audit", s3_bucket_name="acme-audit-logs", is_multi_region_trail=True,
                     enable_logging=True, opts=on_eu)
