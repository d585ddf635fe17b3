"""Buckets AppFlow reads or writes keep S3's default controls: Block Public Access and ACLs disabled.

New buckets get all four Block Public Access settings on and object ownership BucketOwnerEnforced
(ACLs disabled). A bucket with no setting of its own keeps those defaults and passes. Findings, as
AWS applies the settings:
- Block Public Access: a setting an s3.BucketPublicAccessBlock (or an aws-native bucket's
  publicAccessBlockConfiguration) leaves off, where no account-level block in the stack turns it on
  (S3 applies the more restrictive of the two). A setting left out of such a block is false: the
  provider and the S3 API store it so. An account-level block alone weakens nothing (a bucket keeps
  its own settings), and an access point cannot loosen its bucket's, so neither is reported alone.
- Object ownership set to ObjectWriter or BucketOwnerPreferred (ACLs enabled) while an ACL of the
  bucket grants the public (AllUsers, AuthenticatedUsers, public-read, authenticated-read...) or
  another account (aws-exec-read, an email grantee, a canonical user other than the ACL's owner).
  log-delivery-write grants S3's log delivery group, an AWS service, and is not reported.
Values not known yet (preview) are never reported.
"""

from pulumi_policy import EnforcementLevel, Severity, StackValidationPolicy

from ...core import types
from ...core.buckets import appflow_bucket_users
from ...core.rule_config import config_schema
from ...core.masking import mask_email, shorten
from ...core.metadata import DOCS_URL, FRAMEWORK
from ...core.reporting import stack_validation
from ...core.protection_fields import canned_acl_field, inline_object_ownership, inline_public_access_block
from ...core.stack import StackView
from ...core.values import UNKNOWN, as_dict, as_list, dig, flag, text

READS = (types.S3_BUCKET_TYPES | types.S3_PUBLIC_ACCESS_TYPES | types.FLOW_TYPES | types.CONNECTOR_PROFILE_TYPES)

ENFORCES = ("Use AWS encryption solutions, along with all default security controls within AWS services.",)

BLOCK_SETTINGS = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
ENFORCED = "BucketOwnerEnforced"

PUBLIC_GROUPS = {"http://acs.amazonaws.com/groups/global/AllUsers": "everyone (AllUsers)",
                 "http://acs.amazonaws.com/groups/global/AuthenticatedUsers": "every AWS account (AuthenticatedUsers)"}
# Canned ACLs (pulumi-aws spelling and aws-native spelling) -> whom they grant beyond the owner.
CANNED_GRANTS = {
    "public-read": "everyone (public-read)", "PublicRead": "everyone (PublicRead)",
    "public-read-write": "everyone (public-read-write)", "PublicReadWrite": "everyone (PublicReadWrite)",
    "authenticated-read": "every AWS account (authenticated-read)",
    "AuthenticatedRead": "every AWS account (AuthenticatedRead)",
    "aws-exec-read": "Amazon EC2's account (aws-exec-read)", "AwsExecRead": "Amazon EC2's account (AwsExecRead)",
}


def block_sources(view: StackView, bucket) -> list[tuple[str, object]]:
    """(where, settings) of every bucket-level Block Public Access configuration of ``bucket``."""
    sources = [(f"s3.BucketPublicAccessBlock '{block.name}'", view.props(block))
               for block in view.attached(bucket, [types.S3_BUCKET_PUBLIC_ACCESS_BLOCK])]
    inline = inline_public_access_block(bucket.resource_type, view.props(bucket))
    if inline is not None:
        sources.append(("publicAccessBlockConfiguration", inline))
    return sources


def account_blocks(view: StackView) -> dict:
    """Each setting -> True when an account-level block turns it on, UNKNOWN when that is not known yet."""
    account = {}
    for block in view.of_type(types.S3_ACCOUNT_PUBLIC_ACCESS_BLOCK):
        for setting in BLOCK_SETTINGS:
            value = view.props(block).get(setting)
            if flag(value) is True:
                account[setting] = True
            elif value is UNKNOWN and account.get(setting) is not True:
                account[setting] = UNKNOWN
    return account


def settings_off(sources: list, account: dict) -> tuple[list[str], list[str]]:
    """(settings a bucket-level block turns off with nothing turning them on, the blocks that do)."""
    off, where = [], []
    for setting in BLOCK_SETTINGS:
        values = [(name, UNKNOWN if settings is UNKNOWN else as_dict(settings).get(setting))
                  for name, settings in sources if settings is UNKNOWN or isinstance(settings, dict)]
        # Left out (None) is false; a value that is neither a boolean nor left out is not judged.
        if not values or setting in account or any(value is not None and flag(value) is not False
                                                   for _, value in values):
            continue
        off.append(setting)
        where.extend(name for name, _ in values if name not in where)
    return off, where


