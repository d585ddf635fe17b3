"""Where each protection sits in a resource's properties, for pulumi-aws and pulumi-aws-native.

The two providers carry the same protections under different property names (pulumi-aws follows
the Terraform schema, pulumi-aws-native the CloudFormation one): a key policy is ``policy`` (JSON
text) on ``aws:kms/key:Key`` and ``keyPolicy`` (an object) on ``aws-native:kms:Key``; tags are a
map on one and a list of ``{key, value}`` on the other. Rules ask here instead of naming fields,
so findings name the field of the resource they are about.
"""

from __future__ import annotations

from typing import Any, Iterator

from . import types
from .values import UNKNOWN, as_dict, as_list, dig

# Top-level property holding a resource's policy document.
_DOCUMENT_FIELDS = {
    types.KMS_KEY: "policy", types.NATIVE_KMS_KEY: "keyPolicy",
    types.KMS_KEY_POLICY: "policy",
    types.S3_BUCKET_POLICY: "policy", types.NATIVE_S3_BUCKET_POLICY: "policyDocument",
    **{resource_type: "policy" for resource_type in types.AWS_IAM_DOCUMENT_TYPES},
    **{resource_type: "policyDocument" for resource_type in types.NATIVE_IAM_DOCUMENT_TYPES},
}

# Inline policies of a role: (list property, document property of each entry).
_INLINE_POLICIES = {types.IAM_ROLE: ("inlinePolicies", "policy"), types.NATIVE_IAM_ROLE: ("policies", "policyDocument"),
                    types.NATIVE_IAM_USER: ("policies", "policyDocument"),
                    types.NATIVE_IAM_GROUP: ("policies", "policyDocument")}

# A flow's list of destinations.
_DESTINATIONS = {types.FLOW: "destinationFlowConfigs", types.NATIVE_FLOW: "destinationFlowConfigList"}

# Whether a trail records: pulumi-aws enableLogging, aws-native isLogging.
_LOGGING = {types.CLOUDTRAIL: "enableLogging", types.NATIVE_CLOUDTRAIL: "isLogging"}

# Whether a key is enabled, and its waiting period before deletion: pulumi-aws isEnabled and
# deletionWindowInDays, aws-native enabled and pendingWindowInDays (both default to on and 30 days).
_KEY_STATE = {types.KMS_KEY: ("isEnabled", "deletionWindowInDays"), types.NATIVE_KMS_KEY: ("enabled", "pendingWindowInDays")}

# A bucket's inline canned ACL: pulumi-aws acl (public-read, ...), aws-native accessControl (PublicRead, ...).
_CANNED_ACL = {types.NATIVE_S3_BUCKET: "accessControl"}

# Properties under which a resource is known to others (ARN, ID, name), per kind.
KEY_IDENTIFIERS = ("arn", "keyId", "id")
ALIAS_IDENTIFIERS = ("name", "aliasName", "arn")
BUCKET_IDENTIFIERS = ("bucket", "bucketName", "id", "arn")
BUCKET_NAMES = ("bucket", "bucketName", "id")
SECRET_IDENTIFIERS = ("arn", "awsId", "id", "name")

# Free-form fields that may end up in logs: names (per provider), descriptions, labels.
NAME_FIELDS = ("name", "namePrefix", "description", "bucket", "bucketPrefix", "connectorLabel", "displayName",
               "flowName", "connectorProfileName", "aliasName", "bucketName", "bucketNamePrefix",
               "managedPolicyName", "policyName", "roleName", "trailName")


def document_field(resource_type: str) -> str:
    """The property that holds the policy document of a key, bucket policy or IAM policy."""
    return _DOCUMENT_FIELDS.get(resource_type, "policy")


def holds_inline_policies(resource_type: str) -> bool:
    """Whether a principal holds policy documents in a list of its own (a role; an aws-native user or group)."""
    return resource_type in _INLINE_POLICIES


def policy_documents(resource_type: str, props: dict) -> Iterator[tuple[str, Any]]:
    """(field, raw document) of every policy document a key, bucket policy or IAM resource holds.

    A document is JSON text (pulumi-aws) or an object (aws-native); policy_evaluation.parse_policy reads both.
    """
    inline = _INLINE_POLICIES.get(resource_type)
    if inline:
        listing, field = inline
        for index, entry in enumerate(as_list(props.get(listing))):
            yield f"{listing}[{index}].{field}", dig(entry, field)
        return
    field = document_field(resource_type)
    yield field, props.get(field)


