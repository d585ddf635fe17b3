import pytest

from appflow_guard.policies.flow.missing_description import POLICY
from harness import UNKNOWN, Spec, find, run_resource_policy
from stacks import compliant_stack


def flow(**changes):
    spec = find(compliant_stack("update"), "accounts-to-s3")
    spec.props.update(changes)
    return spec


def test_described_flow_passes():
    assert run_resource_policy(POLICY, flow()) == []


@pytest.mark.parametrize("value", [None, "", "   ", 7, ["a"]])
def test_missing_or_blank_description_is_reported(value):
    assert run_resource_policy(POLICY, flow(description=value)) == [
        "description is not set; describe what data the flow moves and why."]


def test_unknown_description_is_not_reported():
    assert run_resource_policy(POLICY, flow(description=UNKNOWN)) == []


def test_other_resource_types_are_ignored():
    assert run_resource_policy(POLICY, Spec("aws:appflow/connectorProfile:ConnectorProfile", "p", {})) == []
