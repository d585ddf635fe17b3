"""aws-appflow-s3-bucket-enforce-tls-only: AppFlow's buckets refuse requests without TLS."""

import json

import pytest

from harness import UNKNOWN, Spec, find, run_stack_policy
from stacks import ACCOUNT, BUCKET, BUCKET_NAME, bucket_policy, compliant_stack, urn

from appflow_guard.policies.s3.bucket_enforce_tls_only import POLICY

USED_BY = "AppFlow uses it (accounts-to-s3.destinationFlowConfigs[0].destinationConnectorProperties.s3.bucketName)"
NO_TLS = f"No bucket policy denies requests with aws:SecureTransport false; {USED_BY}."
NO_TLS_VERSION = f"No bucket policy denies s3:TlsVersion below 1.2; {USED_BY}."
BUCKET_ARN = f"arn:aws:s3:::{BUCKET_NAME}"
POLICY_URN = urn("aws:s3/bucketPolicy:BucketPolicy", "landing-policy")
DENY_OLD_TLS = {"Sid": "DenyOldTls", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                "Resource": [BUCKET_ARN, f"{BUCKET_ARN}/*"],
                "Condition": {"NumericLessThan": {"s3:TlsVersion": "1.2"}}}


def findings(specs, config=None):
    return [(v.message, v.urn) for v in run_stack_policy(POLICY, specs, config)]


def statements():
    return json.loads(bucket_policy(BUCKET_ARN))["Statement"]


def with_statements(items, phase="update"):
    specs = compliant_stack(phase)
    find(specs, "landing-policy").props["policy"] = json.dumps({"Version": "2012-10-17", "Statement": items})
    return specs


def deny_insecure(**changes):
    statement = statements()[0]
    statement.update(changes)
    return {key: value for key, value in statement.items() if value is not None}


@pytest.mark.parametrize("phase", ["preview", "update"])
def test_compliant_stack_passes(phase):
    assert findings(compliant_stack(phase)) == []


def test_policy_without_secure_transport_deny_is_reported():
    assert findings(with_statements(statements()[1:])) == [(NO_TLS, BUCKET)]


@pytest.mark.parametrize("phase", ["preview", "update"])
def test_bucket_without_any_policy_is_reported_in_both_phases(phase):
    specs = [spec for spec in compliant_stack(phase) if spec.name != "landing-policy"]
    assert findings(specs) == [(NO_TLS, BUCKET)]


@pytest.mark.parametrize("condition", [
    {"Bool": {"aws:SecureTransport": False}},
    {"BoolIfExists": {"aws:SecureTransport": "false"}},
    {"Bool": {"aws:securetransport": ["false"]}},
])
def test_equivalent_secure_transport_conditions_pass(condition):
    assert findings(with_statements([deny_insecure(Condition=condition)])) == []


@pytest.mark.parametrize("principal", ["*", {"AWS": "*"}, {"AWS": ["*"]}])
def test_deny_to_everyone_in_any_spelling_passes(principal):
    assert findings(with_statements([deny_insecure(Principal=principal)])) == []


@pytest.mark.parametrize("changes", [
    {"Principal": {"AWS": "arn:aws:iam::123456789012:root"}},
    {"Effect": "Allow"},
    {"Action": "s3:GetBucketPolicy"},
    {"Condition": {"Bool": {"aws:SecureTransport": "true"}}},
    {"Resource": "arn:aws:s3:::another-bucket/*"},
])
def test_deny_that_covers_no_appflow_request_is_reported(changes):
    assert findings(with_statements([deny_insecure(**changes)])) == [(NO_TLS, BUCKET)]


def test_secure_transport_compared_as_a_string_still_denies():
    """String operators compare the request's value as text ("false"), so AWS denies these requests
    too; Access Analyzer warns about the type, it does not refuse the policy."""
    condition = {"StringEquals": {"aws:SecureTransport": "false"}}
    assert findings(with_statements([deny_insecure(Condition=condition)])) == []


