"""aws-appflow-s3-bucket-enforce-default-security-controls: AppFlow's buckets keep Block Public Access
on and ACLs disabled, as S3 sets them for a new bucket."""

import pytest

from harness import UNKNOWN, Spec, find, run_stack_policy, urn
from stacks import BUCKET, BUCKET_NAME, compliant_stack

from appflow_guard.policies.s3.bucket_enforce_default_security_controls import POLICY

USED_BY = "AppFlow uses it (accounts-to-s3.destinationFlowConfigs[0].destinationConnectorProperties.s3.bucketName)"
PAB = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
ACCOUNT_PAB = "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock"
OWNERSHIP = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"
ACL = "aws:s3/bucketAcl:BucketAcl"
ALL_ON = {"blockPublicAcls": True, "blockPublicPolicy": True, "ignorePublicAcls": True, "restrictPublicBuckets": True}
OWNER_ID = "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"
OTHER_ID = "1111111111111111111111111111111111111111111111111111111111111111"
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"


def findings(specs, config=None):
    return [(violation.message, violation.urn) for violation in run_stack_policy(POLICY, specs, config)]


def attached(resource_type, name, props, phase="update"):
    """A resource configuring the landing bucket, by its output (``bucket=landing.id``), as the examples write it."""
    return Spec(resource_type, name, {"bucket": UNKNOWN if phase == "preview" else BUCKET_NAME, **props},
                deps={"bucket": [BUCKET]})


def with_block(settings, phase="update"):
    return compliant_stack(phase) + [attached(PAB, "landing-pab", settings, phase)]


def block_off(settings, where="s3.BucketPublicAccessBlock 'landing-pab'"):
    them = "them" if ", " in settings else "it"
    return (f"Block Public Access is off for {settings} ({where}; a setting left out is false there) and no "
            f"account-level block turns {them} on; {USED_BY}.", BUCKET)


def with_acls(ownership, acl_props, phase="update"):
    return compliant_stack(phase) + [attached(OWNERSHIP, "landing-ownership", {"rule": {"objectOwnership": ownership}}, phase),
                                     attached(ACL, "landing-acl", acl_props, phase)]


def acl_finding(grants, ownership="ObjectWriter"):
    return (f"Object ownership is {ownership} (s3.BucketOwnershipControls 'landing-ownership'), so ACLs apply, and "
            f"{grants}; {USED_BY}.", BUCKET)


@pytest.mark.parametrize("phase", ["preview", "update"])
def test_bucket_with_s3_defaults_passes(phase):
    assert findings(compliant_stack(phase)) == []


@pytest.mark.parametrize("phase", ["preview", "update"])
def test_block_with_every_setting_on_passes(phase):
    assert findings(with_block(ALL_ON, phase)) == []


@pytest.mark.parametrize("setting", sorted(ALL_ON))
def test_each_setting_turned_off_is_reported(setting):
    assert findings(with_block({**ALL_ON, setting: False})) == [block_off(setting)]


def test_settings_left_out_of_a_block_are_off():
    assert findings(with_block({"blockPublicAcls": True})) == [
        block_off("blockPublicPolicy, ignorePublicAcls, restrictPublicBuckets")]


def test_block_found_by_bucket_name_without_dependencies():
    specs = compliant_stack("update") + [Spec(PAB, "landing-pab", {"bucket": BUCKET_NAME, **ALL_ON,
                                                                   "restrictPublicBuckets": False})]
    assert findings(specs) == [block_off("restrictPublicBuckets")]


def test_account_level_block_turns_the_setting_back_on():
    specs = with_block({**ALL_ON, "blockPublicPolicy": False}) + [
        Spec(ACCOUNT_PAB, "account-pab", {"blockPublicPolicy": True})]
    assert findings(specs) == []


def test_account_level_block_that_turns_settings_off_weakens_no_bucket_alone():
    specs = compliant_stack("update") + [Spec(ACCOUNT_PAB, "account-pab", {
        "blockPublicAcls": False, "blockPublicPolicy": False, "ignorePublicAcls": False, "restrictPublicBuckets": False})]
    assert findings(specs) == []


def test_account_level_block_off_does_not_hide_the_buckets_own():
    specs = with_block({**ALL_ON, "ignorePublicAcls": False}) + [Spec(ACCOUNT_PAB, "account-pab", {})]
    assert findings(specs) == [block_off("ignorePublicAcls")]


@pytest.mark.parametrize("settings", [{setting: UNKNOWN for setting in ALL_ON}, {**ALL_ON, "blockPublicPolicy": UNKNOWN}])
def test_settings_not_known_yet_are_not_reported(settings):
    assert findings(with_block(settings, "preview")) == []


def test_unknown_account_level_setting_is_not_judged():
    specs = with_block({**ALL_ON, "blockPublicPolicy": False}, "preview") + [
        Spec(ACCOUNT_PAB, "account-pab", {"blockPublicPolicy": UNKNOWN})]
    assert findings(specs) == []


@pytest.mark.parametrize("value", ["yes", 1, [False], {"a": 1}])
def test_odd_setting_types_are_not_judged(value):
    assert findings(with_block({**ALL_ON, "blockPublicAcls": value})) == []


def test_string_booleans_are_read_as_booleans():
    assert findings(with_block({**ALL_ON, "blockPublicAcls": "false"})) == [block_off("blockPublicAcls")]


