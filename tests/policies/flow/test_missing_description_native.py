import pytest

from appflow_guard.policies.flow.missing_description import POLICY
from harness import UNKNOWN, Spec, find, run_resource_policy
from native_stacks import native_stack


def flow(**changes):
    spec = find(native_stack("update"), "accounts-to-s3")
    spec.props.update(changes)
    return spec


def test_described_native_flow_passes():
    assert run_resource_policy(POLICY, flow()) == []


@pytest.mark.parametrize("value", [None, "", "   ", 7])
def test_missing_description_is_reported(value):
    assert run_resource_policy(POLICY, flow(description=value)) == [
        "description is not set; describe what data the flow moves and why."]


def test_unknown_description_and_other_types_are_silent():
    assert run_resource_policy(POLICY, flow(description=UNKNOWN)) == []
    assert run_resource_policy(POLICY, Spec("aws-native:appflow:ConnectorProfile", "p", {})) == []
