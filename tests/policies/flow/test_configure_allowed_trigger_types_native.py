import pytest

from appflow_guard.policies.flow.configure_allowed_trigger_types import POLICY
from harness import UNKNOWN, NotApplicable, Spec, find, run_resource_policy
from native_stacks import native_stack


def flow(**changes):
    spec = find(native_stack("update"), "accounts-to-s3")
    spec.props.update(changes)
    return spec


def test_allowed_trigger_on_a_native_flow_passes():
    assert run_resource_policy(POLICY, flow(), {"allowedTriggerTypes": ["Scheduled"]}) == []


def test_other_trigger_is_reported():
    assert run_resource_policy(POLICY, flow(triggerConfig={"triggerType": "OnDemand"}),
                               {"allowedTriggerTypes": ["Scheduled", "Event"]}) == [
        "triggerConfig.triggerType is OnDemand; allowed: Scheduled, Event."]


def test_unknown_trigger_is_silent_and_the_rule_is_off_until_configured():
    assert run_resource_policy(POLICY, flow(triggerConfig=UNKNOWN), {"allowedTriggerTypes": ["Event"]}) == []
    with pytest.raises(NotApplicable):
        run_resource_policy(POLICY, flow())
    assert run_resource_policy(POLICY, Spec("aws-native:kms:Key", "k", {}), {"allowedTriggerTypes": ["Event"]}) == []
