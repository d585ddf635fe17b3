"""aws-native: tags as lists of {key, value}, names under flowName, bucketName, aliasName, ..."""

import pytest

from appflow_guard.policies.general.disallow_sensitive_data_in_names_and_tags import POLICY
from harness import UNKNOWN, Spec, find, run_stack_policy
from native_stacks import BUCKET, FLOW, KEY, TAGS, mixed_stack, native_stack

TAIL = "; names, descriptions and tags may be copied into billing and diagnostic logs."


def messages(violations):
    return [(violation.message, violation.urn) for violation in violations]


@pytest.mark.parametrize("phase", ["preview", "update"])
def test_native_stack_passes(phase):
    assert run_stack_policy(POLICY, native_stack(phase)) == []
    assert run_stack_policy(POLICY, mixed_stack(phase)) == []


def test_email_in_a_native_flow_tag_is_reported_masked():
    specs = native_stack()
    find(specs, "accounts-to-s3").props["tags"] = TAGS + [{"key": "owner", "value": "jane.doe@example.com"}]
    assert messages(run_stack_policy(POLICY, specs)) == [
        (f"The tag 'owner' contains an email address (j***@example.com){TAIL}", FLOW)]


def test_sensitive_tag_key_on_a_native_bucket_is_reported_masked():
    specs = native_stack()
    find(specs, "landing").props["tags"] = [{"key": "jane.doe@example.com", "value": "owner"}]
    assert messages(run_stack_policy(POLICY, specs)) == [
        (f"The tag key contains an email address (j***@example.com){TAIL}", BUCKET)]


@pytest.mark.parametrize("field,resource,urn", [("flowName", "accounts-to-s3", FLOW), ("description", "appflow-key", KEY),
                                                ("bucketName", "landing", BUCKET)])
def test_native_name_fields_are_read(field, resource, urn):
    specs = native_stack("preview")  # the flow's bucketName is then the unknown name of the landing bucket
    find(specs, resource).props[field] = "export-for-jane.doe@example.com"
    assert messages(run_stack_policy(POLICY, specs)) == [
        (f"The {field} contains an email address (e***@example.com){TAIL}", urn)]


def test_native_managed_policy_granting_appflow_is_in_scope():
    specs = native_stack()
    find(specs, "appflow-operator").props["managedPolicyName"] = "AKIAIOSFODNN7EXAMPLE"
    assert [v.message for v in run_stack_policy(POLICY, specs)] == [
        f"The managedPolicyName contains an AWS access key ID (AK***){TAIL}"]


def test_unknown_tags_and_unrelated_native_resources_are_silent():
    specs = native_stack()
    find(specs, "accounts-to-s3").props["tags"] = [UNKNOWN, {"key": "team", "value": UNKNOWN}]
    assert run_stack_policy(POLICY, specs) == []
    specs.append(Spec("aws-native:s3:Bucket", "logs", {"tags": [{"key": "owner", "value": "jane.doe@example.com"}]}))
    assert run_stack_policy(POLICY, specs) == []


def test_native_custom_connector_label_and_description_are_read():
    connector = Spec("aws-native:appflow:Connector", "crm", {
        "connectorLabel": "crm", "connectorProvisioningType": "LAMBDA",
        "description": "Owner jane.doe@example.com", "connectorProvisioningConfig": {"lambda": {"lambdaArn": "x"}}})
    assert messages(run_stack_policy(POLICY, native_stack() + [connector])) == [
        (f"The description contains an email address (j***@example.com){TAIL}", connector.urn)]
