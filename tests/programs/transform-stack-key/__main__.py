"""A stack transform gives every flow and connector profile the stack's customer managed key.

The program never sets kms_arn: pulumi.runtime.register_resource_transform (pulumi >= 3.118) runs in the
engine, which calls it back before the resources reach the pack. What a transform returns carries no
property dependencies (the SDK serializes its result without them), so in preview the key's ARN, not
known yet, cannot be traced to the key: the pack says it could not verify it (advisory). On update the
ARN is the key's own.
"""

import json

import pulumi
import pulumi_aws as aws

APPFLOW_TYPES = ("aws:appflow/flow:Flow", "aws:appflow/connectorProfile:ConnectorProfile")

account = aws.get_caller_identity_output().account_id
key = aws.kms.Key("appflow-key", description="AppFlow flows and connections", enable_key_rotation=True,
                  policy=account.apply(lambda account: json.dumps({"Version": "2012-10-17", "Statement": [
                      {"Sid": "Admin", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
                       "Action": "kms:*", "Resource": "*"}]})))


def customer_managed_key(args: pulumi.ResourceTransformArgs):
    """Every AppFlow resource without a key gets the stack's key (properties by their engine names)."""
    if args.type_ in APPFLOW_TYPES and "kmsArn" not in args.props:
        return pulumi.ResourceTransformResult(props={**args.props, "kmsArn": key.arn}, opts=args.opts)
    return None


pulumi.runtime.register_resource_transform(customer_managed_key)

bucket = aws.s3.BucketV2("landing", bucket="acme-landing")
aws.s3.BucketServerSideEncryptionConfigurationV2("landing-sse", bucket=bucket.id, rules=[{
    "apply_server_side_encryption_by_default": {"sse_algorithm": "aws:kms", "kms_master_key_id": key.arn}}])
aws.s3.BucketPolicy("landing-policy", bucket=bucket.id, policy=json.dumps({"Version": "2012-10-17", "Statement": [
    {"Sid": "TlsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
     "Resource": ["arn:aws:s3:::acme-landing", "arn:aws:s3:::acme-landing/*"],
     "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}))
profile = aws.appflow.ConnectorProfile(
    "zendesk", name="zendesk-support", connector_type="Zendesk", connection_mode="Public",
    connector_profile_config={
        "connector_profile_credentials": {"zendesk": {
            "client_id": "acme-appflow", "client_secret": pulumi.Output.secret("placeholder-client-secret")}},
        "connector_profile_properties": {"zendesk": {"instance_url": "https://acme.zendesk.com"}}})
aws.appflow.Flow(
    "tickets-to-landing", description="Copies Zendesk tickets to the landing bucket", tags={"team": "support"},
    source_flow_config={"connector_type": "Zendesk", "connector_profile_name": profile.name,
                        "source_connector_properties": {"zendesk": {"object": "tickets"}}},
    destination_flow_configs=[{"connector_type": "S3", "destination_connector_properties": {"s3": {
        "bucket_name": bucket.bucket}}}],
    tasks=[{"task_type": "Map_all", "source_fields": [], "connector_operators": [{"zendesk": "NO_OP"}]}],
    trigger_config={"trigger_type": "OnDemand"})
aws.cloudtrail.Trail("audit", name="audit", s3_bucket_name="acme-audit-logs", is_multi_region_trail=True,
                     enable_logging=True)
