import pytest

from appflow_guard.policies.flow.configure_allowed_trigger_types import POLICY
from harness import UNKNOWN, NotApplicable, Spec, find, run_resource_policy
from stacks import compliant_stack

ALLOWED = {"allowedTriggerTypes": ["Scheduled", "Event"]}


def flow(trigger_config):
    spec = find(compliant_stack("update"), "accounts-to-s3")
    spec.props["triggerConfig"] = trigger_config
    return spec


def test_rule_is_off_until_configured():
    with pytest.raises(NotApplicable, match="allowedTriggerTypes is not configured"):
        run_resource_policy(POLICY, flow({"triggerType": "OnDemand"}))


def test_allowed_trigger_type_passes():
    assert run_resource_policy(POLICY, flow({"triggerType": "Scheduled"}), ALLOWED) == []


def test_other_trigger_type_is_reported():
    assert run_resource_policy(POLICY, flow({"triggerType": "OnDemand"}), ALLOWED) == [
        "triggerConfig.triggerType is OnDemand; allowed: Scheduled, Event."]


@pytest.mark.parametrize("trigger_config", [None, {}, "Scheduled", {"triggerType": 3}])
def test_missing_or_malformed_trigger_is_reported(trigger_config):
    assert run_resource_policy(POLICY, flow(trigger_config), ALLOWED) == [
        "triggerConfig.triggerType is not set; allowed: Scheduled, Event."]


def test_unknown_trigger_is_not_reported():
    assert run_resource_policy(POLICY, flow({"triggerType": UNKNOWN}), ALLOWED) == []


def test_other_resource_types_are_ignored():
    assert run_resource_policy(POLICY, Spec("aws:kms/key:Key", "k", {}), ALLOWED) == []
