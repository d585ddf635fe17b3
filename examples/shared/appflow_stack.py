"""Building blocks of a compliant Salesforce-to-S3 AppFlow stack, shared by the examples.

Every function builds the compliant version by default; its keyword arguments let an example
break exactly one thing, so each example reads as "the compliant stack, except ...".
"""

import json

import pulumi
import pulumi_aws as aws

DEFAULT = object()
LANDING_TAGS = {"team": "data-platform", "data-classification": "confidential"}
# What people who run the flow need on it: not appflow:* on every resource (least privilege).
FLOW_OPERATOR_ACTIONS = ("appflow:DescribeFlow", "appflow:DescribeFlowExecutionRecords", "appflow:StartFlow",
                         "appflow:StopFlow")


def account_id() -> pulumi.Output:
    return aws.get_caller_identity_output().account_id


def customer_managed_key(name="appflow-key", rotation=True, scoped_appflow_grant=True, deletion_window_in_days=None,
                         opts=None) -> aws.kms.Key:
    """A symmetric customer managed key whose policy lets AppFlow use it for this account only."""

    def policy(account: str) -> str:
        appflow = {"Sid": "AppFlowUse", "Effect": "Allow", "Principal": {"Service": "appflow.amazonaws.com"},
                   "Action": ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey*", "kms:DescribeKey"],
                   "Resource": "*"}
        if scoped_appflow_grant:
            appflow["Condition"] = {"StringEquals": {"aws:SourceAccount": account}}
        return json.dumps({"Version": "2012-10-17", "Statement": [
            {"Sid": "AccountAdministration", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
             "Action": "kms:*", "Resource": "*"},
            appflow,
        ]})

    return aws.kms.Key(name, description="Encrypts AppFlow connections, flows and landing data",
                       enable_key_rotation=rotation, policy=account_id().apply(policy),
                       deletion_window_in_days=deletion_window_in_days, opts=opts)


