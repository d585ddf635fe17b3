"""The stack view: references resolved through outputs that hand on an input, the buckets AppFlow writes to,
and skipping what cannot match (no key in the stack, no key users; no bucket, no bucket users)."""

from dataclasses import replace

import pytest

from appflow_guard.core import passthrough, types
from appflow_guard.core.buckets import appflow_bucket_users
from appflow_guard.core.stack import Resolution, StackView
from appflow_guard.core.values import UNKNOWN as UNKNOWN_VALUE
from harness import UNKNOWN, Spec, stack_resources
from stacks import compliant_stack


def without(specs, resource_types):
    """The stack without resources of ``resource_types``: what used them now names resources elsewhere."""
    kept = [spec for spec in specs if spec.resource_type not in resource_types]
    urns = {spec.urn for spec in kept}
    return [replace(spec, deps={prop: [urn for urn in deps if urn in urns] for prop, deps in spec.deps.items()})
            for spec in kept]


def test_a_stack_with_keys_lists_the_places_that_use_them():
    view = StackView(stack_resources(compliant_stack()))
    assert view.appflow_keys() and appflow_bucket_users(view)


def test_without_a_key_in_the_stack_no_resource_is_decoded_for_key_users():
    view = StackView(stack_resources(without(compliant_stack(), types.KMS_KEY_TYPES)))
    decoded_by_the_index = set(view._props)
    assert view.appflow_keys() == {}
    assert set(view._props) == decoded_by_the_index


def test_without_a_bucket_in_the_stack_no_resource_is_decoded_for_bucket_users():
    view = StackView(stack_resources(without(compliant_stack(), types.S3_BUCKET_TYPES)))
    decoded_by_the_index = set(view._props)
    assert appflow_bucket_users(view) == {}
    assert set(view._props) == decoded_by_the_index


# Resolution through outputs that hand on an input (core/passthrough.py) ---------------------------

NAME = "acme-landing"
KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:appflow!sf-AbCdEf"
FLOW_TYPE, PROFILE_TYPE = "aws:appflow/flow:Flow", "aws:appflow/connectorProfile:ConnectorProfile"
BUCKET_PASS_THROUGH = sorted(token for token, outputs in {**passthrough.AWS, **passthrough.NATIVE}.items()
                             if "bucket" in outputs)


def known(value, phase):
    """What the engine sends for an output: unknown at preview for a resource being created."""
    return UNKNOWN if phase == "preview" else value


def bucket_chain(phase, *pass_through_types, bucket_type="aws:s3/bucket:Bucket"):
    """A bucket handed on through ``pass_through_types`` in turn, the last one's ``bucket`` given to a flow's
    S3 destination: (the bucket, the specs)."""
    bucket = Spec(bucket_type, "landing", {"bucket": known(NAME, phase), "bucketName": known(NAME, phase)})
    specs, previous = [bucket], bucket
    for index, resource_type in enumerate(pass_through_types):
        step = Spec(resource_type, f"step-{index}", {"bucket": known(NAME, phase)}, deps={"bucket": [previous.urn]})
        specs.append(step)
        previous = step
    specs.append(Spec(FLOW_TYPE, "copy", {"destinationFlowConfigs": [{"destinationConnectorProperties": {
        "s3": {"bucketName": known(NAME, phase)}}}]}, deps={"destinationFlowConfigs": [previous.urn]}))
    return bucket, specs


def resolved_buckets(specs):
    view = StackView(stack_resources(specs))
    return [(link.field, [bucket.name for bucket in link.buckets]) for link in view.appflow_buckets()]


DESTINATION = "destinationFlowConfigs[0].destinationConnectorProperties.s3.bucketName"


@pytest.mark.parametrize("phase", ["preview", "update"])
@pytest.mark.parametrize("resource_type", BUCKET_PASS_THROUGH)
def test_a_bucket_handed_on_by_a_bucket_resource_resolves_to_the_bucket(resource_type, phase):
    bucket_type = "aws-native:s3:Bucket" if resource_type.startswith("aws-native:") else "aws:s3/bucket:Bucket"
    _, specs = bucket_chain(phase, resource_type, bucket_type=bucket_type)
    assert resolved_buckets(specs) == [(DESTINATION, ["landing"])]


@pytest.mark.parametrize("phase", ["preview", "update"])
def test_a_chain_of_bucket_resources_resolves_to_the_bucket_and_its_policy_is_attached(phase):
    bucket, specs = bucket_chain(phase, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
                                 "aws:s3/bucketPolicy:BucketPolicy", "aws:s3/bucketVersioningV2:BucketVersioningV2")
    assert resolved_buckets(specs) == [(DESTINATION, ["landing"])]
    view = StackView(stack_resources(specs))
    landing = next(resource for resource in view.resources if resource.name == "landing")
    assert [policy.name for policy in view.attached(landing, types.S3_BUCKET_POLICY_TYPES)] == ["step-1"]


