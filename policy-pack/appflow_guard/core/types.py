"""Pulumi type tokens of the resources the pack reads (pulumi-aws 7.x)."""

FLOW = "aws:appflow/flow:Flow"
CONNECTOR_PROFILE = "aws:appflow/connectorProfile:ConnectorProfile"
APPFLOW_TYPES = frozenset({FLOW, CONNECTOR_PROFILE})

KMS_KEY = "aws:kms/key:Key"
KMS_ALIAS = "aws:kms/alias:Alias"
KMS_KEY_POLICY = "aws:kms/keyPolicy:KeyPolicy"

S3_BUCKET_TYPES = frozenset({"aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"})
S3_ENCRYPTION_TYPES = frozenset({
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
})
S3_BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"

SECRET = "aws:secretsmanager/secret:Secret"

IAM_DOCUMENT_TYPES = frozenset({
    "aws:iam/policy:Policy",
    "aws:iam/rolePolicy:RolePolicy",
    "aws:iam/userPolicy:UserPolicy",
    "aws:iam/groupPolicy:GroupPolicy",
})
IAM_ROLE = "aws:iam/role:Role"

CLOUDTRAIL = "aws:cloudtrail/trail:Trail"

AWS_PROVIDER = "pulumi:providers:aws"
