import pytest

from appflow_guard.policies.connectorprofile.enforce_https_urls import POLICY
from harness import UNKNOWN, Spec, find, run_resource_policy
from stacks import compliant_stack

FIELD = "connectorProfileConfig.connectorProfileProperties"


def profile(connector="salesforce", **properties):
    spec = find(compliant_stack("update"), "salesforce")
    spec.props["connectorProfileConfig"]["connectorProfileProperties"] = {connector: properties}
    return spec


def test_https_urls_pass():
    assert run_resource_policy(POLICY, find(compliant_stack("update"), "salesforce")) == []


def test_http_url_is_reported():
    assert run_resource_policy(POLICY, profile(instanceUrl="http://acme.my.salesforce.com")) == [
        f"{FIELD}.salesforce.instanceUrl 'http://acme.my.salesforce.com' uses http://; use https://."]


def test_url_without_scheme_is_reported():
    assert run_resource_policy(POLICY, profile("servicenow", instanceUrl="acme.service-now.com")) == [
        f"{FIELD}.servicenow.instanceUrl 'acme.service-now.com' has no https:// scheme; use https://."]


def test_http_url_with_query_is_masked():
    messages = run_resource_policy(POLICY, profile("zendesk", instanceUrl="http://acme.zendesk.com/?token=abc"))
    assert messages == [f"{FIELD}.zendesk.instanceUrl 'http://acme.zendesk.com/?token=***' uses http://; use https://."]


def test_sap_oauth_urls_are_checked():
    messages = run_resource_policy(POLICY, profile("sapoData", applicationHostUrl="https://sap.example.com",
                                                   oauthProperties={"tokenUrl": "http://sap.example.com/token",
                                                                    "authCodeUrl": "https://sap.example.com/auth"}))
    assert messages == [
        f"{FIELD}.sapoData.oauthProperties.tokenUrl 'http://sap.example.com/token' uses http://; use https://."]


def test_jdbc_url_is_accepted_with_default_tls():
    assert run_resource_policy(POLICY, profile("redshift", databaseUrl="jdbc:redshift://c.example.com:5439/dev")) == []


@pytest.mark.parametrize("parameter", ["ssl=false", "sslmode=disable", "SSL=0"])
def test_jdbc_url_that_turns_tls_off_is_reported(parameter):
    url = f"jdbc:redshift://c.example.com:5439/dev?{parameter}"
    messages = run_resource_policy(POLICY, profile("redshift", databaseUrl=url))
    name = parameter.split("=")[0]
    assert messages == [
        f"{FIELD}.redshift.databaseUrl 'jdbc:redshift://c.example.com:5439/dev?{name}=***' turns TLS off; "
        "remove the ssl/sslmode parameter that disables it."]


def test_unknown_url_is_not_reported():
    assert run_resource_policy(POLICY, profile(instanceUrl=UNKNOWN)) == []


def test_non_url_fields_are_not_checked():
    assert run_resource_policy(POLICY, profile("snowflake", stage="@appflow", warehouse="ETL", accountName="acme")) == []


def test_other_resource_types_are_ignored():
    assert run_resource_policy(POLICY, Spec("aws:appflow/flow:Flow", "f", {
        "connectorProfileConfig": {"x": {"instanceUrl": "http://example.com"}}})) == []
