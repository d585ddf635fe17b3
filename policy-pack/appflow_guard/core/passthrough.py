"""Outputs that hand on one of their resource's inputs unchanged, per provider.

pulumi-aws's own example for ``aws.appflow.Flow`` names its buckets ``aws.s3.BucketPolicy(...).bucket``.
At preview that output is unknown, but the flow's property dependencies name the bucket policy, and
the policy's own dependencies name the bucket: following them through the outputs below resolves
the reference to the bucket (key, secret) it leads to, as the known value does at update.

Each table maps resource type -> output property -> the input property whose in-stack dependency it
passes through (camelCase, as analyzers see them). Every entry was read in the installed SDK
(pulumi-aws 7.51.1, pulumi-aws-native 1.84.0): the input is stored as the output of the same name,
or the output is documented as the ARN of what the input names; tests/core/test_passthrough.py
checks the names and the storing against the SDK. Property dependencies do not say which output a
value came from, so a dependency on one of these resources is followed through its inputs.
"""

from __future__ import annotations

_BUCKET = {"bucket": "bucket"}

# pulumi-aws: every S3 resource whose ``bucket`` output is the name of the bucket it configures or
# writes into (not s3.FilesFileSystem, whose ``bucket`` is an ARN, nor s3.DirectoryBucket, a bucket).
AWS = {
    **{f"aws:s3/{module}:{module[0].upper()}{module[1:]}": _BUCKET for module in (
        "accessPoint", "analyticsConfiguration", "bucketAbac",
        "bucketAccelerateConfiguration", "bucketAccelerateConfigurationV2", "bucketAcl", "bucketAclV2",
        "bucketCorsConfiguration", "bucketCorsConfigurationV2", "bucketIntelligentTieringConfiguration",
        "bucketLifecycleConfiguration", "bucketLifecycleConfigurationV2", "bucketLogging", "bucketLoggingV2",
        "bucketMetadataConfiguration", "bucketMetric", "bucketNotification", "bucketObject", "bucketObjectv2",
        "bucketObjectLockConfiguration", "bucketObjectLockConfigurationV2", "bucketOwnershipControls",
        "bucketPolicy", "bucketPublicAccessBlock", "bucketReplicationConfig",
        "bucketRequestPaymentConfiguration", "bucketRequestPaymentConfigurationV2",
        "bucketServerSideEncryptionConfiguration", "bucketServerSideEncryptionConfigurationV2",
        "bucketVersioning", "bucketVersioningV2", "bucketWebsiteConfiguration", "bucketWebsiteConfigurationV2",
        "inventory", "objectCopy",
    )},
    "aws:kms/alias:Alias": {"targetKeyId": "targetKeyId", "targetKeyArn": "targetKeyId"},
    "aws:kms/keyPolicy:KeyPolicy": {"keyId": "keyId"},
    "aws:kms/grant:Grant": {"keyId": "keyId"},
    "aws:secretsmanager/secretVersion:SecretVersion": {
        "secretId": "secretId", "secretArn": "secretId", "arn": "secretId"},
    "aws:secretsmanager/secretRotation:SecretRotation": {"secretId": "secretId"},
    "aws:secretsmanager/secretPolicy:SecretPolicy": {"secretArn": "secretArn"},
}

# pulumi-aws-native: the CloudFormation resources that name a bucket, key or secret of the stack.
NATIVE = {
    "aws-native:s3:BucketPolicy": _BUCKET,
    "aws-native:s3:AccessPoint": _BUCKET,
    "aws-native:kms:Alias": {"targetKeyId": "targetKeyId"},
    "aws-native:secretsmanager:ResourcePolicy": {"secretId": "secretId", "awsId": "secretId"},
    "aws-native:secretsmanager:RotationSchedule": {"secretId": "secretId", "awsId": "secretId"},
    "aws-native:secretsmanager:SecretTargetAttachment": {"secretId": "secretId"},
}

_INPUTS = {resource_type: tuple(dict.fromkeys(outputs.values())) for resource_type, outputs in {**AWS, **NATIVE}.items()}


def inputs_passed_on(resource_type: str) -> tuple[str, ...]:
    """The inputs of ``resource_type`` that some output of it hands on unchanged; () for other types."""
    return _INPUTS.get(resource_type, ())