BUCKET_REQUESTS = f"s3:ListBucket, s3:ListBucketMultipartUploads, s3:GetBucketAcl on {BUCKET_ARN}"
OBJECT_REQUESTS = (f"s3:GetObject, s3:PutObject, s3:AbortMultipartUpload, s3:ListMultipartUploadParts, "
                   f"s3:PutObjectAcl on {BUCKET_ARN}/*")


def partial(requests, condition="aws:SecureTransport false"):
    return [(f"No bucket policy denies {requests} with {condition}; {USED_BY}.", BUCKET)]


def test_deny_on_the_bucket_arn_alone_leaves_object_requests_open():
    """PutObject and GetObject act on arn:aws:s3:::bucket/key, which arn:aws:s3:::bucket does not match."""
    assert findings(with_statements([deny_insecure(Resource=BUCKET_ARN)])) == partial(OBJECT_REQUESTS)


def test_deny_on_the_objects_alone_leaves_bucket_requests_open():
    assert findings(with_statements([deny_insecure(Resource=f"{BUCKET_ARN}/*")])) == partial(BUCKET_REQUESTS)


@pytest.mark.parametrize("resource", ["*", "arn:aws:s3:::*", f"{BUCKET_ARN}*", "arn:aws:s3:::appflow-landing-*",
                                      [f"{BUCKET_ARN}", f"{BUCKET_ARN}/*"], "arn:aws:s3:::appflow-landing-??????*"])
def test_wildcard_resources_that_cover_the_bucket_and_its_objects_pass(resource):
    assert findings(with_statements([deny_insecure(Resource=resource)])) == []


def test_deny_on_some_objects_leaves_the_others_open():
    deny = deny_insecure(Resource=[BUCKET_ARN, f"{BUCKET_ARN}/exports/*"])
    assert findings(with_statements([deny])) == partial(OBJECT_REQUESTS)


@pytest.mark.parametrize("action, requests", [
    ("s3:PutObject", f"{BUCKET_REQUESTS} and s3:GetObject, s3:AbortMultipartUpload, s3:ListMultipartUploadParts, "
                     f"s3:PutObjectAcl on {BUCKET_ARN}/*"),
    ("s3:Put*", f"{BUCKET_REQUESTS} and s3:GetObject, s3:AbortMultipartUpload, s3:ListMultipartUploadParts on "
                f"{BUCKET_ARN}/*"),
    (["s3:List*", "s3:Get*"], f"s3:PutObject, s3:AbortMultipartUpload, s3:PutObjectAcl on {BUCKET_ARN}/*"),
])
def test_deny_of_some_actions_names_the_requests_left_open(action, requests):
    assert findings(with_statements([deny_insecure(Action=action)])) == partial(requests)


@pytest.mark.parametrize("action", ["*", "s3:*", "S3:*", ["s3:*Object*", "s3:*Bucket*", "s3:*Multipart*"]])
def test_wildcard_actions_that_cover_every_appflow_request_pass(action):
    assert findings(with_statements([deny_insecure(Action=action)])) == []


def test_not_action_deny_covers_every_action_it_does_not_name():
    assert findings(with_statements([deny_insecure(Action=None, NotAction="s3:GetBucketPolicy")])) == []


def test_not_action_deny_leaves_the_named_actions_open():
    deny = deny_insecure(Action=None, NotAction=["s3:GetObject", "s3:GetBucketAcl"])
    assert findings(with_statements([deny])) == partial(
        f"s3:GetBucketAcl on {BUCKET_ARN} and s3:GetObject on {BUCKET_ARN}/*")


def test_not_resource_deny_covers_every_resource_it_does_not_name():
    deny = deny_insecure(Resource=None, NotResource="arn:aws:s3:::another-bucket/*")
    assert findings(with_statements([deny])) == []


def test_not_resource_deny_leaves_the_named_objects_open():
    deny = deny_insecure(Resource=None, NotResource=f"{BUCKET_ARN}/public/*")
    assert findings(with_statements([deny])) == partial(OBJECT_REQUESTS)


