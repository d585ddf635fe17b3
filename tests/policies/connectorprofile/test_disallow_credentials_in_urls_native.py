"""aws-native connector profiles: every URL field of connectorProfileConfig, in its aws-native names."""

from appflow_guard.policies.connectorprofile.disallow_credentials_in_urls import POLICY
from harness import UNKNOWN, Spec, run_resource_policy
from native_stacks import native_salesforce_profile as profile

FIELD = "connectorProfileConfig.connectorProfileProperties.salesforce.instanceUrl"


def test_clean_native_urls_pass():
    assert run_resource_policy(POLICY, profile()) == []


def test_user_info_is_reported_masked():
    violations = run_resource_policy(POLICY, profile("https://integration:Winter2026!@acme.my.salesforce.com"))
    assert violations == [f"{FIELD} 'https://acme.my.salesforce.com' embeds user credentials (user:password@)."]
    assert "Winter2026" not in "".join(violations)


def test_credentials_in_the_query_of_another_connector_are_reported():
    violations = run_resource_policy(POLICY, profile(serviceNow={"instanceUrl": "https://acme.service-now.com/?api_key=s3cr3t"}))
    assert violations == ["connectorProfileConfig.connectorProfileProperties.serviceNow.instanceUrl "
                          "'https://acme.service-now.com/?api_key=***' carries credentials in its query (api_key)."]


def test_oauth_token_url_of_a_custom_connector_is_read():
    violations = run_resource_policy(POLICY, profile(customConnector={"oAuth2Properties": {
        "tokenUrl": "https://auth.example.com/token?client_secret=abc", "oAuth2GrantType": "CLIENT_CREDENTIALS"}}))
    assert violations == ["connectorProfileConfig.connectorProfileProperties.customConnector.oAuth2Properties.tokenUrl "
                          "'https://auth.example.com/token?client_secret=***' carries credentials in its query "
                          "(client_secret)."]


def test_unknown_urls_and_other_types_are_silent():
    assert run_resource_policy(POLICY, profile(UNKNOWN)) == []
    assert run_resource_policy(POLICY, Spec("aws-native:appflow:Flow", "f", {
        "connectorProfileConfig": {"x": {"instanceUrl": "https://u:p@h"}}})) == []
