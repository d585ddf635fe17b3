"""Buckets, keys and secrets handed to AppFlow through other resources' outputs, as pulumi-aws's own
Flow example does (bucket_name=aws.s3.BucketPolicy(...).bucket): at preview those outputs are unknown,
and only the property dependencies say which bucket, key or secret they lead to."""

import json

import pulumi
import pulumi_aws as aws
import pulumi_aws_native as aws_native

account = aws.get_caller_identity().account_id


def key_policy(account_id: str) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "Admin", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
         "Action": "kms:*", "Resource": "*"},
        {"Sid": "AppFlow", "Effect": "Allow", "Principal": {"Service": "appflow.amazonaws.com"},
         "Action": ["kms:Decrypt", "kms:GenerateDataKey*"], "Resource": "*",
         "Condition": {"StringEquals": {"aws:SourceAccount": account_id}}}]})


def bucket_policy(arn: str, actions: list, tls_only: bool) -> str:
    statements = [{"Sid": "AppFlow", "Effect": "Allow", "Principal": {"Service": "appflow.amazonaws.com"},
                   "Action": actions, "Resource": [arn, f"{arn}/*"],
                   "Condition": {"StringEquals": {"aws:SourceAccount": account}}}]
    if tls_only:
        statements.insert(0, {"Sid": "TlsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                              "Resource": [arn, f"{arn}/*"], "Condition": {"Bool": {"aws:SecureTransport": "false"}}})
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


# A key that does not rotate, given to AppFlow through an alias and through its key policy resource.
key = aws.kms.Key("flow-key", description="AppFlow data", enable_key_rotation=False)
key_policy_attachment = aws.kms.KeyPolicy("flow-key-policy", key_id=key.id, policy=key_policy(account))
alias = aws.kms.Alias("flow-key-alias", name="alias/appflow-data", target_key_id=key.key_id)

# The source bucket: its policy takes the bucket from the public access block (a chain of two).
raw = aws.s3.BucketV2("raw", bucket="acme-crm-raw")
raw_block = aws.s3.BucketPublicAccessBlock("raw-block", bucket=raw.id, block_public_acls=True,
                                           block_public_policy=True, ignore_public_acls=True,
                                           restrict_public_buckets=True)
raw_policy = aws.s3.BucketPolicy("raw-policy", bucket=raw_block.bucket, policy=raw.arn.apply(
    lambda arn: bucket_policy(arn, ["s3:GetObject", "s3:ListBucket"], tls_only=True)))

# The destination bucket: encrypted through its versioning's bucket with the key behind the alias,
# and a policy (known at preview: the ARN is written from the name) that grants AppFlow but does not
# refuse requests without TLS.
curated = aws.s3.BucketV2("curated", bucket="acme-crm-curated")
curated_versioning = aws.s3.BucketVersioningV2("curated-versioning", bucket=curated.id,
                                               versioning_configuration={"status": "Enabled"})
aws.s3.BucketServerSideEncryptionConfigurationV2("curated-sse", bucket=curated_versioning.bucket, rules=[{
    "apply_server_side_encryption_by_default": {"sse_algorithm": "aws:kms",
                                                "kms_master_key_id": alias.target_key_arn}}])
curated_policy = aws.s3.BucketPolicy("curated-policy", bucket=curated.id, policy=bucket_policy(
    "arn:aws:s3:::acme-crm-curated", ["s3:PutObject", "s3:AbortMultipartUpload", "s3:GetBucketAcl", "s3:PutObjectAcl"],
    tls_only=False))

aws.appflow.Flow(
    "raw-to-curated", description="Copies CRM exports to the curated bucket", tags={"team": "data-platform"},
    kms_arn=alias.target_key_arn,
    source_flow_config={"connector_type": "S3", "source_connector_properties": {"s3": {
        "bucket_name": raw_policy.bucket, "bucket_prefix": "exports"}}},
    destination_flow_configs=[{"connector_type": "S3", "destination_connector_properties": {"s3": {
        "bucket_name": curated_policy.bucket}}}],
    tasks=[{"task_type": "Map_all", "source_fields": [], "connector_operators": [{"s3": "NO_OP"}]}],
    trigger_config={"trigger_type": "OnDemand"})

# A connector profile whose client credentials secret is given as its version's ARN, and whose secret
# is encrypted with the key given as the key policy's key ID.
secret = aws.secretsmanager.Secret("salesforce-client", name="salesforce-client", kms_key_id=key_policy_attachment.key_id)
secret_version = aws.secretsmanager.SecretVersion("salesforce-client-v1", secret_id=secret.id,
                                                  secret_string=json.dumps({"clientId": "crm-app"}))
aws.appflow.ConnectorProfile(
    "salesforce", name="salesforce-crm", connector_type="Salesforce", connection_mode="Private",
    kms_arn=alias.target_key_arn,
    connector_profile_config={
        "connector_profile_credentials": {"salesforce": {"client_credentials_arn": secret_version.arn,
                                                         "oauth2_grant_type": "CLIENT_CREDENTIALS"}},
        "connector_profile_properties": {"salesforce": {"instance_url": "https://acme.my.salesforce.com",
                                                        "use_privatelink_for_metadata_and_authorization": True}}})

# aws-native: a flow from the same source to a native bucket given through the native bucket policy's
# bucket; the native bucket encrypts with SSE-S3 (AES256), and the flow's key is the native alias's target.
native_key = aws_native.kms.Key("native-flow-key", description="AppFlow data (aws-native)", enable_key_rotation=True,
                                key_policy=json.loads(key_policy(account)))
native_alias = aws_native.kms.Alias("native-flow-key-alias", alias_name="alias/appflow-native",
                                    target_key_id=native_key.arn)
archive = aws_native.s3.Bucket("archive", bucket_name="acme-crm-archive", bucket_encryption={
    "server_side_encryption_configuration": [{"server_side_encryption_by_default": {"sse_algorithm": "AES256"}}]})
archive_policy = aws_native.s3.BucketPolicy("archive-policy", bucket=archive.id, policy_document=archive.arn.apply(
    lambda arn: json.loads(bucket_policy(arn, ["s3:PutObject", "s3:AbortMultipartUpload", "s3:GetBucketAcl",
                                               "s3:PutObjectAcl"], tls_only=True))))
aws_native.appflow.Flow(
    "raw-to-archive", flow_name="crm-raw-to-archive", description="Archives CRM exports",
    tags=[{"key": "team", "value": "data-platform"}], kms_arn=native_alias.target_key_id,
    source_flow_config={"connector_type": "S3", "source_connector_properties": {"s3": {
        "bucket_name": raw_policy.bucket, "bucket_prefix": "exports"}}},
    destination_flow_config_list=[{"connector_type": "S3", "destination_connector_properties": {"s3": {
        "bucket_name": archive_policy.bucket}}}],
    tasks=[{"task_type": "Map_all", "source_fields": [], "connector_operator": {"s3": "NO_OP"}}],
    trigger_config={"trigger_type": "OnDemand"})

aws.cloudtrail.Trail("audit", name="audit", s3_bucket_name="acme-audit-logs", is_multi_region_trail=True,
                     enable_logging=True)
pulumi.export("curated", curated.bucket)
