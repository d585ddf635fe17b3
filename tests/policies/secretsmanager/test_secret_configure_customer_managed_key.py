"""aws-appflow-secretsmanager-secret-configure-customer-managed-key: AppFlow's secrets use a CMK."""

import pytest

from harness import UNKNOWN, Spec, find, run_stack_policy
from stacks import SECRET, compliant_stack

from appflow_guard.policies.secretsmanager.secret_configure_customer_managed_key import POLICY

NOT_SET = ("kmsKeyId is not set, so Secrets Manager uses the AWS managed key aws/secretsmanager; "
           "set it to a customer managed KMS key.")


def findings(specs, config=None):
    return [(v.message, v.urn) for v in run_stack_policy(POLICY, specs, config)]


def with_key(value, phase="update", deps=None):
    specs = compliant_stack(phase)
    secret = find(specs, "salesforce-client")
    secret.props["kmsKeyId"] = value
    secret.deps = deps or {}
    return specs


@pytest.mark.parametrize("phase", ["preview", "update"])
def test_compliant_stack_passes(phase):
    assert findings(compliant_stack(phase)) == []


@pytest.mark.parametrize("value", [None, "", "   "])
def test_missing_key_is_reported(value):
    assert findings(with_key(value)) == [(NOT_SET, SECRET)]


@pytest.mark.parametrize("value", ["alias/aws/secretsmanager",
                                   "arn:aws:kms:us-east-1:123456789012:alias/aws/secretsmanager"])
def test_aws_managed_key_is_reported(value):
    assert findings(with_key(value)) == [
        (f"kmsKeyId '{value}' is an AWS managed key; use a customer managed KMS key.", SECRET)]


@pytest.mark.parametrize("value", ["not-a-key", "arn:aws:kms:us-east-1:123456789012:key/short"])
def test_malformed_key_reference_is_reported(value):
    assert findings(with_key(value)) == [(f"kmsKeyId '{value}' is not a KMS key ARN, key ID or alias.", SECRET)]


@pytest.mark.parametrize("value", [42, ["alias/appflow"], {"arn": "x"}])
def test_non_string_key_reference_is_reported_without_showing_it(value):
    assert findings(with_key(value)) == [("kmsKeyId is not a KMS key ARN, key ID or alias.", SECRET)]


@pytest.mark.parametrize("value", [
    "alias/appflow-secrets", "arn:aws:kms:us-east-1:999999999999:key/1234abcd-12ab-34cd-56ef-000000000000"])
def test_customer_key_outside_the_stack_is_left_to_verify_external_references(value):
    assert findings(with_key(value)) == []


@pytest.mark.parametrize("phase", ["preview", "update"])
def test_secret_a_connector_profile_references_is_checked_whatever_its_name(phase):
    """Preview links the profile to the secret by dependency, the update by the secret's ARN."""
    specs = compliant_stack(phase)
    secret = find(specs, "salesforce-client")
    secret.props.update(name="salesforce-client", kmsKeyId=None)
    assert findings(specs) == [(NOT_SET, SECRET)]


def test_secret_appflow_does_not_use_is_ignored():
    other = Spec("aws:secretsmanager/secret:Secret", "db-password", {"name": "db-password"})
    assert findings(compliant_stack("update") + [other]) == []


def test_other_resource_types_named_like_appflow_secrets_are_ignored():
    parameter = Spec("aws:ssm/parameter:Parameter", "token", {"name": "appflow!token", "type": "SecureString"})
    assert findings(compliant_stack("update") + [parameter]) == []


def test_unknown_key_without_dependencies_is_left_to_verify_external_references():
    assert findings(with_key(UNKNOWN, phase="preview")) == []


def test_unknown_name_does_not_hide_a_referenced_secret():
    specs = compliant_stack("preview")
    find(specs, "salesforce-client").props.update(name=UNKNOWN, kmsKeyId=None)
    assert findings(specs) == [(NOT_SET, SECRET)]


@pytest.mark.parametrize("phase", ["preview", "update"])
@pytest.mark.parametrize("resource_type, passed_on", [
    ("aws:secretsmanager/secretVersion:SecretVersion", "secretId"),
    ("aws:secretsmanager/secretRotation:SecretRotation", "secretId"),
    ("aws:secretsmanager/secretPolicy:SecretPolicy", "secretArn")])
def test_a_secret_a_connector_profile_gets_through_another_resource_is_checked(resource_type, passed_on, phase):
    """client_credentials_arn=aws.secretsmanager.SecretVersion(...).arn leads to the secret."""
    specs = compliant_stack(phase)
    secret = find(specs, "salesforce-client")
    secret.props.update(name="salesforce-client", kmsKeyId=None)
    step = Spec(resource_type, "salesforce-client-step", {passed_on: UNKNOWN}, deps={passed_on: [SECRET]})
    find(specs, "salesforce").deps["connectorProfileConfig"] = [step.urn]
    assert findings(specs + [step]) == [(NOT_SET, SECRET)]
