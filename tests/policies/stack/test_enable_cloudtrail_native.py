import pytest

from appflow_guard.policies.stack.enable_cloudtrail import POLICY
from harness import UNKNOWN, NotApplicable, Spec, find, run_stack_policy
from native_stacks import mixed_stack, native_stack

NO_NATIVE_TRAIL = ("The stack deploys AppFlow resources but no enabled aws_native.cloudtrail.Trail (is_logging=True) "
                   "records API activity; add one, or set organizationTrail if an organisation trail covers this account.")


def without_trail(phase="preview"):
    return [spec for spec in native_stack(phase) if spec.resource_type != "aws-native:cloudtrail:Trail"]


@pytest.mark.parametrize("phase", ["preview", "update"])
def test_native_stack_with_a_logging_native_trail_passes(phase):
    assert run_stack_policy(POLICY, native_stack(phase)) == []


def test_native_stack_without_trail_is_reported_naming_the_native_resource():
    assert [v.message for v in run_stack_policy(POLICY, without_trail())] == [NO_NATIVE_TRAIL]


def test_native_trail_that_is_not_logging_does_not_count():
    specs = native_stack()
    find(specs, "audit").props["isLogging"] = False
    assert [v.message for v in run_stack_policy(POLICY, specs)] == [NO_NATIVE_TRAIL]
    find(specs, "audit").props["isLogging"] = UNKNOWN
    assert run_stack_policy(POLICY, specs) == []


def test_trails_count_across_providers():
    specs = without_trail() + [Spec("aws:cloudtrail/trail:Trail", "classic", {"enableLogging": True})]
    assert run_stack_policy(POLICY, specs) == []
    mixed = [spec for spec in mixed_stack() if spec.resource_type != "aws:cloudtrail/trail:Trail"]
    assert len(run_stack_policy(POLICY, mixed + [Spec("aws-native:cloudtrail:Trail", "t", {"isLogging": False})])) == 1
    assert run_stack_policy(POLICY, mixed + [Spec("aws-native:cloudtrail:Trail", "t", {"isLogging": True})]) == []


def test_native_stack_without_appflow_is_not_applicable():
    with pytest.raises(NotApplicable):
        run_stack_policy(POLICY, [Spec("aws-native:s3:Bucket", "b", {})])


@pytest.mark.parametrize("phase", ["preview", "update"])
def test_a_stack_that_only_registers_a_custom_connector_deploys_an_appflow_resource(phase):
    connector = Spec("aws-native:appflow:Connector", "crm", {"connectorLabel": "crm", "connectorProvisioningType": "LAMBDA"})
    assert [v.message for v in run_stack_policy(POLICY, [connector])] == [NO_NATIVE_TRAIL]
    assert run_stack_policy(POLICY, [connector, Spec("aws-native:cloudtrail:Trail", "t", {"isLogging": True})]) == []