def test_not_principal_deny_does_not_deny_everyone():
    """A NotPrincipal deny excepts the principals it names: they may still use plain HTTP."""
    deny = deny_insecure(Principal=None, NotPrincipal={"AWS": f"arn:aws:iam::{ACCOUNT}:root"})
    assert findings(with_statements([deny])) == [(NO_TLS, BUCKET)]


def test_deny_that_also_depends_on_the_callers_address_is_reported():
    condition = {"Bool": {"aws:SecureTransport": "false"}, "IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}
    assert findings(with_statements([deny_insecure(Condition=condition)])) == [(NO_TLS, BUCKET)]


def test_an_allow_does_not_make_a_deny_and_a_second_deny_completes_the_first():
    denies = [deny_insecure(Resource=BUCKET_ARN), deny_insecure(Sid="Objects", Resource=f"{BUCKET_ARN}/*")]
    assert findings(with_statements(denies + statements()[1:])) == []


def test_policy_aws_would_refuse_is_reported_on_the_policy():
    deny = deny_insecure(Principal=None)
    assert findings(with_statements([deny])) == [
        ("Bucket policy 'landing-policy' is not a policy AWS accepts (statement DenyInsecureTransport: a "
         "resource-based policy statement needs a Principal); it denies nothing.", POLICY_URN),
        (NO_TLS, BUCKET)]


def test_require_tls_version_reports_a_policy_without_the_version_deny():
    assert findings(compliant_stack("update"), {"requireTlsVersion": True}) == [(NO_TLS_VERSION, BUCKET)]


@pytest.mark.parametrize("version", ["1.2", "1.3", 1.2])
def test_require_tls_version_passes_with_the_version_deny(version):
    deny = dict(DENY_OLD_TLS, Condition={"NumericLessThan": {"s3:TlsVersion": version}})
    assert findings(with_statements(statements() + [deny]), {"requireTlsVersion": True}) == []


@pytest.mark.parametrize("version", ["1.0", "1.1"])
def test_require_tls_version_rejects_a_lower_threshold(version):
    deny = dict(DENY_OLD_TLS, Condition={"NumericLessThan": {"s3:TlsVersion": version}})
    assert findings(with_statements(statements() + [deny]), {"requireTlsVersion": True}) == [(NO_TLS_VERSION, BUCKET)]


def test_require_tls_version_on_the_bucket_alone_leaves_object_requests_open():
    deny = dict(DENY_OLD_TLS, Resource=BUCKET_ARN)
    assert findings(with_statements(statements() + [deny]), {"requireTlsVersion": True}) == partial(
        OBJECT_REQUESTS, "s3:TlsVersion below 1.2")


def test_require_tls_version_with_numeric_less_than_equals_passes():
    deny = dict(DENY_OLD_TLS, Condition={"NumericLessThanEquals": {"s3:TlsVersion": "1.1"}})
    assert findings(with_statements(statements() + [deny]), {"requireTlsVersion": True}) == []


def test_require_tls_version_false_is_the_default():
    assert findings(compliant_stack("update"), {"requireTlsVersion": False}) == []


def test_require_tls_version_with_neither_deny_reports_both():
    assert findings(with_statements(statements()[1:]), {"requireTlsVersion": True}) == [
        (NO_TLS, BUCKET), (NO_TLS_VERSION, BUCKET)]


@pytest.mark.parametrize("value", ["yes", "true", 1])
def test_require_tls_version_that_is_not_a_boolean_is_invalid_config(value):
    assert findings(compliant_stack("update"), {"requireTlsVersion": value}) == [
        ("Invalid policy config: requireTlsVersion must be true or false.", None)]


def test_unknown_policy_is_deferred_even_with_require_tls_version():
    assert findings(compliant_stack("preview"), {"requireTlsVersion": True}) == []


def test_deny_split_over_two_bucket_policies_passes():
    specs = with_statements(statements()[1:])
    specs.append(Spec("aws:s3/bucketPolicy:BucketPolicy", "landing-tls", {
        "bucket": BUCKET_NAME, "policy": json.dumps({"Statement": statements()[0]})}))
    assert findings(specs) == []


@pytest.mark.parametrize("policy, reason", [
    ("{not json", "not a JSON object"), (42, "not a JSON object"), (["DenyInsecureTransport"], "not a JSON object"),
    (None, "not a JSON object"), (json.dumps({"Statement": "x"}), "no Statement list")])
def test_unreadable_policy_is_reported_and_denies_nothing(policy, reason):
    specs = compliant_stack("update")
    find(specs, "landing-policy").props["policy"] = policy
    assert findings(specs) == [
        (f"Bucket policy 'landing-policy' is not a policy AWS accepts ({reason}); it denies nothing.", POLICY_URN),
        (NO_TLS, BUCKET)]


def test_bucket_appflow_does_not_use_is_ignored():
    specs = compliant_stack("update") + [Spec("aws:s3/bucket:Bucket", "scratch", {"bucket": "scratch-data"})]
    assert findings(specs) == []


def test_other_resource_types_are_not_taken_for_buckets():
    """During preview the destination is resolved through dependencies; a queue among them is no bucket."""
    specs = compliant_stack("preview")
    queue = Spec("aws:sqs/queue:Queue", "events", {"name": "events"})
    find(specs, "accounts-to-s3").deps["destinationFlowConfigs"].append(queue.urn)
    assert findings(specs + [queue]) == []


def test_policy_of_another_type_does_not_count():
    specs = with_statements(statements()[1:])
    specs.append(Spec("aws:s3control/accessPointPolicy:AccessPointPolicy", "landing-ap", {
        "bucket": BUCKET_NAME, "policy": json.dumps({"Statement": [statements()[0]]})}))
    assert findings(specs) == [(NO_TLS, BUCKET)]


def test_unknown_statement_in_a_known_document_is_deferred():
    specs = compliant_stack("update")
    find(specs, "landing-policy").props["policy"] = {"Version": "2012-10-17", "Statement": [UNKNOWN]}
    assert findings(specs) == []


@pytest.mark.parametrize("phase", ["preview", "update"])
def test_a_flows_s3_source_is_read_so_it_must_refuse_requests_without_tls(phase):
    """"S3 buckets AppFlow reads or writes": the source bucket too."""
    specs = [spec for spec in compliant_stack(phase) if spec.name != "landing-policy"]
    flow = find(specs, "accounts-to-s3")
    flow.props["sourceFlowConfig"] = {"connectorType": "S3", "sourceConnectorProperties": {"s3": {
        "bucketName": UNKNOWN if phase == "preview" else BUCKET_NAME}}}
    flow.props["destinationFlowConfigs"] = [{"connectorType": "Salesforce", "destinationConnectorProperties": {
        "salesforce": {"object": "Account"}}}]
    flow.deps.update(sourceFlowConfig=[BUCKET], destinationFlowConfigs=[])
    assert findings(specs) == [(
        "No bucket policy denies requests with aws:SecureTransport false; AppFlow uses it "
        "(accounts-to-s3.sourceFlowConfig.sourceConnectorProperties.s3.bucketName).", BUCKET)]


@pytest.mark.parametrize("phase", ["preview", "update"])
@pytest.mark.parametrize("policy_tls_only", [True, False])
def test_a_bucket_policy_given_a_public_access_blocks_bucket_is_the_buckets_policy(phase, policy_tls_only):
    specs = compliant_stack(phase)
    block = Spec("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "landing-block", {
        "bucket": UNKNOWN if phase == "preview" else BUCKET_NAME, "blockPublicPolicy": True}, deps={"bucket": [BUCKET]})
    policy = find(specs, "landing-policy")
    policy.deps["bucket"] = [block.urn]
    if not policy_tls_only:
        policy.props["policy"] = json.dumps({"Version": "2012-10-17", "Statement": statements()[1:]})
    find(specs, "accounts-to-s3").deps["destinationFlowConfigs"] = [policy.urn]
    assert findings(specs[:2] + [block] + specs[2:]) == ([] if policy_tls_only else [(NO_TLS, BUCKET)])
