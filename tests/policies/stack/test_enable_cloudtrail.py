"""aws-appflow-stack-enable-cloudtrail: a stack with AppFlow records API activity."""

import pytest

from harness import UNKNOWN, NotApplicable, Spec, find, run_stack_policy
from stacks import compliant_stack

from appflow_guard.policies.stack.enable_cloudtrail import POLICY

NO_TRAIL = ("The stack deploys AppFlow resources but no enabled aws.cloudtrail.Trail records API activity; "
            "add one, or set organizationTrail if an organisation trail covers this account.")
ORG_TRAIL = "arn:aws:cloudtrail:us-east-1:111111111111:trail/organization"


def findings(specs, config=None):
    return [(v.message, v.urn) for v in run_stack_policy(POLICY, specs, config)]


def without_trail(phase="update"):
    return [spec for spec in compliant_stack(phase) if spec.name != "audit"]


def with_logging(value):
    specs = compliant_stack("update")
    find(specs, "audit").props["enableLogging"] = value
    return specs


@pytest.mark.parametrize("phase", ["preview", "update"])
def test_compliant_stack_passes(phase):
    assert findings(compliant_stack(phase)) == []


@pytest.mark.parametrize("phase", ["preview", "update"])
def test_stack_without_trail_is_reported_on_the_stack(phase):
    assert findings(without_trail(phase)) == [(NO_TRAIL, None)]


@pytest.mark.parametrize("value", [False, "false"])
def test_disabled_trail_does_not_count(value):
    assert findings(with_logging(value)) == [(NO_TRAIL, None)]


def test_trail_that_does_not_say_is_enabled_by_default():
    specs = compliant_stack("update")
    del find(specs, "audit").props["enableLogging"]
    assert findings(specs) == []


def test_one_enabled_trail_among_disabled_ones_is_enough():
    specs = with_logging(False) + [Spec("aws:cloudtrail/trail:Trail", "regional", {"enableLogging": True})]
    assert findings(specs) == []


def test_unknown_logging_flag_is_deferred():
    assert findings(with_logging(UNKNOWN)) == []


@pytest.mark.parametrize("value", [None, 0, "maybe", ["false"]])
def test_mistyped_logging_flag_is_read_as_the_default(value):
    assert findings(with_logging(value)) == []


def test_organization_trail_turns_the_rule_off():
    with pytest.raises(NotApplicable, match=f"^CloudTrail is provided by {ORG_TRAIL}$"):
        run_stack_policy(POLICY, without_trail(), {"organizationTrail": ORG_TRAIL})


@pytest.mark.parametrize("value", ["", 42, ["trail"]])
def test_organization_trail_that_is_not_a_non_empty_string_is_invalid_config(value):
    assert findings(without_trail(), {"organizationTrail": value}) == [
        ("Invalid policy config: organizationTrail must be a non-empty string.", None)]


def test_stack_without_appflow_is_not_applicable():
    """Only the AppFlow types bring a stack into scope; a trail-less stack of other resources is not checked."""
    others = [spec for spec in without_trail() if not spec.resource_type.startswith("aws:appflow/")]
    with pytest.raises(NotApplicable, match="^the stack has no AppFlow resources$"):
        run_stack_policy(POLICY, others)


def test_other_resource_types_are_not_taken_for_trails():
    specs = without_trail() + [Spec("aws:cloudwatch/logGroup:LogGroup", "audit", {"name": "audit"})]
    assert findings(specs) == [(NO_TRAIL, None)]


def test_exemption_for_the_stack_finding_is_matched_by_pattern():
    """The finding has no resource, so only a catch-all pattern exempts it."""
    config = {"exemptions": [{"resource": "*", "reason": "Logged by the landing zone."}]}
    assert findings(without_trail(), config) == []
