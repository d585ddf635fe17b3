"""aws-appflow-s3-bucket-enable-macie on aws-native: a Macie session, and pulumi-aws's classification job
(aws-native has none), over the aws-native landing bucket."""

import pytest

from appflow_guard.policies.s3.bucket_enable_macie import POLICY
from harness import find, run_stack_policy
from native_stacks import BUCKET, BUCKET_NAME, mixed_stack, native_stack

USED_BY = "AppFlow writes to it (accounts-to-s3.destinationFlowConfigList[0].destinationConnectorProperties.s3.bucketName)"
ADVICE = "Add what is missing, or set organizationMacie if Macie runs for the organisation outside this stack."
NO_ACCOUNT = "no enabled Macie account (aws.macie2.Account or aws_native.macie.Session) in the stack"
NO_JOB = "no scheduled aws.macie2.ClassificationJob lists it in s3JobDefinition.bucketDefinitions"


def findings(specs, config=None):
    return [(violation.message, violation.urn) for violation in run_stack_policy(POLICY, specs, config)]


def without(specs, *names):
    return [spec for spec in specs if spec.name not in names]


@pytest.mark.parametrize("phase", ["preview", "update"])
def test_native_session_and_job_over_the_native_bucket_pass(phase):
    assert findings(native_stack(phase)) == []
    assert findings(mixed_stack(phase)) == []


@pytest.mark.parametrize("phase", ["preview", "update"])
def test_native_stack_without_a_job_is_reported(phase):
    specs = without(native_stack(phase), "landing-discovery")
    assert findings(specs) == [(
        f"Amazon Macie does not watch the bucket for sensitive data: {NO_JOB}; {USED_BY}. {ADVICE}", BUCKET)]


def test_paused_session_is_not_enabled():
    specs = native_stack("update")
    find(specs, "macie").props["status"] = "PAUSED"
    assert findings(specs) == [(
        f"Amazon Macie does not watch the bucket for sensitive data: {NO_ACCOUNT}; {USED_BY}. {ADVICE}", BUCKET)]


def test_native_stack_with_macie_outside_lists_the_bucket_until_verified():
    specs = without(native_stack("update"), "macie", "landing-discovery")
    config = {"organizationMacie": "org"}
    assert [urn for _, urn in findings(specs, config)] == [BUCKET]
    assert findings(specs, {**config, "coveredBuckets": [BUCKET_NAME]}) == []


def test_session_with_odd_status_types_does_not_crash():
    specs = native_stack("update")
    find(specs, "macie").props["status"] = ["ENABLED"]
    assert findings(specs) == []
