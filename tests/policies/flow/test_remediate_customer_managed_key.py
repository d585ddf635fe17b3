from appflow_guard.policies.flow.remediate_customer_managed_key import POLICY
from harness import UNKNOWN, Spec, find, run_remediation
from stacks import KEY_ARN, compliant_stack

CONFIG = {"keyArn": KEY_ARN}


def flow(**changes):
    spec = find(compliant_stack("update"), "accounts-to-s3")
    for prop, value in changes.items():
        if value is None:
            spec.props.pop(prop)
        else:
            spec.props[prop] = value
    return spec


def test_flow_without_key_gets_the_configured_key_and_keeps_the_rest():
    original = flow(kmsArn=None)
    remediated = run_remediation(POLICY, original, CONFIG)
    assert remediated["kmsArn"] == KEY_ARN
    assert {key: value for key, value in remediated.items() if key != "kmsArn"} == original.props


def test_flow_with_a_key_is_left_alone():
    assert run_remediation(POLICY, flow(), CONFIG) is None


def test_unknown_key_is_left_alone():
    assert run_remediation(POLICY, flow(kmsArn=UNKNOWN), CONFIG) is None


def test_nothing_happens_without_a_configured_key():
    assert run_remediation(POLICY, flow(kmsArn=None)) is None
    assert run_remediation(POLICY, flow(kmsArn=None), {"keyArn": ""}) is None


def test_other_resource_types_are_left_alone():
    assert run_remediation(POLICY, Spec("aws:appflow/connectorProfile:ConnectorProfile", "p", {}), CONFIG) is None


def test_policy_is_disabled_until_a_team_opts_in():
    assert POLICY.enforcement_level.value == "disabled"
