from appflow_guard.policies.connectorprofile.remediate_customer_managed_key import POLICY
from harness import Spec, find, run_remediation
from stacks import KEY_ARN, compliant_stack


def test_profile_without_key_gets_the_configured_key():
    spec = find(compliant_stack("update"), "salesforce")
    spec.props.pop("kmsArn")
    remediated = run_remediation(POLICY, spec, {"keyArn": KEY_ARN})
    assert remediated["kmsArn"] == KEY_ARN
    assert remediated["connectorProfileConfig"] == spec.props["connectorProfileConfig"]


def test_profile_with_a_key_is_left_alone():
    assert run_remediation(POLICY, find(compliant_stack("update"), "salesforce"), {"keyArn": KEY_ARN}) is None


def test_flows_are_not_touched_by_the_profile_remediation():
    assert run_remediation(POLICY, Spec("aws:appflow/flow:Flow", "f", {}), {"keyArn": KEY_ARN}) is None
