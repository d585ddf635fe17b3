"""AppFlow resources inside a component of the program: its children are checked like any resource."""

import json

import pulumi
import pulumi_aws as aws


class Pipeline(pulumi.ComponentResource):
    """A key, a TLS-only SSE-KMS bucket and a flow into it; ``flow_key`` overrides the flow's key."""

    def __init__(self, name: str, flow_key=None, opts=None):
        super().__init__("acme:appflow:Pipeline", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        account = aws.get_caller_identity_output().account_id
        self.key = aws.kms.Key(f"{name}-key", description=f"{name} data", enable_key_rotation=True, opts=child,
                               policy=account.apply(lambda account: json.dumps({"Version": "2012-10-17", "Statement": [
                                   {"Sid": "Admin", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
                                    "Action": "kms:*", "Resource": "*"}]})))
        self.bucket = aws.s3.BucketV2(f"{name}-bucket", bucket=f"acme-{name}", opts=child)
        aws.s3.BucketServerSideEncryptionConfigurationV2(f"{name}-sse", bucket=self.bucket.id, opts=child, rules=[{
            "apply_server_side_encryption_by_default": {"sse_algorithm": "aws:kms", "kms_master_key_id": self.key.arn}}])
        aws.s3.BucketPolicy(f"{name}-policy", bucket=self.bucket.id, opts=child, policy=self.bucket.arn.apply(
            lambda arn: json.dumps({"Version": "2012-10-17", "Statement": [
                {"Sid": "TlsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": [arn, f"{arn}/*"],
                 "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]})))
        self.flow = aws.appflow.Flow(
            f"{name}-flow", description=f"{name} records into S3", tags={"team": "data-platform"}, opts=child,
            kms_arn=flow_key if flow_key is not None else self.key.arn,
            source_flow_config={"connector_type": "S3", "source_connector_properties": {"s3": {
                "bucket_name": self.bucket.bucket, "bucket_prefix": "in"}}},
            destination_flow_configs=[{"connector_type": "S3", "destination_connector_properties": {"s3": {
                "bucket_name": self.bucket.bucket, "bucket_prefix": "out"}}}],
            tasks=[{"task_type": "Map_all", "source_fields": [], "connector_operators": [{"s3": "NO_OP"}]}],
            trigger_config={"trigger_type": "OnDemand"})
        self.register_outputs({"flowArn": self.flow.arn})


Pipeline("orders")
Pipeline("invoices", flow_key="alias/aws/appflow")  # an AWS managed key: blocked
aws.cloudtrail.Trail("audit", name="audit", s3_bucket_name="acme-audit-logs", is_multi_region_trail=True,
                     enable_logging=True)
