"""The compliant Salesforce-to-S3 AppFlow stack written with pulumi-aws-native, shared by the native-* examples.

The same protections as appflow_stack.py, in the shapes of the provider generated from the
CloudFormation registry: the key policy and bucket policy are objects (not JSON text), bucket
encryption is inline (bucket_encryption), tags are lists of {key, value}, the trail says
is_logging. Every function builds the compliant version by default; its keyword arguments let an
example break exactly one thing.
"""

import pulumi
import pulumi_aws as aws  # aws.macie2.ClassificationJob: aws-native has no classification job
import pulumi_aws_native as aws_native

DEFAULT = object()
LANDING_TAGS = [{"key": "team", "value": "data-platform"}, {"key": "data-classification", "value": "confidential"}]
FLOW_TAGS = [{"key": "team", "value": "data-platform"}, {"key": "data-classification", "value": "confidential"}]
# What people who run the flow need on it: not appflow:* on every resource (least privilege).
FLOW_OPERATOR_ACTIONS = ("appflow:DescribeFlow", "appflow:DescribeFlowExecutionRecords", "appflow:StartFlow",
                         "appflow:StopFlow")


def account_id() -> pulumi.Output:
    return aws_native.get_account_id_output().account_id


def key_policy(account: str, scoped_appflow_grant: bool = True) -> dict:
    appflow = {"Sid": "AppFlowUse", "Effect": "Allow", "Principal": {"Service": "appflow.amazonaws.com"},
               "Action": ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey*", "kms:DescribeKey"], "Resource": "*"}
    if scoped_appflow_grant:
        appflow["Condition"] = {"StringEquals": {"aws:SourceAccount": account}}
    return {"Version": "2012-10-17", "Statement": [
        {"Sid": "AccountAdministration", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
         "Action": "kms:*", "Resource": "*"},
        appflow,
    ]}


def customer_managed_key(name="appflow-key", rotation=True, scoped_appflow_grant=True) -> aws_native.kms.Key:
    """A symmetric customer managed key whose policy (an object) lets AppFlow use it for this account only."""
    return aws_native.kms.Key(name, description="Encrypts AppFlow connections, flows and landing data",
                              enable_key_rotation=rotation,
                              key_policy=account_id().apply(lambda account: key_policy(account, scoped_appflow_grant)))


def bucket_policy_document(bucket_arn: str, account: str, deny_insecure_transport=True,
                           scoped_appflow_grant=True) -> dict:
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
    return {"Version": "2012-10-17", "Statement": statements}


def landing_bucket(key, name="landing", bucket_name=None, sse_algorithm="aws:kms", deny_insecure_transport=True,
                   scoped_appflow_grant=True) -> aws_native.s3.Bucket:
    """The destination bucket: SSE-KMS with the key (inline), TLS-only, and a scoped grant for AppFlow."""
    by_default = {"sse_algorithm": sse_algorithm}
    if sse_algorithm.startswith("aws:kms"):
        by_default["kms_master_key_id"] = key.arn
    bucket = aws_native.s3.Bucket(name, bucket_name=bucket_name, tags=LANDING_TAGS, bucket_encryption={"server_side_encryption_configuration": [
        {"server_side_encryption_by_default": by_default, "bucket_key_enabled": True}]})
    arn = pulumi.Output.concat("arn:aws:s3:::", bucket_name) if bucket_name else bucket.arn
    aws_native.s3.BucketPolicy(
        f"{name}-policy", bucket=bucket.bucket_name,
        policy_document=pulumi.Output.all(arn, account_id()).apply(
            lambda args: bucket_policy_document(args[0], args[1], deny_insecure_transport, scoped_appflow_grant)))
    return bucket


def macie_coverage(bucket_name, name="macie") -> aws_native.macie.Session:
    """Amazon Macie enabled (a session), and a daily classification job over the landing bucket:
    aws-native has no classification job resource, so the job is pulumi-aws's aws.macie2.ClassificationJob."""
    session = aws_native.macie.Session(name, status="ENABLED", finding_publishing_frequency="FIFTEEN_MINUTES")
    aws.macie2.ClassificationJob(
        f"{name}-landing-job", name="appflow-landing-discovery", job_type="SCHEDULED",
        schedule_frequency={"daily_schedule": True},
        s3_job_definition={"bucket_definitions": [{"account_id": account_id(), "buckets": [bucket_name]}]},
        opts=pulumi.ResourceOptions(depends_on=[session]))
    return session


def client_secret(key, name="salesforce-client", encrypted_with_key=True) -> aws_native.secretsmanager.Secret:
    """The Salesforce connected app's client credentials, for JWT bearer authentication."""
    return aws_native.secretsmanager.Secret(name, name="appflow!salesforce-client",
                                            description="Salesforce connected app client credentials",
                                            kms_key_id=key.arn if encrypted_with_key else None)


def salesforce_profile(key, secret, name="salesforce", kms_arn=DEFAULT, connection_mode="Private",
                       instance_url="https://acme.my.salesforce.com", opts=None) -> aws_native.appflow.ConnectorProfile:
    return aws_native.appflow.ConnectorProfile(
        name, connector_profile_name="salesforce-production", connector_type="Salesforce",
        connection_mode=connection_mode, kms_arn=key.arn if kms_arn is DEFAULT else kms_arn, opts=opts,
        connector_profile_config={
            "connector_profile_credentials": {"salesforce": {
                "client_credentials_arn": secret.aws_id, "o_auth2_grant_type": "JWT_BEARER",
                "jwt_token": pulumi.Output.secret("placeholder.jwt.token")}},
            "connector_profile_properties": {"salesforce": {
                "instance_url": instance_url, "use_private_link_for_metadata_and_authorization": True}},
        })


def accounts_flow(key, profile, bucket_name, name="accounts-to-s3", kms_arn=DEFAULT, tags=DEFAULT,
                  description="Copies Salesforce accounts to the landing bucket", opts=None) -> aws_native.appflow.Flow:
    """``bucket_name`` is the landing bucket's name: an aws_native.s3.Bucket's bucket_name or an aws.s3.Bucket's bucket."""
    return aws_native.appflow.Flow(
        name, flow_name="salesforce-accounts-to-s3", description=description,
        kms_arn=key.arn if kms_arn is DEFAULT else kms_arn,
        source_flow_config={"connector_type": "Salesforce", "connector_profile_name": profile.connector_profile_name,
                            "source_connector_properties": {"salesforce": {"object": "Account"}}},
        destination_flow_config_list=[{"connector_type": "S3", "destination_connector_properties": {"s3": {
            "bucket_name": bucket_name, "s3_output_format_config": {"file_type": "PARQUET"}}}}],
        tasks=[{"task_type": "Map_all", "source_fields": [], "connector_operator": {"salesforce": "NO_OP"}}],
        trigger_config={"trigger_type": "Scheduled", "trigger_properties": {"schedule_expression": "rate(1hours)"}},
        tags=FLOW_TAGS if tags is DEFAULT else tags, opts=opts)


def audit_trail(name="audit") -> aws_native.cloudtrail.Trail:
    return aws_native.cloudtrail.Trail(name, trail_name="account-audit", s3_bucket_name="org-audit-logs-123456789012",
                                       is_multi_region_trail=True, enable_log_file_validation=True, is_logging=True)


def operator_policy(name="appflow-operator", scoped_secrets_access=True) -> aws_native.iam.ManagedPolicy:
    """The IAM policy for people who run flows (an object), with the AWS page's Secrets Manager scoping."""
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
    return aws_native.iam.ManagedPolicy(name, managed_policy_name="appflow-operator", description="Runs AppFlow flows",
                                        policy_document={"Version": "2012-10-17", "Statement": [
                                            {"Sid": "AppFlow", "Effect": "Allow",
                                             "Action": list(FLOW_OPERATOR_ACTIONS),
                                             "Resource": "arn:aws:appflow:*:*:flow/salesforce-accounts-to-s3"},
                                            create, share]})


def compliant_stack(**overrides):
    """The whole compliant stack; ``overrides`` maps a builder name to keyword arguments."""
    key = customer_managed_key(**overrides.get("key", {}))
    bucket = landing_bucket(key, **overrides.get("bucket", {}))
    macie_coverage(bucket.bucket_name)
    secret = client_secret(key, **overrides.get("secret", {}))
    profile = salesforce_profile(key, secret, **overrides.get("profile", {}))
    flow = accounts_flow(key, profile, bucket.bucket_name, **overrides.get("flow", {}))
    audit_trail()
    operator_policy(**overrides.get("operator_policy", {}))
    pulumi.export("flowArn", flow.flow_arn)
    return {"key": key, "bucket": bucket, "secret": secret, "profile": profile, "flow": flow}
