"""Pulumi type tokens of the resources the pack reads: pulumi-aws 7.x and pulumi-aws-native 1.x.

A rule is about a protection, not a provider: each ``*_TYPES`` set below holds every type that
carries the same protection, and rules read the set. pulumi-aws-native (the provider generated
from the CloudFormation registry) sends the CloudFormation property names in camelCase, so the
same protection sits under other property names; ``protection_fields.py`` says where.
"""

# pulumi-aws ---------------------------------------------------------------------------------

FLOW = "aws:appflow/flow:Flow"
CONNECTOR_PROFILE = "aws:appflow/connectorProfile:ConnectorProfile"

KMS_KEY = "aws:kms/key:Key"
KMS_ALIAS = "aws:kms/alias:Alias"
KMS_KEY_POLICY = "aws:kms/keyPolicy:KeyPolicy"

AWS_S3_BUCKET_TYPES = frozenset({"aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"})
S3_ENCRYPTION_TYPES = frozenset({
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
})
S3_BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"
S3_BUCKET_PUBLIC_ACCESS_BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
S3_ACCOUNT_PUBLIC_ACCESS_BLOCK = "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock"
S3_BUCKET_OWNERSHIP_CONTROLS = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"
S3_BUCKET_ACL_TYPES = frozenset({"aws:s3/bucketAcl:BucketAcl", "aws:s3/bucketAclV2:BucketAclV2"})

MACIE_ACCOUNT = "aws:macie2/account:Account"
MACIE_CLASSIFICATION_JOB = "aws:macie2/classificationJob:ClassificationJob"  # aws-native has no classification job

SECRET = "aws:secretsmanager/secret:Secret"

AWS_IAM_DOCUMENT_TYPES = frozenset({
    "aws:iam/policy:Policy",
    "aws:iam/rolePolicy:RolePolicy",
    "aws:iam/userPolicy:UserPolicy",
    "aws:iam/groupPolicy:GroupPolicy",
})
IAM_ROLE = "aws:iam/role:Role"

CLOUDTRAIL = "aws:cloudtrail/trail:Trail"

AWS_PROVIDER = "pulumi:providers:aws"

# pulumi-aws-native ----------------------------------------------------------------------------

NATIVE_FLOW = "aws-native:appflow:Flow"
NATIVE_CONNECTOR_PROFILE = "aws-native:appflow:ConnectorProfile"
NATIVE_CONNECTOR = "aws-native:appflow:Connector"  # a custom connector's registration: label and description
NATIVE_KMS_KEY = "aws-native:kms:Key"          # keyPolicy inline (an object); no KeyPolicy resource
NATIVE_KMS_ALIAS = "aws-native:kms:Alias"
NATIVE_S3_BUCKET = "aws-native:s3:Bucket"      # bucketEncryption inline; no separate encryption resource
NATIVE_S3_BUCKET_POLICY = "aws-native:s3:BucketPolicy"
NATIVE_SECRET = "aws-native:secretsmanager:Secret"
NATIVE_IAM_DOCUMENT_TYPES = frozenset({
    "aws-native:iam:ManagedPolicy",
    "aws-native:iam:RolePolicy",
    "aws-native:iam:UserPolicy",
    "aws-native:iam:GroupPolicy",
})
NATIVE_IAM_ROLE = "aws-native:iam:Role"
NATIVE_CLOUDTRAIL = "aws-native:cloudtrail:Trail"
NATIVE_MACIE_SESSION = "aws-native:macie:Session"  # Macie enabled for the account; no job resource exists
NATIVE_PROVIDER = "pulumi:providers:aws-native"

# Every type that carries each protection -------------------------------------------------------

FLOW_TYPES = frozenset({FLOW, NATIVE_FLOW})
CONNECTOR_PROFILE_TYPES = frozenset({CONNECTOR_PROFILE, NATIVE_CONNECTOR_PROFILE})
APPFLOW_TYPES = FLOW_TYPES | CONNECTOR_PROFILE_TYPES
AWS_APPFLOW_TYPES = frozenset({FLOW, CONNECTOR_PROFILE})
APPFLOW_RESOURCE_TYPES = APPFLOW_TYPES | {NATIVE_CONNECTOR}  # every AppFlow resource, a custom connector too (names and tags read)

KMS_KEY_TYPES = frozenset({KMS_KEY, NATIVE_KMS_KEY})
KMS_ALIAS_TYPES = frozenset({KMS_ALIAS, NATIVE_KMS_ALIAS})

S3_BUCKET_TYPES = AWS_S3_BUCKET_TYPES | {NATIVE_S3_BUCKET}
S3_BUCKET_POLICY_TYPES = frozenset({S3_BUCKET_POLICY, NATIVE_S3_BUCKET_POLICY})

SECRET_TYPES = frozenset({SECRET, NATIVE_SECRET})

IAM_DOCUMENT_TYPES = AWS_IAM_DOCUMENT_TYPES | NATIVE_IAM_DOCUMENT_TYPES
IAM_ROLE_TYPES = frozenset({IAM_ROLE, NATIVE_IAM_ROLE})
IAM_TYPES = IAM_DOCUMENT_TYPES | IAM_ROLE_TYPES

