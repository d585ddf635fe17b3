"""The older SDK-side transformation next to an engine-side transform.

pulumi.runtime.register_stack_transformation runs in the SDK when a resource is constructed (Python
property names); pulumi.runtime.register_resource_transform runs in the engine when the resource is
registered (engine property names), so it sees what the older one set and has the last word. Here the
legacy transformation tags every flow and defaults its key to AppFlow's AWS managed key; the transform
replaces that AWS managed key with the stack's customer managed key. In preview the key's ARN, not known
yet and returned by a transform without property dependencies, cannot be traced to the key (advisory).
"""

import json

import pulumi
import pulumi_aws as aws

FLOW = "aws:appflow/flow:Flow"

account = aws.get_caller_identity_output().account_id
key = aws.kms.Key("appflow-key", description="AppFlow flows", enable_key_rotation=True,
                  policy=account.apply(lambda account: json.dumps({"Version": "2012-10-17", "Statement": [
                      {"Sid": "Admin", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
                       "Action": "kms:*", "Resource": "*"}]})))


def legacy_defaults(args: pulumi.ResourceTransformationArgs):
    """The platform team's old defaults: a team tag and AppFlow's own key."""
    if args.type_ != FLOW:
        return None
    props = dict(args.props)
    props["tags"] = props.get("tags") or {"team": "data-platform"}
    props["kms_arn"] = props.get("kms_arn") or "alias/aws/appflow"
    return pulumi.ResourceTransformationResult(props, args.opts)


def customer_managed_key(args: pulumi.ResourceTransformArgs):
    """The new rule: no flow keeps AppFlow's AWS managed key."""
    if args.type_ == FLOW and args.props.get("kmsArn") == "alias/aws/appflow":
        return pulumi.ResourceTransformResult(props={**args.props, "kmsArn": key.arn}, opts=args.opts)
    return None


pulumi.runtime.register_stack_transformation(legacy_defaults)
pulumi.runtime.register_resource_transform(customer_managed_key)

bucket = aws.s3.BucketV2("landing", bucket="acme-landing")
aws.s3.BucketServerSideEncryptionConfigurationV2("landing-sse", bucket=bucket.id, rules=[{
    "apply_server_side_encryption_by_default": {"sse_algorithm": "aws:kms", "kms_master_key_id": key.arn}}])
aws.s3.BucketPolicy("landing-policy", bucket=bucket.id, policy=json.dumps({"Version": "2012-10-17", "Statement": [
    {"Sid": "TlsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
     "Resource": ["arn:aws:s3:::acme-landing", "arn:aws:s3:::acme-landing/*"],
     "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}))
aws.appflow.Flow(
    "orders-to-landing", description="Partner files into the landing bucket",
    source_flow_config={"connector_type": "S3", "source_connector_properties": {"s3": {
        "bucket_name": bucket.bucket, "bucket_prefix": "in"}}},
    destination_flow_configs=[{"connector_type": "S3", "destination_connector_properties": {"s3": {
        "bucket_name": bucket.bucket, "bucket_prefix": "out"}}}],
    tasks=[{"task_type": "Map_all", "source_fields": [], "connector_operators": [{"s3": "NO_OP"}]}],
    trigger_config={"trigger_type": "OnDemand"})
aws.cloudtrail.Trail("audit", name="audit", s3_bucket_name="acme-audit-logs", is_multi_region_trail=True,
                     enable_logging=True)
