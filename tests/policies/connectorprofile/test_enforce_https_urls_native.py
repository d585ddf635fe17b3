from appflow_guard.policies.connectorprofile.enforce_https_urls import POLICY
from harness import UNKNOWN, Spec, run_resource_policy
from native_stacks import native_salesforce_profile as profile

FIELD = "connectorProfileConfig.connectorProfileProperties.salesforce.instanceUrl"


def test_https_native_urls_pass():
    assert run_resource_policy(POLICY, profile()) == []


def test_plain_http_is_reported():
    assert run_resource_policy(POLICY, profile("http://acme.my.salesforce.com")) == [
        f"{FIELD} 'http://acme.my.salesforce.com' uses http://; use https://."]


def test_native_redshift_jdbc_url_that_turns_tls_off_is_reported():
    violations = run_resource_policy(POLICY, profile(redshift={
        "databaseUrl": "jdbc:redshift://warehouse.abc.us-east-1.redshift.amazonaws.com:5439/dev;ssl=false",
        "bucketName": "staging", "roleArn": "arn:aws:iam::123456789012:role/r"}))
    assert violations == ["connectorProfileConfig.connectorProfileProperties.redshift.databaseUrl "
                          "'jdbc:redshift://warehouse.abc.us-east-1.redshift.amazonaws.com:5439/dev;ssl=***' turns TLS "
                          "off; remove the ssl/sslmode parameter that disables it."]


def test_unknown_urls_and_other_types_are_silent():
    assert run_resource_policy(POLICY, profile(UNKNOWN)) == []
    assert run_resource_policy(POLICY, Spec("aws-native:s3:Bucket", "b", {"websiteUrl": "http://x"})) == []
