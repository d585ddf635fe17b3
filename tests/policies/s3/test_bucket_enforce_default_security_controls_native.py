"""aws-appflow-s3-bucket-enforce-default-security-controls on aws-native: the bucket's inline
publicAccessBlockConfiguration, ownershipControls and accessControl."""

import pytest

from appflow_guard.policies.s3.bucket_enforce_default_security_controls import POLICY
from harness import UNKNOWN, Spec, find, run_stack_policy, urn
from native_stacks import BUCKET, mixed_stack, native_stack

USED_BY = "AppFlow uses it (accounts-to-s3.destinationFlowConfigList[0].destinationConnectorProperties.s3.bucketName)"
ALL_ON = {"blockPublicAcls": True, "blockPublicPolicy": True, "ignorePublicAcls": True, "restrictPublicBuckets": True}


def findings(specs, config=None):
    return [(violation.message, violation.urn) for violation in run_stack_policy(POLICY, specs, config)]


def with_bucket(phase="update", **props):
    specs = native_stack(phase)
    find(specs, "landing").props.update(props)
    return specs


@pytest.mark.parametrize("phase", ["preview", "update"])
def test_native_bucket_with_s3_defaults_passes(phase):
    assert findings(native_stack(phase)) == []
    assert findings(mixed_stack(phase)) == []
    assert findings(with_bucket(phase, publicAccessBlockConfiguration=ALL_ON,
                                ownershipControls={"rules": [{"objectOwnership": "BucketOwnerEnforced"}]})) == []


def test_inline_block_with_a_setting_off_is_reported():
    specs = with_bucket(publicAccessBlockConfiguration={**ALL_ON, "restrictPublicBuckets": False})
    assert findings(specs) == [(
        "Block Public Access is off for restrictPublicBuckets (publicAccessBlockConfiguration; a setting left out is "
        f"false there) and no account-level block turns it on; {USED_BY}.", BUCKET)]


def test_inline_block_leaving_settings_out_turns_them_off():
    specs = with_bucket(publicAccessBlockConfiguration={"blockPublicPolicy": True, "restrictPublicBuckets": True})
    assert findings(specs) == [(
        "Block Public Access is off for blockPublicAcls, ignorePublicAcls (publicAccessBlockConfiguration; a setting "
        f"left out is false there) and no account-level block turns them on; {USED_BY}.", BUCKET)]


@pytest.mark.parametrize("configuration", [UNKNOWN, {**ALL_ON, "ignorePublicAcls": UNKNOWN}, "text", 5, [ALL_ON]])
def test_inline_block_not_known_or_odd_is_not_judged(configuration):
    assert findings(with_bucket("preview", publicAccessBlockConfiguration=configuration)) == []


def test_pulumi_aws_account_block_turns_a_native_buckets_setting_on():
    specs = with_bucket(publicAccessBlockConfiguration={**ALL_ON, "blockPublicAcls": False}) + [
        Spec("aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock", "account-pab", {"blockPublicAcls": True})]
    assert findings(specs) == []


@pytest.mark.parametrize("access,whom", [("PublicRead", "everyone (PublicRead)"),
                                         ("PublicReadWrite", "everyone (PublicReadWrite)"),
                                         ("AuthenticatedRead", "every AWS account (AuthenticatedRead)"),
                                         ("AwsExecRead", "Amazon EC2's account (AwsExecRead)")])
def test_access_control_granting_outside_with_acls_enabled_is_reported(access, whom):
    specs = with_bucket(accessControl=access, ownershipControls={"rules": [{"objectOwnership": "ObjectWriter"}]})
    assert findings(specs) == [(
        f"Object ownership is ObjectWriter (ownershipControls), so ACLs apply, and the bucket's accessControl grants "
        f"{whom}; {USED_BY}.", BUCKET)]


@pytest.mark.parametrize("access", ["Private", "LogDeliveryWrite", "BucketOwnerFullControl", None])
def test_access_control_within_the_account_passes(access):
    specs = with_bucket(accessControl=access, ownershipControls={"rules": [{"objectOwnership": "BucketOwnerPreferred"}]})
    assert findings(specs) == []


@pytest.mark.parametrize("controls", [None, UNKNOWN, {"rules": UNKNOWN}, {"rules": [{"objectOwnership": UNKNOWN}]},
                                      {"rules": [{"objectOwnership": "BucketOwnerEnforced"}]}, {"rules": "x"}])
def test_public_access_control_without_acls_enabled_is_not_reported(controls):
    assert findings(with_bucket("preview", accessControl="PublicRead", ownershipControls=controls)) == []


def test_pulumi_aws_bucket_flowing_into_a_native_flow_is_checked_too():
    specs = mixed_stack("update") + [Spec("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "landing-pab",
                                          {"bucket": "appflow-landing-1a2b3c"})]
    assert findings(specs) == [(
        "Block Public Access is off for blockPublicAcls, blockPublicPolicy, ignorePublicAcls, restrictPublicBuckets "
        "(s3.BucketPublicAccessBlock 'landing-pab'; a setting left out is false there) and no account-level block "
        "turns them on; AppFlow uses it (accounts-to-s3.destinationFlowConfigs[0].destinationConnectorProperties.s3."
        "bucketName, native-accounts-to-s3.destinationFlowConfigList[0].destinationConnectorProperties.s3.bucketName).",
        urn("aws:s3/bucket:Bucket", "landing"))]