def destinations_field(resource_type: str) -> str:
    return _DESTINATIONS.get(resource_type, "destinationFlowConfigs")


def logging_field(resource_type: str) -> str:
    return _LOGGING.get(resource_type, "enableLogging")


def key_state_fields(resource_type: str) -> tuple[str, str]:
    """(enabled flag, deletion waiting period in days) of a KMS key."""
    return _KEY_STATE.get(resource_type, _KEY_STATE[types.KMS_KEY])


def canned_acl_field(resource_type: str) -> str:
    return _CANNED_ACL.get(resource_type, "acl")


def inline_public_access_block(resource_type: str, props: dict) -> Any:
    """An aws-native bucket's publicAccessBlockConfiguration (None when absent or for a pulumi-aws bucket,
    which configures Block Public Access with a separate s3.BucketPublicAccessBlock)."""
    return props.get("publicAccessBlockConfiguration") if resource_type == types.NATIVE_S3_BUCKET else None


def inline_object_ownership(resource_type: str, props: dict) -> list:
    """objectOwnership values inline in an aws-native bucket (ownershipControls.rules[]); UNKNOWN entries
    for what is not known yet; [] for a pulumi-aws bucket (s3.BucketOwnershipControls holds it)."""
    if resource_type != types.NATIVE_S3_BUCKET:
        return []
    controls = props.get("ownershipControls")
    rules = dig(controls, "rules")
    if controls is UNKNOWN or rules is UNKNOWN:
        return [UNKNOWN]
    return [dig(rule, "objectOwnership") for rule in as_list(rules) if dig(rule, "objectOwnership") is not None]


def tag_pairs(value: Any) -> tuple[list[tuple[Any, Any]], bool]:
    """((key, value) pairs of known tags, whether every tag is known).

    pulumi-aws sends tags as a map; aws-native as a list of ``{key, value}`` objects. An unknown
    list, entry or key makes the answer incomplete; malformed entries are no tags.
    """
    if value is UNKNOWN:
        return [], False
    if isinstance(value, dict):
        return [(key, item) for key, item in value.items()], True
    pairs, complete = [], True
    for entry in as_list(value):
        key = dig(entry, "key")
        if isinstance(key, str):
            pairs.append((key, dig(entry, "value")))
        elif key is UNKNOWN:
            complete = False
    return pairs, complete


def encryption_settings(resource_type: str, props: dict) -> Iterator[tuple[str, Any]]:
    """(top-level property, applyServerSideEncryptionByDefault-like settings) inline in a bucket.

    pulumi-aws (deprecated inline form): serverSideEncryptionConfiguration.rule(s) and the
    serverSideEncryptionConfigurations of BucketV2; aws-native: bucketEncryption.
    serverSideEncryptionConfiguration[].serverSideEncryptionByDefault (same sseAlgorithm and
    kmsMasterKeyId fields).
    """
    if resource_type == types.NATIVE_S3_BUCKET:
        encryption = props.get("bucketEncryption")
        if encryption is UNKNOWN:
            yield "bucketEncryption", UNKNOWN
            return
        rules = dig(encryption, "serverSideEncryptionConfiguration")
        if rules is UNKNOWN:
            yield "bucketEncryption", UNKNOWN
        for rule in as_list(rules):
            settings = dig(rule, "serverSideEncryptionByDefault")
            if settings is not None:
                yield "bucketEncryption", settings
        return
    inline = as_dict(props.get("serverSideEncryptionConfiguration"))
    for rule in [inline.get("rule")] + as_list(inline.get("rules")):
        settings = dig(rule, "applyServerSideEncryptionByDefault")
        if settings is not None:
            yield "serverSideEncryptionConfiguration", settings
    for configuration in as_list(props.get("serverSideEncryptionConfigurations")):
        for rule in as_list(dig(configuration, "rules")):
            settings = dig(rule, "applyServerSideEncryptionByDefault")
            if settings is not None:
                yield "serverSideEncryptionConfigurations", settings
