import pytest

from appflow_guard.policies.s3.bucket_enforce_tls_only import POLICY
from harness import UNKNOWN, find, run_stack_policy
from native_stacks import BUCKET, bucket_policy, mixed_stack, native_stack

USED_BY = "AppFlow uses it (accounts-to-s3.destinationFlowConfigList[0].destinationConnectorProperties.s3.bucketName)"


def with_document(document, phase="update"):
    specs = native_stack(phase)
    find(specs, "landing-policy").props["policyDocument"] = document
    return specs


def messages(violations):
    return [(violation.message, violation.urn) for violation in violations]


@pytest.mark.parametrize("phase", ["preview", "update"])
def test_tls_only_native_bucket_passes(phase):
    assert run_stack_policy(POLICY, native_stack(phase)) == []
    assert run_stack_policy(POLICY, mixed_stack(phase)) == []


def test_missing_deny_statement_is_reported_on_the_native_bucket():
    document = bucket_policy()
    document["Statement"] = document["Statement"][1:]
    assert messages(run_stack_policy(POLICY, with_document(document))) == [
        (f"No bucket policy denies requests with aws:SecureTransport false; {USED_BY}.", BUCKET)]


def test_native_bucket_without_any_policy_is_reported_in_preview():
    specs = [spec for spec in native_stack("preview") if spec.name != "landing-policy"]
    assert messages(run_stack_policy(POLICY, specs)) == [
        (f"No bucket policy denies requests with aws:SecureTransport false; {USED_BY}.", BUCKET)]


def test_tls_version_is_required_when_configured():
    assert messages(run_stack_policy(POLICY, with_document(bucket_policy()), {"requireTlsVersion": True})) == [
        (f"No bucket policy denies s3:TlsVersion below 1.2; {USED_BY}.", BUCKET)]


def test_unknown_document_is_left_for_the_update():
    assert run_stack_policy(POLICY, with_document(UNKNOWN)) == []


@pytest.mark.parametrize("phase", ["preview", "update"])
def test_a_native_flows_s3_source_must_refuse_requests_without_tls(phase):
    specs = [spec for spec in native_stack(phase) if spec.name != "landing-policy"]
    flow = find(specs, "accounts-to-s3")
    flow.props["sourceFlowConfig"] = {"connectorType": "S3", "sourceConnectorProperties": {"s3": {
        "bucketName": UNKNOWN if phase == "preview" else "landing-4f292614", "bucketPrefix": "in"}}}
    flow.props["destinationFlowConfigList"] = [{"connectorType": "Salesforce", "destinationConnectorProperties": {
        "salesforce": {"object": "Account"}}}]
    flow.deps.update(sourceFlowConfig=flow.deps.pop("destinationFlowConfigList"))
    assert messages(run_stack_policy(POLICY, specs)) == [(
        "No bucket policy denies requests with aws:SecureTransport false; AppFlow uses it "
        "(accounts-to-s3.sourceFlowConfig.sourceConnectorProperties.s3.bucketName).", BUCKET)]
