"""aws-appflow-provider-enable-fips-endpoint: off by default; with required, providers use FIPS endpoints."""

import pytest

from harness import UNKNOWN, NotApplicable, find, provider, run_resource_policy
from stacks import compliant_stack

from appflow_guard.policies.provider.enable_fips_endpoint import POLICY

REQUIRED = {"required": True}
NO_FIPS = "provider 'default_7_51_1' does not set useFipsEndpoint=true, which FIPS 140 workloads require."


def flow(phase="update"):
    return find(compliant_stack(phase), "accounts-to-s3")


def check(provider_props, config=REQUIRED, spec=None):
    return run_resource_policy(POLICY, spec or flow(), config, provider(provider_props))


@pytest.mark.parametrize("phase", ["preview", "update"])
@pytest.mark.parametrize("value", ["true", True])
def test_fips_provider_passes_when_required(phase, value):
    assert check({"region": "us-east-1", "useFipsEndpoint": value}, spec=flow(phase)) == []


@pytest.mark.parametrize("config", [None, {}, {"required": False}])
def test_rule_is_not_applicable_unless_required(config):
    with pytest.raises(NotApplicable, match=r"^FIPS endpoints are not required \(set required: true\)$"):
        check({"region": "us-east-1"}, config)


@pytest.mark.parametrize("props", [{"region": "us-east-1"}, {"useFipsEndpoint": "false"}, {"useFipsEndpoint": False}])
def test_provider_without_fips_is_reported_when_required(props):
    assert check(props) == [NO_FIPS]


def test_connector_profile_is_checked_too():
    assert check({}, spec=find(compliant_stack("update"), "salesforce")) == [NO_FIPS]


@pytest.mark.parametrize("value", [1, "yes", ["true"], None])
def test_mistyped_setting_is_reported(value):
    assert check({"useFipsEndpoint": value}) == [NO_FIPS]


def test_unknown_setting_is_deferred():
    assert check({"useFipsEndpoint": UNKNOWN}) == []


def test_resource_without_provider_information_passes():
    assert run_resource_policy(POLICY, flow(), REQUIRED) == []


@pytest.mark.parametrize("value", ["true", 1])
def test_required_that_is_not_a_boolean_is_invalid_config(value):
    assert check({"useFipsEndpoint": "true"}, {"required": value}) == [
        "Invalid policy config: required must be true or false."]


def test_other_resource_type_is_ignored():
    assert check({"useFipsEndpoint": "false"}, spec=find(compliant_stack("update"), "appflow-key")) == []
