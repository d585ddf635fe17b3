import pytest

from appflow_guard.policies.flow.missing_tags import POLICY
from harness import UNKNOWN, Spec, find, run_resource_policy
from stacks import compliant_stack


def flow(**changes):
    spec = find(compliant_stack("update"), "accounts-to-s3")
    spec.props.update(changes)
    return spec


def test_tagged_flow_passes():
    assert run_resource_policy(POLICY, flow()) == []


@pytest.mark.parametrize("value", [None, {}, "team=data", ["team"]])
def test_missing_tags_are_reported(value):
    assert run_resource_policy(POLICY, flow(tags=value)) == ["tags are not set."]


def test_required_tag_keys_are_enforced():
    config = {"requiredTags": ["team", "owner", "cost-center"]}
    assert run_resource_policy(POLICY, flow(), config) == ["tags lack the required keys: owner, cost-center."]
    assert run_resource_policy(POLICY, flow(tags={"team": "a", "owner": "b", "cost-center": "c"}), config) == []


def test_missing_tags_name_the_required_keys():
    assert run_resource_policy(POLICY, flow(tags=None), {"requiredTags": ["owner"]}) == [
        "tags are not set; required tag keys: owner."]


def test_unknown_tags_are_not_reported():
    assert run_resource_policy(POLICY, flow(tags=UNKNOWN), {"requiredTags": ["owner"]}) == []


def test_other_resource_types_are_ignored():
    assert run_resource_policy(POLICY, Spec("aws:s3/bucket:Bucket", "b", {})) == []


def test_invalid_config_names_the_key():
    assert run_resource_policy(POLICY, flow(), {"requiredTags": [1]}) == [
        "Invalid policy config: requiredTags must be a list of strings."]