@pytest.mark.parametrize("resource_type", ["aws:s3/filesFileSystem:FilesFileSystem", "aws:lambda/function:Function",
                                           "aws:s3/directoryBucket:DirectoryBucket"])
def test_a_resource_that_hands_on_no_bucket_name_leads_nowhere_at_preview(resource_type):
    _, specs = bucket_chain("preview", resource_type)
    assert resolved_buckets(specs) == [(DESTINATION, [])]


def test_a_known_name_picks_the_bucket_of_that_name_among_those_a_property_leads_to():
    _, specs = bucket_chain("update", "aws:s3/bucketPolicy:BucketPolicy")
    other = Spec("aws:s3/bucket:Bucket", "archive", {"bucket": "acme-archive"})
    specs.insert(0, other)
    specs[-1].deps["destinationFlowConfigs"].append(other.urn)
    assert resolved_buckets(specs) == [(DESTINATION, ["landing"])]


def key_user(phase, *steps, key_type="aws:kms/key:Key", holder_type=FLOW_TYPE, prop="kmsArn"):
    """A key handed on through ``steps`` ((type, input property)) in turn, the last one given as ``prop``."""
    key = Spec(key_type, "cmk", {"arn": known(KEY_ARN, phase), "keyId": known(KEY_ARN.rsplit("/", 1)[1], phase)})
    specs, previous = [key], key
    for index, (resource_type, passed_on) in enumerate(steps):
        step = Spec(resource_type, f"step-{index}", {passed_on: known(KEY_ARN, phase)}, deps={passed_on: [previous.urn]})
        specs.append(step)
        previous = step
    specs.append(Spec(holder_type, "copy", {prop: known(KEY_ARN, phase)}, deps={prop: [previous.urn]}))
    return specs


@pytest.mark.parametrize("phase", ["preview", "update"])
@pytest.mark.parametrize("steps, key_type", [
    ((("aws:kms/alias:Alias", "targetKeyId"),), "aws:kms/key:Key"),
    ((("aws:kms/keyPolicy:KeyPolicy", "keyId"),), "aws:kms/key:Key"),
    ((("aws:kms/grant:Grant", "keyId"),), "aws:kms/key:Key"),
    ((("aws:kms/alias:Alias", "targetKeyId"), ("aws:kms/keyPolicy:KeyPolicy", "keyId")), "aws:kms/key:Key"),
    ((("aws-native:kms:Alias", "targetKeyId"),), "aws-native:kms:Key"),
], ids=["alias", "key-policy", "grant", "key-policy-of-alias", "native-alias"])
def test_a_key_handed_on_by_a_kms_resource_resolves_to_the_key(steps, key_type, phase):
    specs = key_user(phase, *steps, key_type=key_type)
    view = StackView(stack_resources(specs))
    flow = view.resources[-1]
    link = view.resolve_key(flow, "kmsArn", view.props(flow)["kmsArn"])
    assert (link.resolution, [key.name for key in link.keys]) == (Resolution.IN_STACK, ["cmk"])
    assert {key.name: places for key, places in view.appflow_keys().items()} == {"cmk": ["copy.kmsArn"]}


def test_a_key_handed_on_by_another_kind_of_resource_is_unverifiable_at_preview():
    specs = key_user("preview", ("aws:lambda/function:Function", "kmsKeyArn"))
    view = StackView(stack_resources(specs))
    flow = view.resources[-1]
    link = view.resolve_key(flow, "kmsArn", UNKNOWN_VALUE)
    assert (link.resolution, link.keys, link.sources) == (Resolution.UNVERIFIABLE, (), ("aws:lambda/function:Function",))


def test_a_key_policy_attached_through_an_alias_is_found_from_the_key():
    specs = key_user("preview", ("aws:kms/alias:Alias", "targetKeyId"))
    specs.append(Spec("aws:kms/keyPolicy:KeyPolicy", "cmk-policy", {"keyId": UNKNOWN, "policy": "{}"},
                      deps={"keyId": [specs[1].urn]}))
    view = StackView(stack_resources(specs))
    key = view.resources[0]
    assert [policy.name for policy in view.dependents(key, "keyId", types.KMS_KEY_POLICY)] == ["cmk-policy"]


