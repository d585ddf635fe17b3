"""aws-appflow-provider-enforce-tls: the provider that deploys AppFlow verifies TLS and uses https."""

import json

import pytest

from harness import UNKNOWN, find, provider, run_resource_policy
from stacks import compliant_stack

from appflow_guard.policies.provider.enforce_tls import POLICY

INSECURE = "provider 'default_7_51_1' sets insecure=true, which skips TLS certificate verification."


def flow(phase="update"):
    return find(compliant_stack(phase), "accounts-to-s3")


def check(provider_props, spec=None):
    return run_resource_policy(POLICY, spec or flow(), provider_resource=provider(provider_props))


def endpoints(**urls):
    """Provider properties arrive JSON-encoded, as the engine sends them."""
    return json.dumps([urls])


@pytest.mark.parametrize("phase", ["preview", "update"])
def test_default_provider_passes(phase):
    assert check({"region": "us-east-1", "insecure": "false"}, flow(phase)) == []


def test_resource_without_provider_information_passes():
    assert run_resource_policy(POLICY, flow()) == []


@pytest.mark.parametrize("value", ["true", True])
def test_insecure_provider_is_reported(value):
    assert check({"region": "us-east-1", "insecure": value}) == [INSECURE]


def test_connector_profile_is_checked_too():
    assert check({"insecure": "true"}, find(compliant_stack("update"), "salesforce")) == [INSECURE]


def test_https_endpoints_pass():
    urls = endpoints(appflow="https://appflow.us-east-1.amazonaws.com", kms="HTTPS://kms.local")
    assert check({"endpoints": urls}) == []


def test_plain_http_endpoint_is_reported():
    assert check({"endpoints": endpoints(appflow="http://localhost:4566")}) == [
        "provider 'default_7_51_1' sends appflow calls to 'http://localhost:4566', which is not https."]


def test_endpoint_is_shown_masked():
    url = "http://admin:hunter2@appflow.internal:8080/v1?token=s3cr3t-value&region=us-east-1"
    messages = check({"endpoints": endpoints(appflow=url)})
    assert messages == ["provider 'default_7_51_1' sends appflow calls to "
                        "'http://appflow.internal:8080/v1?token=***&region=***', which is not https."]
    assert not any(secret in message for message in messages for secret in ("hunter2", "s3cr3t-value", "admin"))


def test_every_plain_endpoint_is_reported_after_the_insecure_flag():
    props = {"insecure": "true", "endpoints": json.dumps([{"appflow": "http://a.local"}, {"s3": "ftp://b.local"}])}
    assert check(props) == [
        INSECURE,
        "provider 'default_7_51_1' sends appflow calls to 'http://a.local', which is not https.",
        "provider 'default_7_51_1' sends s3 calls to 'ftp://b.local', which is not https.",
    ]


def test_endpoints_given_as_one_object_are_read():
    assert check({"endpoints": json.dumps({"appflow": "http://localhost:4566"})}) == [
        "provider 'default_7_51_1' sends appflow calls to 'http://localhost:4566', which is not https."]


@pytest.mark.parametrize("url, shown", [(42, "not a URL"), (["https://x"], "not a URL"),
                                        ("http://[::1", "<unparseable URL>")])
def test_endpoint_that_is_not_a_url_is_reported(url, shown):
    assert check({"endpoints": endpoints(appflow=url)}) == [
        f"provider 'default_7_51_1' sends appflow calls to '{shown}', which is not https."]


@pytest.mark.parametrize("url", ["", None])
def test_empty_endpoints_mean_the_default_endpoint(url):
    assert check({"endpoints": endpoints(appflow=url)}) == []


@pytest.mark.parametrize("props", [
    {"insecure": UNKNOWN, "endpoints": UNKNOWN},
    {"endpoints": [{"appflow": UNKNOWN}]},
])
def test_unknown_provider_settings_are_deferred(props):
    assert check(props) == []


@pytest.mark.parametrize("props", [
    {"insecure": "yes", "endpoints": "[{not json"},
    {"insecure": 1, "endpoints": 42},
    {"insecure": None, "endpoints": None},
    {"endpoints": json.dumps(["http://x", None, 7])},
])
def test_mistyped_provider_settings_return_normally_without_findings(props):
    assert check(props) == []


def test_other_resource_type_is_ignored():
    key = find(compliant_stack("update"), "appflow-key")
    assert check({"insecure": "true", "endpoints": endpoints(kms="http://localhost:4566")}, key) == []
