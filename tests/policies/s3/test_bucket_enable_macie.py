"""aws-appflow-s3-bucket-enable-macie: Amazon Macie watches the buckets AppFlow writes to."""

import pytest

from harness import UNKNOWN, Spec, find, run_stack_policy
from stacks import BUCKET, BUCKET_NAME, compliant_stack

from appflow_guard.policies.s3.bucket_enable_macie import POLICY

USED_BY = "AppFlow writes to it (accounts-to-s3.destinationFlowConfigs[0].destinationConnectorProperties.s3.bucketName)"
ADVICE = "Add what is missing, or set organizationMacie if Macie runs for the organisation outside this stack."
NO_ACCOUNT = "no enabled Macie account (aws.macie2.Account or aws_native.macie.Session) in the stack"
NO_JOB = "no scheduled aws.macie2.ClassificationJob lists it in s3JobDefinition.bucketDefinitions"
JOB = "aws:macie2/classificationJob:ClassificationJob"


def uncovered(*gaps):
    return f"Amazon Macie does not watch the bucket for sensitive data: {'; '.join(gaps)}; {USED_BY}. {ADVICE}"


def findings(specs, config=None):
    return [(violation.message, violation.urn) for violation in run_stack_policy(POLICY, specs, config)]


def without(specs, *names):
    return [spec for spec in specs if spec.name not in names]


def job(specs):
    return find(specs, "landing-discovery").props


@pytest.mark.parametrize("phase", ["preview", "update"])
def test_enabled_account_and_scheduled_job_over_the_landing_bucket_pass(phase):
    assert findings(compliant_stack(phase)) == []


@pytest.mark.parametrize("phase", ["preview", "update"])
def test_stack_without_macie_is_reported_on_the_landing_bucket(phase):
    specs = without(compliant_stack(phase), "macie", "landing-discovery")
    assert findings(specs) == [(uncovered(NO_ACCOUNT, NO_JOB), BUCKET)]


def test_paused_account_is_not_enabled():
    specs = compliant_stack("update")
    find(specs, "macie").props["status"] = "PAUSED"
    assert findings(specs) == [(uncovered(NO_ACCOUNT), BUCKET)]


def test_job_without_the_bucket_is_reported():
    specs = compliant_stack("update")
    job(specs)["s3JobDefinition"]["bucketDefinitions"][0]["buckets"] = ["another-bucket"]
    find(specs, "landing-discovery").deps = {}
    assert findings(specs) == [(uncovered(NO_JOB), BUCKET)]


def test_one_time_job_does_not_cover_a_bucket_appflow_fills_later():
    specs = compliant_stack("update")
    job(specs)["jobType"] = "ONE_TIME"
    assert findings(specs) == [(uncovered(
        "only the one-time classification job 'landing-discovery' lists it, which runs before AppFlow writes anything"),
        BUCKET)]


@pytest.mark.parametrize("status", ["CANCELLED", "USER_PAUSED"])
def test_stopped_job_does_not_cover(status):
    specs = compliant_stack("update")
    job(specs)["jobStatus"] = status
    assert findings(specs) == [(uncovered(NO_JOB), BUCKET)]


def test_job_selecting_buckets_by_criteria_is_not_evaluated():
    specs = compliant_stack("update")
    job(specs)["s3JobDefinition"] = {"bucketCriteria": {"includes": {"ands": [{"tagCriterion": {
        "comparator": "EQ", "tagValues": [{"key": "team", "value": "data-platform"}]}}]}}}
    assert findings(specs) == [(uncovered(NO_JOB), BUCKET)]


@pytest.mark.parametrize("field,value", [("status", UNKNOWN), ("jobType", UNKNOWN), ("s3JobDefinition", UNKNOWN)])
def test_values_not_known_yet_count_in_the_programs_favour(field, value):
    specs = compliant_stack("preview")
    target = find(specs, "macie" if field == "status" else "landing-discovery")
    target.props[field] = value
    assert findings(specs) == []


def test_unknown_bucket_list_covers_the_buckets_it_was_computed_from():
    specs = compliant_stack("preview")
    job(specs)["s3JobDefinition"]["bucketDefinitions"] = [{"accountId": "123456789012", "buckets": UNKNOWN}]
    assert findings(specs) == []


@pytest.mark.parametrize("definition", [None, "text", 7, [None], {"bucketDefinitions": "x"},
                                        {"bucketDefinitions": [{"buckets": [None, 3, {"a": 1}]}]}])
def test_odd_job_definitions_cover_nothing_and_do_not_crash(definition):
    specs = compliant_stack("update")
    job(specs)["s3JobDefinition"] = definition
    find(specs, "landing-discovery").deps = {}
    assert findings(specs) == [(uncovered(NO_JOB), BUCKET)]


def test_macie_outside_the_stack_lists_the_bucket_to_verify():
    specs = without(compliant_stack("update"), "macie", "landing-discovery")
    config = {"organizationMacie": "delegated administrator 111122223333"}
    assert findings(specs, config) == [(
        "Amazon Macie runs outside this stack (delegated administrator 111122223333), so the pack could not verify "
        f"that it covers this bucket; {USED_BY}. Verify that a scheduled classification job or automated sensitive "
        "data discovery includes it, then list it under coveredBuckets.", BUCKET)]
    assert findings(specs, {**config, "coveredBuckets": [BUCKET_NAME]}) == []


def test_macie_outside_the_stack_with_a_job_in_it_covers_the_bucket():
    specs = without(compliant_stack("update"), "macie")
    assert findings(specs, {"organizationMacie": "org"}) == []


def test_covered_buckets_alone_silence_a_verified_bucket():
    specs = without(compliant_stack("update"), "macie", "landing-discovery")
    assert findings(specs, {"coveredBuckets": [BUCKET_NAME]}) == []


def test_buckets_appflow_only_reads_are_not_asked_for_macie():
    specs = without(compliant_stack("update"), "macie", "landing-discovery")
    flow = find(specs, "accounts-to-s3")
    flow.props["sourceFlowConfig"] = {"connectorType": "S3", "sourceConnectorProperties": {
        "s3": {"bucketName": BUCKET_NAME, "bucketPrefix": "in"}}}
    flow.props["destinationFlowConfigs"] = [{"connectorType": "Salesforce", "destinationConnectorProperties": {
        "salesforce": {"object": "Account"}}}]
    assert findings(specs) == []


def test_stack_without_appflow_is_silent():
    specs = [spec for spec in compliant_stack("update") if spec.resource_type.startswith(("aws:s3", "aws:kms"))]
    assert findings(specs) == []


def test_other_bucket_than_appflows_is_not_reported():
    specs = without(compliant_stack("update"), "macie", "landing-discovery")
    specs.append(Spec("aws:s3/bucket:Bucket", "logs", {"bucket": "logs-bucket", "arn": "arn:aws:s3:::logs-bucket"}))
    assert [urn for _, urn in findings(specs)] == [BUCKET]


def test_invalid_config_is_one_violation():
    assert findings(compliant_stack("update"), {"coveredBuckets": "landing"}) == [
        ("Invalid policy config: coveredBuckets must be a list of strings.", None)]


def test_exemption_silences_the_bucket():
    specs = without(compliant_stack("update"), "macie", "landing-discovery")
    assert findings(specs, {"exemptions": [{"resource": "landing", "reason": "sandbox"}]}) == []

