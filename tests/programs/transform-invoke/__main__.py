"""An invoke transform rewrites a data source's arguments before its provider answers.

pulumi.runtime.register_invoke_transform (pulumi >= 3.118) runs in the engine, before the provider is
called: the platform team's transform turns a lookup of AppFlow's AWS managed key alias into a lookup of
the organisation's alias, which names this stack's customer managed key. The flow's kmsArn is that
alias's ARN; without the transform it would be alias/aws/appflow's, an AWS managed key.
"""

import json

import pulumi
import pulumi_aws as aws

ORGANISATION_ALIAS = "alias/acme-appflow"


def organisation_key(args: pulumi.InvokeTransformArgs):
    """Lookups of AppFlow's AWS managed key get the organisation's key instead."""
    if args.token == "aws:kms/getAlias:getAlias" and args.args.get("name") == "alias/aws/appflow":
        return pulumi.InvokeTransformResult(args={**args.args, "name": ORGANISATION_ALIAS}, opts=args.opts)
    return None


pulumi.runtime.register_invoke_transform(organisation_key)

account = aws.get_caller_identity_output().account_id
key = aws.kms.Key("appflow-key", description="AppFlow flows", enable_key_rotation=True,
                  policy=account.apply(lambda account: json.dumps({"Version": "2012-10-17", "Statement": [
                      {"Sid": "Admin", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
                       "Action": "kms:*", "Resource": "*"}]})))
aws.kms.Alias("appflow-key-alias", name=ORGANISATION_ALIAS, target_key_id=key.key_id)
bucket = aws.s3.BucketV2("landing", bucket="acme-landing")
aws.s3.BucketServerSideEncryptionConfigurationV2("landing-sse", bucket=bucket.id, rules=[{
    "apply_server_side_encryption_by_default": {"sse_algorithm": "aws:kms", "kms_master_key_id": key.arn}}])
aws.s3.BucketPolicy("landing-policy", bucket=bucket.id, policy=json.dumps({"Version": "2012-10-17", "Statement": [
    {"Sid": "TlsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
     "Resource": ["arn:aws:s3:::acme-landing", "arn:aws:s3:::acme-landing/*"],
     "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}))
appflow_key = aws.kms.get_alias(name="alias/aws/appflow")  # rewritten by the transform
aws.appflow.Flow(
    "orders-to-landing", description="Partner files into the landing bucket", tags={"team": "data-platform"},
    kms_arn=appflow_key.arn,
    source_flow_config={"connector_type": "S3", "source_connector_properties": {"s3": {
        "bucket_name": bucket.bucket, "bucket_prefix": "in"}}},
    destination_flow_configs=[{"connector_type": "S3", "destination_connector_properties": {"s3": {
        "bucket_name": bucket.bucket, "bucket_prefix": "out"}}}],
    tasks=[{"task_type": "Map_all", "source_fields": [], "connector_operators": [{"s3": "NO_OP"}]}],
    trigger_config={"trigger_type": "OnDemand"})
aws.cloudtrail.Trail("audit", name="audit", s3_bucket_name="acme-audit-logs", is_multi_region_trail=True,
                     enable_logging=True)
pulumi.export("flowKey", appflow_key.arn)