def test_block_on_a_bucket_appflow_does_not_use_is_not_reported():
    specs = compliant_stack("update") + [
        Spec("aws:s3/bucket:Bucket", "logs", {"bucket": "logs-bucket"}),
        Spec(PAB, "logs-pab", {"bucket": "logs-bucket"}, deps={"bucket": [urn("aws:s3/bucket:Bucket", "logs")]})]
    assert findings(specs) == []


def test_bucket_appflow_only_reads_is_reported_too():
    specs = with_block({**ALL_ON, "blockPublicPolicy": False})
    flow = find(specs, "accounts-to-s3")
    flow.props["sourceFlowConfig"] = {"connectorType": "S3", "sourceConnectorProperties": {
        "s3": {"bucketName": BUCKET_NAME, "bucketPrefix": "in"}}}
    flow.props["destinationFlowConfigs"] = [{"connectorType": "Salesforce", "destinationConnectorProperties": {
        "salesforce": {"object": "Account"}}}]
    message, resource = block_off("blockPublicPolicy")
    assert findings(specs) == [(message.replace(
        USED_BY, "AppFlow uses it (accounts-to-s3.sourceFlowConfig.sourceConnectorProperties.s3.bucketName)"), resource)]


@pytest.mark.parametrize("canned,whom", [
    ("public-read", "everyone (public-read)"),
    ("public-read-write", "everyone (public-read-write)"),
    ("authenticated-read", "every AWS account (authenticated-read)"),
    ("aws-exec-read", "Amazon EC2's account (aws-exec-read)"),
])
def test_canned_acl_granting_outside_with_acls_enabled_is_reported(canned, whom):
    assert findings(with_acls("ObjectWriter", {"acl": canned})) == [
        acl_finding(f"s3.BucketAcl 'landing-acl' grants {whom}")]


@pytest.mark.parametrize("canned", ["private", "log-delivery-write", "bucket-owner-full-control", None, 7])
def test_canned_acl_keeping_access_in_the_account_passes(canned):
    assert findings(with_acls("BucketOwnerPreferred", {"acl": canned})) == []


def test_grants_to_the_public_and_another_account_are_reported():
    policy = {"owner": {"id": OWNER_ID}, "grants": [
        {"grantee": {"type": "CanonicalUser", "id": OWNER_ID}, "permission": "FULL_CONTROL"},
        {"grantee": {"type": "Group", "uri": ALL_USERS}, "permission": "READ"},
        {"grantee": {"type": "CanonicalUser", "id": OTHER_ID}, "permission": "READ"},
        {"grantee": {"type": "AmazonCustomerByEmail", "emailAddress": "partner@example.com"}, "permission": "READ"},
        {"grantee": {"type": "Group", "uri": "http://acs.amazonaws.com/groups/s3/LogDelivery"}, "permission": "WRITE"},
    ]}
    assert findings(with_acls("BucketOwnerPreferred", {"accessControlPolicy": policy})) == [acl_finding(
        f"s3.BucketAcl 'landing-acl' grants everyone (AllUsers), canonical user {OTHER_ID}, "
        "the account of p***@example.com", ownership="BucketOwnerPreferred")]


def test_canonical_user_grant_without_a_known_owner_is_not_judged():
    policy = {"owner": {"id": UNKNOWN}, "grants": [{"grantee": {"type": "CanonicalUser", "id": OTHER_ID},
                                                    "permission": "READ"}]}
    assert findings(with_acls("ObjectWriter", {"accessControlPolicy": policy})) == []


def test_inline_bucket_acl_and_grants_are_read():
    specs = compliant_stack("update") + [attached(OWNERSHIP, "landing-ownership", {"rule": {"objectOwnership": "ObjectWriter"}})]
    find(specs, "landing").props.update(acl="public-read", grants=[
        {"type": "Group", "uri": "http://acs.amazonaws.com/groups/global/AuthenticatedUsers", "permissions": ["READ"]}])
    assert findings(specs) == [acl_finding(
        "the bucket's acl grants everyone (public-read), every AWS account (AuthenticatedUsers)")]


def test_public_acl_with_acls_disabled_is_not_reported():
    assert findings(with_acls("BucketOwnerEnforced", {"acl": "public-read"})) == []
    specs = compliant_stack("update") + [attached(ACL, "landing-acl", {"acl": "public-read"})]
    assert findings(specs) == []  # no ownership controls: S3's default, BucketOwnerEnforced, refuses the ACL


def test_acls_enabled_without_an_acl_granting_outside_passes():
    specs = compliant_stack("update") + [attached(OWNERSHIP, "landing-ownership", {"rule": {"objectOwnership": "ObjectWriter"}})]
    assert findings(specs) == []


@pytest.mark.parametrize("rule", [UNKNOWN, {"objectOwnership": UNKNOWN}, {"objectOwnership": 3}, "text", None])
def test_ownership_not_known_or_odd_is_not_judged(rule):
    specs = compliant_stack("preview") + [attached(OWNERSHIP, "landing-ownership", {"rule": rule}, "preview"),
                                          attached(ACL, "landing-acl", {"acl": "public-read"}, "preview")]
    assert findings(specs) == []


def test_both_controls_off_give_two_findings():
    specs = with_acls("ObjectWriter", {"acl": "public-read"}) + [attached(PAB, "landing-pab", {})]
    assert findings(specs) == [
        block_off("blockPublicAcls, blockPublicPolicy, ignorePublicAcls, restrictPublicBuckets"),
        acl_finding("s3.BucketAcl 'landing-acl' grants everyone (public-read)")]


def test_exemption_silences_the_bucket():
    specs = with_block({})
    assert findings(specs, {"exemptions": [{"resource": "landing", "reason": "public dataset"}]}) == []
