import pytest

from appflow_guard.policies.connectorprofile.disallow_credentials_in_urls import POLICY
from harness import UNKNOWN, Spec, find, run_resource_policy
from stacks import compliant_stack

SECRET = "Sup3rS3cret!value"


def profile(connector="salesforce", **properties):
    spec = find(compliant_stack("update"), "salesforce")
    spec.props["connectorProfileConfig"]["connectorProfileProperties"] = {connector: properties}
    return spec


def test_clean_urls_pass():
    assert run_resource_policy(POLICY, find(compliant_stack("update"), "salesforce")) == []


def test_user_and_password_in_instance_url_are_reported_masked():
    messages = run_resource_policy(POLICY, profile(instanceUrl=f"https://admin:{SECRET}@acme.my.salesforce.com/x"))
    assert messages == [
        "connectorProfileConfig.connectorProfileProperties.salesforce.instanceUrl "
        "'https://acme.my.salesforce.com/x' embeds user credentials (user:password@)."]
    assert SECRET not in messages[0] and "admin" not in messages[0]


def test_token_in_query_is_reported_with_parameter_names_only():
    messages = run_resource_policy(POLICY, profile(
        "customConnector", oauth2Properties={"tokenUrl": f"https://auth.example.com/token?client_secret={SECRET}&scope=read",
                                             "oauth2GrantType": "CLIENT_CREDENTIALS"}))
    assert messages == [
        "connectorProfileConfig.connectorProfileProperties.customConnector.oauth2Properties.tokenUrl "
        "'https://auth.example.com/token?client_secret=***&scope=***' carries credentials in its query (client_secret)."]
    assert SECRET not in messages[0]


@pytest.mark.parametrize("parameter", ["access_token", "apiKey", "X-Amz-Signature", "password", "sig", "key"])
def test_credential_looking_parameters_are_reported(parameter):
    messages = run_resource_policy(POLICY, profile("zendesk", instanceUrl=f"https://acme.zendesk.com/?{parameter}=abc123"))
    assert len(messages) == 1 and f"({parameter})" in messages[0] and "abc123" not in messages[0]


def test_harmless_query_parameters_pass():
    assert run_resource_policy(POLICY, profile("zendesk", instanceUrl="https://acme.zendesk.com/?locale=en&page=2")) == []


def test_jdbc_url_with_password_is_reported():
    messages = run_resource_policy(POLICY, profile(
        "redshift", databaseUrl=f"jdbc:redshift://etl:{SECRET}@cluster.abc.us-east-1.redshift.amazonaws.com:5439/dev"))
    assert messages == [
        "connectorProfileConfig.connectorProfileProperties.redshift.databaseUrl "
        "'jdbc:redshift://cluster.abc.us-east-1.redshift.amazonaws.com:5439/dev' embeds user credentials (user:password@)."]


def test_jdbc_properties_after_semicolon_are_checked():
    messages = run_resource_policy(POLICY, profile(
        "redshift", databaseUrl=f"jdbc:redshift://cluster.example.com:5439/dev;Password={SECRET}"))
    assert len(messages) == 1 and "(Password)" in messages[0] and SECRET not in messages[0]


def test_custom_connector_profile_properties_holding_urls_are_checked():
    messages = run_resource_policy(POLICY, profile("customConnector", profileProperties={
        "baseEndpoint": f"https://user:{SECRET}@api.example.com"}))
    assert len(messages) == 1 and SECRET not in messages[0]


def test_redirect_uri_in_credentials_is_checked():
    spec = find(compliant_stack("update"), "salesforce")
    spec.props["connectorProfileConfig"]["connectorProfileCredentials"]["salesforce"]["oauthRequest"] = {
        "authCode": "code", "redirectUri": f"https://login.example.com/cb?token={SECRET}"}
    messages = run_resource_policy(POLICY, spec)
    assert messages == [
        "connectorProfileConfig.connectorProfileCredentials.salesforce.oauthRequest.redirectUri "
        "'https://login.example.com/cb?token=***' carries credentials in its query (token)."]


@pytest.mark.parametrize("value", [UNKNOWN, None, 5, ["https://a:b@c"], {"x": UNKNOWN}])
def test_unknown_and_odd_values_do_not_crash(value):
    assert run_resource_policy(POLICY, profile(instanceUrl=value)) == [] or value == ["https://a:b@c"]


def test_unknown_config_block_does_not_crash():
    spec = find(compliant_stack("update"), "salesforce")
    spec.props["connectorProfileConfig"] = UNKNOWN
    assert run_resource_policy(POLICY, spec) == []


def test_other_resource_types_are_ignored():
    assert run_resource_policy(POLICY, Spec("aws:appflow/flow:Flow", "f", {
        "connectorProfileConfig": {"x": {"instanceUrl": "https://a:b@example.com"}}})) == []
