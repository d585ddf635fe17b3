"""aws-native providers have no useFipsEndpoint: FIPS means the Cloud Control API FIPS endpoint."""

import copy
import json

import pytest
from pulumi_policy import PolicyProviderResource
from pulumi_policy.proxy import unknown_checking_proxy

from appflow_guard.policies.provider.enable_fips_endpoint import POLICY
from harness import UNKNOWN, NotApplicable, Spec, find, run_resource_policy, urn
from native_stacks import native_stack

REQUIRED = {"required": True}
FIPS = "https://cloudcontrolapi-fips.us-east-1.amazonaws.com"
MESSAGE = ("provider 'default_1_84_0' (aws-native) does not send Cloud Control API calls to a FIPS endpoint "
           "(endpoints cloudcontrol https://cloudcontrolapi-fips.<region>.amazonaws.com), which FIPS 140 workloads "
           "require.")


def native_provider(props, name="default_1_84_0"):
    return PolicyProviderResource("pulumi:providers:aws-native", unknown_checking_proxy(copy.deepcopy(props)),
                                  urn("pulumi:providers:aws-native", name), name)


def flow():
    return find(native_stack("update"), "accounts-to-s3")


def test_native_provider_with_the_fips_cloud_control_endpoint_passes():
    provider = native_provider({"endpoints": json.dumps([{"cloudcontrol": FIPS}])})
    assert run_resource_policy(POLICY, flow(), REQUIRED, provider) == []


@pytest.mark.parametrize("props", [
    {"region": "us-east-1"},
    {"useFipsEndpoint": "true"},  # a pulumi-aws setting: aws-native has none
    {"endpoints": json.dumps([{"cloudcontrol": "https://cloudcontrolapi.us-east-1.amazonaws.com"}])},
    {"endpoints": json.dumps([{"sts": "https://sts-fips.us-east-1.amazonaws.com"}])},
    {"endpoints": json.dumps([{"cloudcontrol": "http://cloudcontrolapi-fips.us-east-1.amazonaws.com"}])},
])
def test_native_provider_without_the_fips_endpoint_is_reported(props):
    assert run_resource_policy(POLICY, flow(), REQUIRED, native_provider(props)) == [MESSAGE]


def test_unknown_endpoints_are_silent_and_the_rule_is_off_until_required():
    assert run_resource_policy(POLICY, flow(), REQUIRED, native_provider({"endpoints": UNKNOWN})) == []
    with pytest.raises(NotApplicable):
        run_resource_policy(POLICY, flow(), {}, native_provider({}))
    assert run_resource_policy(POLICY, Spec("aws-native:kms:Key", "k", {}), REQUIRED, native_provider({})) == []