@pytest.mark.parametrize("phase", ["preview", "update"])
@pytest.mark.parametrize("resource_type, passed_on, secret_type", [
    ("aws:secretsmanager/secretVersion:SecretVersion", "secretId", "aws:secretsmanager/secret:Secret"),
    ("aws:secretsmanager/secretRotation:SecretRotation", "secretId", "aws:secretsmanager/secret:Secret"),
    ("aws:secretsmanager/secretPolicy:SecretPolicy", "secretArn", "aws:secretsmanager/secret:Secret"),
    ("aws-native:secretsmanager:ResourcePolicy", "secretId", "aws-native:secretsmanager:Secret"),
    ("aws-native:secretsmanager:RotationSchedule", "secretId", "aws-native:secretsmanager:Secret"),
    ("aws-native:secretsmanager:SecretTargetAttachment", "secretId", "aws-native:secretsmanager:Secret"),
])
def test_a_secret_handed_on_to_a_connector_profile_is_an_appflow_secret(resource_type, passed_on, secret_type, phase):
    secret = Spec(secret_type, "sf-client", {"name": "salesforce-client", "arn": known(SECRET_ARN, phase)})
    step = Spec(resource_type, "step", {passed_on: known(SECRET_ARN, phase)}, deps={passed_on: [secret.urn]})
    profile = Spec(PROFILE_TYPE, "salesforce", {"connectorProfileConfig": {"connectorProfileCredentials": {
        "salesforce": {"clientCredentialsArn": known(SECRET_ARN, phase)}}}},
        deps={"connectorProfileConfig": [step.urn]})
    view = StackView(stack_resources([secret, step, profile]))
    assert [found.name for found in view.appflow_secrets()] == ["sf-client"]


# Which buckets AppFlow writes to ------------------------------------------------------------------

def test_appflow_writes_to_every_bucket_field_but_a_flows_s3_source():
    flow = Spec(FLOW_TYPE, "copy", {
        "sourceFlowConfig": {"sourceConnectorProperties": {"s3": {"bucketName": "in"}}},
        "destinationFlowConfigs": [
            {"destinationConnectorProperties": {"s3": {"bucketName": "out"}, "upsolver": {"bucketName": "up"}}},
            {"destinationConnectorProperties": {"redshift": {"intermediateBucketName": "stage",
                                                             "errorHandlingConfig": {"bucketName": "errors"}}}},
            {"destinationConnectorProperties": {"snowflake": {"intermediateBucketName": "snow-stage"}}}]})
    profiles = [Spec(PROFILE_TYPE, connector, {"connectorProfileConfig": {"connectorProfileProperties": {
        connector: {"bucketName": f"{connector}-bucket"}}}}) for connector in ("redshift", "snowflake")]
    native = Spec("aws-native:appflow:Flow", "native-copy", {
        "sourceFlowConfig": {"sourceConnectorProperties": {"s3": {"bucketName": "native-in"}}},
        "destinationFlowConfigList": [{"destinationConnectorProperties": {"s3": {"bucketName": "native-out"}}}]})
    view = StackView(stack_resources([flow, native, *profiles]))
    assert [(link.value, link.writes) for link in view.appflow_buckets()] == [
        ("in", False), ("out", True), ("up", True), ("stage", True), ("errors", True), ("snow-stage", True),
        ("native-in", False), ("native-out", True), ("redshift-bucket", True), ("snowflake-bucket", True)]


def test_bucket_users_keep_every_use_and_written_users_only_the_writes():
    buckets = [Spec("aws:s3/bucket:Bucket", name, {"bucket": name}) for name in ("in", "out")]
    flow = Spec(FLOW_TYPE, "copy", {
        "sourceFlowConfig": {"sourceConnectorProperties": {"s3": {"bucketName": "in"}}},
        "destinationFlowConfigs": [{"destinationConnectorProperties": {"s3": {
            "bucketName": "out", "errorHandlingConfig": {"bucketName": "in"}}}}]})
    view = StackView(stack_resources([*buckets, flow]))
    source = "copy.sourceFlowConfig.sourceConnectorProperties.s3.bucketName"
    errors = "copy.destinationFlowConfigs[0].destinationConnectorProperties.s3.errorHandlingConfig.bucketName"
    written = "copy.destinationFlowConfigs[0].destinationConnectorProperties.s3.bucketName"
    assert {bucket.name: users for bucket, users in appflow_bucket_users(view).items()} == {
        "in": [errors, source], "out": [written]}
    assert {bucket.name: users for bucket, users in appflow_bucket_users(view, written=True).items()} == {
        "in": [errors], "out": [written]}
