import pytest

from appflow_guard.policies.secretsmanager.secret_configure_customer_managed_key import POLICY
from harness import UNKNOWN, Spec, find, run_stack_policy
from native_stacks import SECRET, SECRET_ARN, mixed_stack, native_stack


def secret_stack(phase="preview", **changes):
    specs = native_stack(phase)
    secret = find(specs, "salesforce-client")
    for prop, value in changes.items():
        secret.deps.pop(prop, None)
        if value is None:
            secret.props.pop(prop, None)
        else:
            secret.props[prop] = value
    return specs


def messages(violations):
    return [(violation.message, violation.urn) for violation in violations]


@pytest.mark.parametrize("phase", ["preview", "update"])
def test_native_secret_with_a_stack_key_passes(phase):
    assert run_stack_policy(POLICY, native_stack(phase)) == []
    assert run_stack_policy(POLICY, mixed_stack(phase)) == []


def test_native_secret_without_key_is_reported():
    assert messages(run_stack_policy(POLICY, secret_stack(kmsKeyId=None))) == [(
        "kmsKeyId is not set, so Secrets Manager uses the AWS managed key aws/secretsmanager; "
        "set it to a customer managed KMS key.", SECRET)]


def test_native_secret_with_the_aws_managed_key_is_reported():
    assert messages(run_stack_policy(POLICY, secret_stack(kmsKeyId="alias/aws/secretsmanager"))) == [(
        "kmsKeyId 'alias/aws/secretsmanager' is an AWS managed key; use a customer managed KMS key.", SECRET)]


def test_secret_referenced_by_its_aws_id_is_in_scope_without_the_appflow_name():
    specs = secret_stack("update", kmsKeyId=None, name="salesforce-client")
    assert find(specs, "salesforce").props["connectorProfileConfig"]["connectorProfileCredentials"]["salesforce"][
        "clientCredentialsArn"] == SECRET_ARN
    find(specs, "salesforce").deps.pop("connectorProfileConfig")
    assert len(run_stack_policy(POLICY, specs)) == 1


def test_unknown_key_and_unrelated_secrets_are_silent():
    assert run_stack_policy(POLICY, secret_stack(kmsKeyId=UNKNOWN)) == []
    assert run_stack_policy(POLICY, [Spec("aws-native:secretsmanager:Secret", "db", {"name": "db-password"})]) == []