CLOUDTRAIL_TYPES = frozenset({CLOUDTRAIL, NATIVE_CLOUDTRAIL})

MACIE_ACCOUNT_TYPES = frozenset({MACIE_ACCOUNT, NATIVE_MACIE_SESSION})

# Block Public Access, object ownership and ACLs: separate resources in pulumi-aws, inline in an
# aws-native bucket (publicAccessBlockConfiguration, ownershipControls, accessControl).
S3_PUBLIC_ACCESS_TYPES = frozenset({S3_BUCKET_PUBLIC_ACCESS_BLOCK, S3_ACCOUNT_PUBLIC_ACCESS_BLOCK,
                                    S3_BUCKET_OWNERSHIP_CONTROLS}) | S3_BUCKET_ACL_TYPES

PROVIDER_TYPES = frozenset({AWS_PROVIDER, NATIVE_PROVIDER})


# IAM principals and what attaches policies to them (the MFA and least-privilege rules) --------
# aws-native has no AccessKey, UserToGroupAddition or (inline) Policy resource: a native User holds
# loginProfile, groups, managedPolicyArns and policies; a ManagedPolicy names its users, groups, roles.

IAM_USER = "aws:iam/user:User"
IAM_GROUP = "aws:iam/group:Group"
IAM_USER_LOGIN_PROFILE = "aws:iam/userLoginProfile:UserLoginProfile"
IAM_ACCESS_KEY = "aws:iam/accessKey:AccessKey"
IAM_GROUP_MEMBERSHIP = "aws:iam/groupMembership:GroupMembership"
IAM_USER_GROUP_MEMBERSHIP = "aws:iam/userGroupMembership:UserGroupMembership"
IAM_POLICY = "aws:iam/policy:Policy"
IAM_USER_POLICY = "aws:iam/userPolicy:UserPolicy"
IAM_GROUP_POLICY = "aws:iam/groupPolicy:GroupPolicy"
IAM_ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
IAM_POLICY_ATTACHMENT = "aws:iam/policyAttachment:PolicyAttachment"
IAM_USER_POLICY_ATTACHMENT = "aws:iam/userPolicyAttachment:UserPolicyAttachment"
IAM_GROUP_POLICY_ATTACHMENT = "aws:iam/groupPolicyAttachment:GroupPolicyAttachment"
IAM_ROLE_POLICY_ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
IAM_USER_POLICY_ATTACHMENTS_EXCLUSIVE = "aws:iam/userPolicyAttachmentsExclusive:UserPolicyAttachmentsExclusive"
IAM_GROUP_POLICY_ATTACHMENTS_EXCLUSIVE = "aws:iam/groupPolicyAttachmentsExclusive:GroupPolicyAttachmentsExclusive"
IAM_ROLE_POLICY_ATTACHMENTS_EXCLUSIVE = "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive"
NATIVE_IAM_USER = "aws-native:iam:User"
NATIVE_IAM_GROUP = "aws-native:iam:Group"
NATIVE_IAM_MANAGED_POLICY = "aws-native:iam:ManagedPolicy"
NATIVE_IAM_USER_POLICY = "aws-native:iam:UserPolicy"
NATIVE_IAM_GROUP_POLICY = "aws-native:iam:GroupPolicy"
NATIVE_IAM_ROLE_POLICY = "aws-native:iam:RolePolicy"

IAM_USER_TYPES = frozenset({IAM_USER, NATIVE_IAM_USER})
IAM_GROUP_TYPES = frozenset({IAM_GROUP, NATIVE_IAM_GROUP})
IAM_MANAGED_POLICY_TYPES = frozenset({IAM_POLICY, NATIVE_IAM_MANAGED_POLICY})
IAM_ATTACHMENT_TYPES = frozenset({
    IAM_USER_LOGIN_PROFILE, IAM_ACCESS_KEY, IAM_GROUP_MEMBERSHIP, IAM_USER_GROUP_MEMBERSHIP, IAM_POLICY_ATTACHMENT,
    IAM_USER_POLICY_ATTACHMENT, IAM_GROUP_POLICY_ATTACHMENT, IAM_ROLE_POLICY_ATTACHMENT,
    IAM_USER_POLICY_ATTACHMENTS_EXCLUSIVE, IAM_GROUP_POLICY_ATTACHMENTS_EXCLUSIVE, IAM_ROLE_POLICY_ATTACHMENTS_EXCLUSIVE,
})
IAM_PRINCIPAL_TYPES = IAM_USER_TYPES | IAM_GROUP_TYPES | IAM_ROLE_TYPES
IAM_GRAPH_TYPES = IAM_PRINCIPAL_TYPES | IAM_DOCUMENT_TYPES | IAM_ATTACHMENT_TYPES


def is_native(resource_type: str) -> bool:
    return resource_type.startswith("aws-native:") or resource_type == NATIVE_PROVIDER
