"""aws-native flows carry tags as a list of {key, value}."""

import pytest

from appflow_guard.policies.flow.missing_tags import POLICY
from harness import UNKNOWN, Spec, find, run_resource_policy
from native_stacks import native_stack


def flow(**changes):
    spec = find(native_stack("update"), "accounts-to-s3")
    spec.props.update(changes)
    return spec


def test_tagged_native_flow_passes():
    assert run_resource_policy(POLICY, flow()) == []
    assert run_resource_policy(POLICY, flow(), {"requiredTags": ["team", "data-classification"]}) == []


@pytest.mark.parametrize("value", [None, [], [{"value": "orphan"}], [{"key": 3, "value": "x"}]])
def test_missing_tags_are_reported(value):
    assert run_resource_policy(POLICY, flow(tags=value)) == ["tags are not set."]


def test_required_tag_keys_are_read_from_the_list():
    config = {"requiredTags": ["team", "owner"]}
    assert run_resource_policy(POLICY, flow(), config) == ["tags lack the required keys: owner."]
    assert run_resource_policy(POLICY, flow(tags=[{"key": "team", "value": "a"}, {"key": "owner", "value": "b"}]),
                               config) == []


@pytest.mark.parametrize("value", [UNKNOWN, [{"key": "team", "value": "a"}, UNKNOWN], [{"key": UNKNOWN, "value": "a"}]])
def test_unknown_tags_or_entries_are_not_reported(value):
    assert run_resource_policy(POLICY, flow(tags=value), {"requiredTags": ["owner"]}) == []


def test_other_native_types_are_ignored():
    assert run_resource_policy(POLICY, Spec("aws-native:s3:Bucket", "b", {})) == []