def ownership(view: StackView, bucket) -> tuple[object, str]:
    """(the bucket's object ownership: a value, UNKNOWN, or ENFORCED when nothing sets it, the setting's holder)."""
    found = [(value, "ownershipControls") for value in inline_object_ownership(bucket.resource_type, view.props(bucket))]
    for controls in view.attached(bucket, [types.S3_BUCKET_OWNERSHIP_CONTROLS]):
        rule = view.props(controls).get("rule")
        found.append((UNKNOWN if rule is UNKNOWN else dig(rule, "objectOwnership"),
                      f"s3.BucketOwnershipControls '{controls.name}'"))
    found = [(value, holder) for value, holder in found if value is not None]
    if not found:
        return ENFORCED, ""
    if any(not isinstance(value, str) for value, _ in found):
        return UNKNOWN, ""  # not known yet (or not a value S3 accepts): not judged
    return next(((value, holder) for value, holder in found if value != ENFORCED), (ENFORCED, ""))


def grantee_outside(grantee: dict, owner) -> str | None:
    """Whom an ACL grantee is, when it is the public or another account; None otherwise or when not known."""
    kind = grantee.get("type")
    if kind == "Group":
        return PUBLIC_GROUPS.get(grantee.get("uri"))
    if kind == "AmazonCustomerByEmail":
        email = text(grantee.get("emailAddress"))
        return f"the account of {mask_email(email)}" if email else "another account (by email)"
    if kind == "CanonicalUser":
        grantee_id, owner_id = text(grantee.get("id")), text(owner)
        if grantee_id and owner_id and grantee_id != owner_id:
            return f"canonical user {shorten(grantee_id)}"
    return None


def acl_grants(view: StackView, bucket) -> list[str]:
    """'<holder> grants <whom>' for every ACL of ``bucket`` that grants the public or another account."""
    grants = []
    field = canned_acl_field(bucket.resource_type)
    holders = [(f"the bucket's {field}", view.props(bucket), field)]
    holders += [(f"s3.BucketAcl '{acl.name}'", view.props(acl), "acl")
                for acl in view.attached(bucket, types.S3_BUCKET_ACL_TYPES)]
    for holder, props, field in holders:
        whom = []
        canned = props.get(field)
        if isinstance(canned, str) and canned in CANNED_GRANTS:
            whom.append(CANNED_GRANTS[canned])
        # pulumi-aws Bucket grants: [{type, id, uri, permissions}]; BucketAcl: accessControlPolicy.grants[].grantee.
        policy = as_dict(props.get("accessControlPolicy"))
        owner = dig(policy, "owner", "id")
        entries = [(entry, None) for entry in as_list(props.get("grants"))]
        entries += [(dig(entry, "grantee"), owner) for entry in as_list(policy.get("grants"))]
        for grantee, entry_owner in entries:
            outside = grantee_outside(as_dict(grantee), entry_owner)
            if outside and outside not in whom:
                whom.append(outside)
        if whom:
            grants.append(f"{holder} grants {', '.join(whom)}")
    return grants


def check(args, findings):
    view = StackView(args.resources)
    users_by_bucket = appflow_bucket_users(view)
    if not users_by_bucket:
        return
    account = account_blocks(view)
    for bucket, users in users_by_bucket.items():
        used_by = f"AppFlow uses it ({', '.join(users)})"
        off, where = settings_off(block_sources(view, bucket), account)
        if off:
            them = "them" if len(off) > 1 else "it"
            findings.add(f"Block Public Access is off for {', '.join(off)} ({', '.join(where)}; a setting left out is "
                         f"false there) and no account-level block turns {them} on; {used_by}.", bucket)
        value, holder = ownership(view, bucket)
        if value is UNKNOWN or value == ENFORCED:
            continue
        grants = acl_grants(view, bucket)
        if grants:
            findings.add(f"Object ownership is {shorten(str(value))} ({holder}), so ACLs apply, and "
                         f"{'; '.join(grants)}; {used_by}.", bucket)


POLICY = StackValidationPolicy(
    name="aws-appflow-s3-bucket-enforce-default-security-controls",
    description="S3 buckets AppFlow reads or writes keep Block Public Access on and ACLs disabled, as S3 sets them.",
    display_name="AppFlow buckets keep S3's default security controls",
    enforcement_level=EnforcementLevel.MANDATORY,
    severity=Severity.HIGH,
    framework=FRAMEWORK,
    tags=["s3", "public-access"],
    remediation_steps=(
        "The AWS page asks: \"Use AWS encryption solutions, along with all default security controls within AWS "
        "services.\" Remove the aws.s3.BucketPublicAccessBlock that turns a setting off, or set block_public_acls, "
        "block_public_policy, ignore_public_acls and restrict_public_buckets to True (aws-native: "
        "public_access_block_configuration); keep object ownership BucketOwnerEnforced and grant access with "
        "bucket policies instead of public or cross-account ACLs."
    ),
    url=DOCS_URL,
    config_schema=config_schema(),
    validate=stack_validation(check),
)