def landing_bucket(key, name="landing", bucket_name=None, sse_algorithm="aws:kms", deny_insecure_transport=True,
                   scoped_appflow_grant=True, public_access_block=None, opts=None) -> aws.s3.Bucket:
    """The destination bucket: SSE-KMS with the key, TLS-only, and a scoped grant for AppFlow; S3's
    default Block Public Access unless ``public_access_block`` (BucketPublicAccessBlock arguments) says otherwise."""
    bucket = aws.s3.Bucket(name, bucket=bucket_name, tags=LANDING_TAGS, opts=opts)
    if public_access_block is not None:
        aws.s3.BucketPublicAccessBlock(f"{name}-public-access", bucket=bucket.id, opts=opts, **public_access_block)
    default_encryption = {"sse_algorithm": sse_algorithm}
    if sse_algorithm.startswith("aws:kms"):
        default_encryption["kms_master_key_id"] = key.arn
    aws.s3.BucketServerSideEncryptionConfiguration(
        f"{name}-encryption", bucket=bucket.id, opts=opts,
        rules=[{"apply_server_side_encryption_by_default": default_encryption, "bucket_key_enabled": True}])
    arn = pulumi.Output.concat("arn:aws:s3:::", bucket_name) if bucket_name else bucket.arn

    def policy(args) -> str:
        bucket_arn, account = args
        statements = []
        if deny_insecure_transport:
            statements.append({"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                               "Resource": [bucket_arn, f"{bucket_arn}/*"],
                               "Condition": {"Bool": {"aws:SecureTransport": "false"}}})
        grant = {"Sid": "AppFlowWrite", "Effect": "Allow", "Principal": {"Service": "appflow.amazonaws.com"},
                 "Action": ["s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts",
                            "s3:ListBucketMultipartUploads", "s3:GetBucketAcl", "s3:PutObjectAcl"],
                 "Resource": [bucket_arn, f"{bucket_arn}/*"]}
        if scoped_appflow_grant:
            grant["Condition"] = {"StringEquals": {"aws:SourceAccount": account}}
        else:
            grant["Action"] = "s3:*"
        statements.append(grant)
        return json.dumps({"Version": "2012-10-17", "Statement": statements})

    aws.s3.BucketPolicy(f"{name}-policy", bucket=bucket.id, policy=pulumi.Output.all(arn, account_id()).apply(policy),
                        opts=opts)
    return bucket


def macie_coverage(bucket_names, name="macie", job=True) -> aws.macie2.Account:
    """Amazon Macie enabled, and a daily classification job over the buckets AppFlow writes to."""
    account = aws.macie2.Account(name, status="ENABLED", finding_publishing_frequency="FIFTEEN_MINUTES")
    if job:
        aws.macie2.ClassificationJob(
            f"{name}-landing-job", name="appflow-landing-discovery", job_type="SCHEDULED",
            schedule_frequency={"daily_schedule": True},
            s3_job_definition={"bucket_definitions": [{"account_id": account_id(), "buckets": bucket_names}]},
            opts=pulumi.ResourceOptions(depends_on=[account]))
    return account


def client_secret(key, name="salesforce-client", encrypted_with_key=True) -> aws.secretsmanager.Secret:
    """The Salesforce connected app's client credentials, for JWT bearer authentication."""
    return aws.secretsmanager.Secret(name, name="appflow!salesforce-client",
                                     description="Salesforce connected app client credentials",
                                     kms_key_id=key.arn if encrypted_with_key else None)


def salesforce_profile(key, secret, name="salesforce", kms_arn=DEFAULT, connection_mode="Private",
                       instance_url="https://acme.my.salesforce.com", opts=None) -> aws.appflow.ConnectorProfile:
    return aws.appflow.ConnectorProfile(
        name, name="salesforce-production", connector_type="Salesforce", connection_mode=connection_mode,
        kms_arn=key.arn if kms_arn is DEFAULT else kms_arn, opts=opts,
        connector_profile_config={
            "connector_profile_credentials": {"salesforce": {
                "client_credentials_arn": secret.arn, "oauth2_grant_type": "JWT_BEARER",
                "jwt_token": pulumi.Output.secret("placeholder.jwt.token")}},
            "connector_profile_properties": {"salesforce": {
                "instance_url": instance_url, "use_privatelink_for_metadata_and_authorization": True}},
        })


def accounts_flow(key, profile, bucket, name="accounts-to-s3", kms_arn=DEFAULT, tags=DEFAULT,
                  description="Copies Salesforce accounts to the landing bucket", opts=None) -> aws.appflow.Flow:
    return aws.appflow.Flow(
        name, name="salesforce-accounts-to-s3", description=description,
        kms_arn=key.arn if kms_arn is DEFAULT else kms_arn,
        source_flow_config={"connector_type": "Salesforce", "connector_profile_name": profile.name,
                            "source_connector_properties": {"salesforce": {"object": "Account"}}},
        destination_flow_configs=[{"connector_type": "S3", "destination_connector_properties": {"s3": {
            "bucket_name": bucket.bucket, "s3_output_format_config": {"file_type": "PARQUET"}}}}],
        tasks=[{"task_type": "Map_all", "source_fields": [], "connector_operators": [{"salesforce": "NO_OP"}]}],
        trigger_config={"trigger_type": "Scheduled", "trigger_properties": {"scheduled": {
            "schedule_expression": "rate(1hours)"}}},
        tags={"team": "data-platform", "data-classification": "confidential"} if tags is DEFAULT else tags,
        opts=opts)


def audit_trail(name="audit") -> aws.cloudtrail.Trail:
    return aws.cloudtrail.Trail(name, name="account-audit", s3_bucket_name="org-audit-logs-123456789012",
                                is_multi_region_trail=True, enable_log_file_validation=True, enable_logging=True)


def operator_policy(name="appflow-operator", scoped_secrets_access=True, appflow_actions_on_flow=True) -> aws.iam.Policy:
    """The IAM policy for people who run the flow: its AppFlow actions on it, and the AWS page's Secrets
    Manager scoping."""
    create = {"Sid": "SecretsManagerCreateSecretAccess", "Effect": "Allow", "Action": "secretsmanager:CreateSecret",
              "Resource": "*"}
    share = {"Sid": "SecretsManagerPutResourcePolicyAccess", "Effect": "Allow",
             "Action": ["secretsmanager:PutResourcePolicy"], "Resource": "*"}
    if scoped_secrets_access:
        called_via = {"aws:CalledVia": ["appflow.amazonaws.com"]}
        create["Condition"] = {"StringLike": {"secretsmanager:Name": "appflow!*"},
                               "ForAnyValue:StringEquals": called_via}
        share["Condition"] = {"ForAnyValue:StringEquals": called_via, "StringEqualsIgnoreCase": {
            "secretsmanager:ResourceTag/aws:secretsmanager:owningService": "appflow"}}
    appflow = {"Sid": "AppFlow", "Effect": "Allow", "Action": list(FLOW_OPERATOR_ACTIONS),
               "Resource": "arn:aws:appflow:*:*:flow/salesforce-accounts-to-s3"}
    if not appflow_actions_on_flow:
        appflow.update(Action="appflow:*", Resource="*")
    return aws.iam.Policy(name, name="appflow-operator", description="Runs AppFlow flows", policy=json.dumps({
        "Version": "2012-10-17", "Statement": [appflow, create, share]}))


def compliant_stack(**overrides):
    """The whole compliant stack; ``overrides`` maps a builder name to keyword arguments."""
    key = customer_managed_key(**overrides.get("key", {}))
    bucket = landing_bucket(key, **overrides.get("bucket", {}))
    macie_coverage([bucket.bucket], **overrides.get("macie", {}))
    secret = client_secret(key, **overrides.get("secret", {}))
    profile = salesforce_profile(key, secret, **overrides.get("profile", {}))
    flow = accounts_flow(key, profile, bucket, **overrides.get("flow", {}))
    audit_trail()
    operator_policy(**overrides.get("operator_policy", {}))
    pulumi.export("flowArn", flow.arn)
    return {"key": key, "bucket": bucket, "secret": secret, "profile": profile, "flow": flow}
