import pytest

from appflow_guard.policies.connectorprofile.enforce_private_connection import POLICY
from harness import UNKNOWN, Spec, find, run_resource_policy
from stacks import compliant_stack


def profile(connector_type="Salesforce", mode="Private"):
    spec = find(compliant_stack("update"), "salesforce")
    spec.props.update(connectorType=connector_type, connectionMode=mode)
    return spec


def test_private_salesforce_connection_passes():
    assert run_resource_policy(POLICY, profile()) == []


@pytest.mark.parametrize("connector_type", ["Salesforce", "SAPOData", "Snowflake"])
def test_public_connection_of_a_privatelink_capable_application_is_reported(connector_type):
    assert run_resource_policy(POLICY, profile(connector_type, "Public")) == [
        f"connectionMode is Public for a {connector_type} connection, which supports private connections; "
        "set connection_mode=\"Private\"."]


def test_missing_connection_mode_is_reported():
    assert run_resource_policy(POLICY, profile(mode=None)) == [
        "connectionMode is not set for a Salesforce connection, which supports private connections; "
        "set connection_mode=\"Private\"."]


def test_applications_without_private_connections_are_not_reported():
    assert run_resource_policy(POLICY, profile("Slack", "Public")) == []


def test_configured_connector_types_replace_the_default_list():
    config = {"connectorTypes": ["Zendesk"]}
    assert len(run_resource_policy(POLICY, profile("Zendesk", "Public"), config)) == 1
    assert run_resource_policy(POLICY, profile("Salesforce", "Public"), config) == []


def test_unknown_values_are_not_reported():
    assert run_resource_policy(POLICY, profile(mode=UNKNOWN)) == []
    assert run_resource_policy(POLICY, profile(connector_type=UNKNOWN, mode="Public")) == []


def test_other_resource_types_are_ignored():
    assert run_resource_policy(POLICY, Spec("aws:appflow/flow:Flow", "f", {
        "connectorType": "Salesforce", "connectionMode": "Public"})) == []
