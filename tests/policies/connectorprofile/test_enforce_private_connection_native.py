import pytest

from appflow_guard.policies.connectorprofile.enforce_private_connection import POLICY
from harness import UNKNOWN, Spec, find, run_resource_policy
from native_stacks import native_stack


def profile(**changes):
    spec = find(native_stack("update"), "salesforce")
    spec.props.update(changes)
    return spec


def test_private_native_salesforce_connection_passes():
    assert run_resource_policy(POLICY, profile()) == []


@pytest.mark.parametrize("mode,shown", [("Public", "Public"), (None, "not set")])
def test_public_or_unset_mode_is_reported(mode, shown):
    assert run_resource_policy(POLICY, profile(connectionMode=mode)) == [
        f"connectionMode is {shown} for a Salesforce connection, which supports private connections; "
        "set connection_mode=\"Private\"."]


def test_unknown_mode_other_connectors_and_types_are_silent():
    assert run_resource_policy(POLICY, profile(connectionMode=UNKNOWN)) == []
    assert run_resource_policy(POLICY, profile(connectorType="Zendesk", connectionMode="Public")) == []
    assert run_resource_policy(POLICY, Spec("aws-native:appflow:Flow", "f", {"connectorType": "Salesforce"})) == []
