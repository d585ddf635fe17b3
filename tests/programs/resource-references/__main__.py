"""Resources passed where IDs are expected, at several depths: the engine sends analyzers their IDs."""

import json

import pulumi
import pulumi_aws as aws

account = aws.get_caller_identity().account_id
team = pulumi.ComponentResource("acme:index:Team", "data-platform")

key = aws.kms.Key("flow-key", description="AppFlow data", enable_key_rotation=True, policy=json.dumps({
    "Version": "2012-10-17", "Statement": [
        {"Sid": "Admin", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
         "Action": "kms:*", "Resource": "*"},
        {"Sid": "AppFlow", "Effect": "Allow", "Principal": {"Service": "appflow.amazonaws.com"},
         "Action": ["kms:Decrypt", "kms:GenerateDataKey*"], "Resource": "*",
         "Condition": {"StringEquals": {"aws:SourceAccount": account}}}]}))


def landing(name: str, algorithm: str = "aws:kms") -> aws.s3.BucketV2:
    bucket = aws.s3.BucketV2(name, bucket=f"acme-{name}", tags={"owner": team})  # a component: its URN
    aws.s3.BucketServerSideEncryptionConfigurationV2(f"{name}-sse", bucket=bucket, rules=[{  # depth 1
        "apply_server_side_encryption_by_default": {"sse_algorithm": algorithm, "kms_master_key_id": key.arn}}])
    aws.s3.BucketPolicy(f"{name}-policy", bucket=bucket, policy=bucket.arn.apply(lambda arn: json.dumps({
        "Version": "2012-10-17", "Statement": [
            {"Sid": "TlsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": [arn, f"{arn}/*"],
             "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
            {"Sid": "AppFlow", "Effect": "Allow", "Principal": {"Service": "appflow.amazonaws.com"},
             "Action": ["s3:GetObject", "s3:ListBucket", "s3:PutObject", "s3:GetBucketAcl", "s3:PutObjectAcl"],
             "Resource": [arn, f"{arn}/*"], "Condition": {"StringEquals": {"aws:SourceAccount": account}}}]})))
    return bucket


source, destination = landing("raw"), landing("curated", algorithm="AES256")  # curated breaks SSE-KMS
aws.cloudtrail.Trail("audit", name="audit", s3_bucket_name="acme-audit-logs", is_multi_region_trail=True,
                     enable_logging=True)
aws.appflow.Flow(
    "raw-to-curated", description="Copies raw files to the curated bucket", kms_arn=key.arn,
    tags={"team": "data-platform"},
    source_flow_config={"connector_type": "S3", "source_connector_properties": {"s3": {
        "bucket_name": source, "bucket_prefix": "in"}}},  # depth 3
    destination_flow_configs=[{"connector_type": "S3", "destination_connector_properties": {"s3": {
        "bucket_name": destination}}}],  # depth 4, in a list
    tasks=[{"task_type": "Map_all", "source_fields": [], "connector_operators": [{"s3": "NO_OP"}]}],
    trigger_config={"trigger_type": "OnDemand"})
