"""ResourceOptions(transforms=[...]) on one flow takes its key away.

The engine runs a resource's own transforms (pulumi >= 3.118) before the resource reaches the pack: the
second flow reaches it without kmsArn, so AppFlow would encrypt its data with the AWS managed key. The
first flow, without the transform, keeps the stack's customer managed key.
"""

import json

import pulumi
import pulumi_aws as aws

account = aws.get_caller_identity_output().account_id
key = aws.kms.Key("appflow-key", description="AppFlow flows", enable_key_rotation=True,
                  policy=account.apply(lambda account: json.dumps({"Version": "2012-10-17", "Statement": [
                      {"Sid": "Admin", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
                       "Action": "kms:*", "Resource": "*"}]})))
bucket = aws.s3.BucketV2("landing", bucket="acme-landing")
aws.s3.BucketServerSideEncryptionConfigurationV2("landing-sse", bucket=bucket.id, rules=[{
    "apply_server_side_encryption_by_default": {"sse_algorithm": "aws:kms", "kms_master_key_id": key.arn}}])
aws.s3.BucketPolicy("landing-policy", bucket=bucket.id, policy=json.dumps({"Version": "2012-10-17", "Statement": [
    {"Sid": "TlsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
     "Resource": ["arn:aws:s3:::acme-landing", "arn:aws:s3:::acme-landing/*"],
     "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}))


def without_key(args: pulumi.ResourceTransformArgs):
    """A team's shortcut for one flow: "let AppFlow pick the key"."""
    return pulumi.ResourceTransformResult(
        props={name: value for name, value in args.props.items() if name != "kmsArn"}, opts=args.opts)


def flow(name: str, opts=None) -> aws.appflow.Flow:
    return aws.appflow.Flow(
        name, description=f"{name}: partner files into the landing bucket", tags={"team": "data-platform"},
        kms_arn=key.arn, opts=opts,
        source_flow_config={"connector_type": "S3", "source_connector_properties": {"s3": {
            "bucket_name": bucket.bucket, "bucket_prefix": f"in/{name}"}}},
        destination_flow_configs=[{"connector_type": "S3", "destination_connector_properties": {"s3": {
            "bucket_name": bucket.bucket, "bucket_prefix": f"out/{name}"}}}],
        tasks=[{"task_type": "Map_all", "source_fields": [], "connector_operators": [{"s3": "NO_OP"}]}],
        trigger_config={"trigger_type": "OnDemand"})


flow("orders-to-landing")
flow("invoices-to-landing", opts=pulumi.ResourceOptions(transforms=[without_key]))
aws.cloudtrail.Trail("audit", name="audit", s3_bucket_name="acme-audit-logs", is_multi_region_trail=True,
                     enable_logging=True)
