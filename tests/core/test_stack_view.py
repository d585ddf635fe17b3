"""The stack view skips what cannot match: no key in the stack, no key users; no bucket, no bucket users."""

from dataclasses import replace

from appflow_guard.core import types
from appflow_guard.core.buckets import appflow_bucket_users
from appflow_guard.core.stack import StackView
from harness import stack_resources
from stacks import compliant_stack


def without(specs, resource_types):
    """The stack without resources of ``resource_types``: what used them now names resources elsewhere."""
    kept = [spec for spec in specs if spec.resource_type not in resource_types]
    urns = {spec.urn for spec in kept}
    return [replace(spec, deps={prop: [urn for urn in deps if urn in urns] for prop, deps in spec.deps.items()})
            for spec in kept]


def test_a_stack_with_keys_lists_the_places_that_use_them():
    view = StackView(stack_resources(compliant_stack()))
    assert view.appflow_keys() and appflow_bucket_users(view)


def test_without_a_key_in_the_stack_no_resource_is_decoded_for_key_users():
    view = StackView(stack_resources(without(compliant_stack(), types.KMS_KEY_TYPES)))
    decoded_by_the_index = set(view._props)
    assert view.appflow_keys() == {}
    assert set(view._props) == decoded_by_the_index


def test_without_a_bucket_in_the_stack_no_resource_is_decoded_for_bucket_users():
    view = StackView(stack_resources(without(compliant_stack(), types.S3_BUCKET_TYPES)))
    decoded_by_the_index = set(view._props)
    assert appflow_bucket_users(view) == {}
    assert set(view._props) == decoded_by_the_index
