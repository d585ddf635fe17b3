import json

import pytest

from appflow_guard.policies.s3.bucket_enforce_tls_only import POLICY
from harness import UNKNOWN, find, run_stack_policy, urn
from native_stacks import BUCKET, BUCKET_ARN, BUCKET_POLICY_TYPE, bucket_policy, mixed_stack, native_stack

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


def deny_insecure(**changes):
    statement = dict(bucket_policy()["Statement"][0], **changes)
    return {key: value for key, value in statement.items() if value is not None}


def with_statements(*statements, phase="update"):
    return with_document({"Version": "2012-10-17", "Statement": list(statements)}, phase)


NO_TLS = f"No bucket policy denies requests with aws:SecureTransport false; {USED_BY}."
OBJECT_REQUESTS = (f"s3:GetObject, s3:PutObject, s3:AbortMultipartUpload, s3:ListMultipartUploadParts, "
                   f"s3:PutObjectAcl on {BUCKET_ARN}/*")


@pytest.mark.parametrize("as_text", [False, True])
def test_a_document_given_as_json_text_reads_as_the_object(as_text):
    """aws-native takes policyDocument as an object; a program may pass json.dumps(...) instead."""
    document = {"Version": "2012-10-17", "Statement": [deny_insecure(Resource=BUCKET_ARN)]}
    assert messages(run_stack_policy(POLICY, with_document(json.dumps(document) if as_text else document))) == [
        (f"No bucket policy denies {OBJECT_REQUESTS} with aws:SecureTransport false; {USED_BY}.", BUCKET)]


def test_deny_on_the_bucket_arn_alone_is_reported_on_the_native_bucket():
    assert messages(run_stack_policy(POLICY, with_statements(deny_insecure(Resource=BUCKET_ARN)))) == [
        (f"No bucket policy denies {OBJECT_REQUESTS} with aws:SecureTransport false; {USED_BY}.", BUCKET)]


def test_not_action_and_not_resource_deny_passes_on_the_native_bucket():
    deny = deny_insecure(Action=None, NotAction="s3:GetBucketPolicy", Resource=None,
                         NotResource="arn:aws:s3:::another-bucket")
    assert run_stack_policy(POLICY, with_statements(deny)) == []


def test_not_principal_deny_is_reported_on_the_native_bucket():
    deny = deny_insecure(Principal=None, NotPrincipal={"AWS": "arn:aws:iam::123456789012:role/admin"})
    assert messages(run_stack_policy(POLICY, with_statements(deny))) == [(NO_TLS, BUCKET)]


def test_an_unknown_resource_in_a_known_statement_is_deferred():
    assert run_stack_policy(POLICY, with_statements(deny_insecure(Resource=[BUCKET_ARN, UNKNOWN]))) == []


def test_a_deny_on_a_named_arn_waits_for_the_buckets_name():
    """In preview the bucket's generated name is unknown: whether the deny names it is decided at update."""
    specs = with_statements(deny_insecure(Resource="arn:aws:s3:::some-other-bucket"), phase="preview")
    assert run_stack_policy(POLICY, specs) == []


def test_an_invalid_native_document_is_reported_on_the_policy():
    specs = with_statements(deny_insecure(Effect="Allow", Principal=None, NotPrincipal={"AWS": "*"}))
    assert messages(run_stack_policy(POLICY, specs)) == [
        ("Bucket policy 'landing-policy' is not a policy AWS accepts (statement DenyInsecureTransport: NotPrincipal "
         "is supported only with Deny); it denies nothing.", urn(BUCKET_POLICY_TYPE, "landing-policy")),
        (NO_TLS, BUCKET)]
