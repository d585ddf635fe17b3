"""aws-native providers (pulumi:providers:aws-native): insecure and the Cloud Control endpoints."""

import copy
import json

from pulumi_policy import PolicyProviderResource
from pulumi_policy.proxy import unknown_checking_proxy

from appflow_guard.policies.provider.enforce_tls import POLICY
from harness import UNKNOWN, Spec, find, run_resource_policy, urn
from native_stacks import native_stack


def native_provider(props, name="default_1_84_0"):
    return PolicyProviderResource("pulumi:providers:aws-native", unknown_checking_proxy(copy.deepcopy(props)),
                                  urn("pulumi:providers:aws-native", name), name)


def flow():
    return find(native_stack("update"), "accounts-to-s3")


def test_default_native_provider_passes():
    assert run_resource_policy(POLICY, flow(), provider_resource=native_provider({"region": "us-east-1"})) == []
    assert run_resource_policy(POLICY, flow(), provider_resource=native_provider({"endpoints": json.dumps(
        [{"cloudcontrol": "https://cloudcontrolapi.us-east-1.amazonaws.com"}])})) == []


def test_insecure_native_provider_is_reported():
    assert run_resource_policy(POLICY, flow(), provider_resource=native_provider({"insecure": "true"}, "insecure")) == [
        "provider 'insecure' sets insecure=true, which skips TLS certificate verification."]


def test_plain_http_cloud_control_endpoint_is_reported_masked():
    provider = native_provider({"endpoints": json.dumps([{"cloudcontrol": "http://ops:hunter2@cc.internal/?token=x"}])},
                               "internal")
    assert run_resource_policy(POLICY, find(native_stack("update"), "salesforce"), provider_resource=provider) == [
        "provider 'internal' sends cloudcontrol calls to 'http://cc.internal/?token=***', which is not https."]


def test_unknown_endpoints_and_non_appflow_resources_are_silent():
    assert run_resource_policy(POLICY, flow(), provider_resource=native_provider({"endpoints": UNKNOWN})) == []
    assert run_resource_policy(POLICY, Spec("aws-native:s3:Bucket", "b", {}),
                               provider_resource=native_provider({"insecure": "true"})) == []
