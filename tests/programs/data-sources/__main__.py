"""Data sources feeding a flow's key and a bucket policy, as real AWS programs write them."""

import pulumi
import pulumi_aws as aws

partition = aws.get_partition().partition
account = aws.get_caller_identity().account_id
region = aws.get_region().name
appflow = aws.get_service_principal(service_name="appflow").name  # appflow.amazonaws.com

bucket = aws.s3.BucketV2("landing", bucket="acme-landing")
bucket_arn = f"arn:{partition}:s3:::acme-landing"
document = aws.iam.get_policy_document(statements=[
    {"sid": "TlsOnly", "effect": "Deny", "principals": [{"type": "*", "identifiers": ["*"]}], "actions": ["s3:*"],
     "resources": [bucket_arn, f"{bucket_arn}/*"],
     "conditions": [{"test": "Bool", "variable": "aws:SecureTransport", "values": ["false"]}]},
    {"sid": "AppFlowWrite", "effect": "Allow", "principals": [{"type": "Service", "identifiers": [appflow]}],
     "actions": ["s3:PutObject", "s3:GetBucketAcl", "s3:PutObjectAcl"], "resources": [bucket_arn, f"{bucket_arn}/*"]},
])  # no aws:SourceAccount condition on AppFlow's grant: blocked
aws.s3.BucketPolicy("landing-policy", bucket=bucket.id, policy=document.json)
key = aws.kms.Key("landing-key", description="landing data", enable_key_rotation=True)
aws.s3.BucketServerSideEncryptionConfigurationV2("landing-sse", bucket=bucket.id, rules=[{
    "apply_server_side_encryption_by_default": {"sse_algorithm": "aws:kms", "kms_master_key_id": key.arn}}])
aws.appflow.Flow(
    "to-landing", description="Copies files into the landing bucket", tags={"team": "data-platform"},
    kms_arn=aws.kms.get_alias(name="alias/aws/appflow").target_key_arn,  # the AWS managed key, by its key ARN
    source_flow_config={"connector_type": "S3", "source_connector_properties": {"s3": {
        "bucket_name": "acme-partner-drop", "bucket_prefix": "in"}}},
    destination_flow_configs=[{"connector_type": "S3", "destination_connector_properties": {"s3": {
        "bucket_name": bucket.bucket}}}],
    tasks=[{"task_type": "Map_all", "source_fields": [], "connector_operators": [{"s3": "NO_OP"}]}],
    trigger_config={"trigger_type": "OnDemand"})
aws.cloudtrail.Trail("audit", name="audit", s3_bucket_name="acme-audit-logs", is_multi_region_trail=True,
                     enable_logging=True)
pulumi.export("policy", document.minified_json)
pulumi.export("region", region)
