"""Every policy, on generated and mutated resources and stacks, in-process through the SDK's proxies.

A policy must return normally (a finding, none, or not applicable) and give the same answer when
given the same input twice. `make test` runs the fast profile; `make fuzz` the long one.
"""

import copy

import pytest
from hypothesis import given, note, settings
from hypothesis import strategies as st

from fuzzing import (
    BASE_RESOURCES,
    BASE_STACKS,
    RESOURCE_KEYS,
    counted,
    examples,
    hostile_key,
    hostile_value,
    mutate_spec,
    mutate_stack,
    picker,
    policy_config,
    provider_properties,
    resource_outcomes,
    stack_outcomes,
)
from harness import Spec

FUZZ_PATH = "in-process"


def shown(value) -> str:
    text = repr(value)
    return text if len(text) < 4000 else text[:4000] + "..."


@pytest.mark.parametrize("base", RESOURCE_KEYS)
@settings(max_examples=examples(2.5))
@given(data=st.data())
def test_resource_policies_on_mutated_resources(base, data):
    with counted():
        pick = picker(data)
        spec = mutate_spec(pick, BASE_RESOURCES[base], rename=True)
        provider = provider_properties(pick)
        config = policy_config(pick)
        note(f"spec={shown(spec)}\nprovider={shown(provider)}\nconfig={shown(config)}")
        first = resource_outcomes(spec, provider, config)
        again = resource_outcomes(copy.deepcopy(spec), copy.deepcopy(provider), config)
        assert first == again


@pytest.mark.parametrize("base", sorted(BASE_STACKS))
@settings(max_examples=examples(1))
@given(data=st.data())
def test_stack_policies_on_mutated_stacks(base, data):
    with counted():
        pick = picker(data)
        specs = mutate_stack(pick, base)
        config = policy_config(pick)
        note(f"specs={shown(specs)}\nconfig={shown(config)}")
        first = stack_outcomes(specs, config)
        again = stack_outcomes(copy.deepcopy(specs), config)
        assert first == again


RESOURCE_TYPES = sorted({spec.resource_type for spec in BASE_RESOURCES.values()})


@settings(max_examples=examples(4))
@given(data=st.data(), resource_type=st.sampled_from(RESOURCE_TYPES))
def test_every_policy_on_resources_made_only_of_hostile_values(data, resource_type):
    with counted():
        pick = picker(data)
        spec = Spec(resource_type, "hostile", {hostile_key(pick): hostile_value(pick)
                                               for _ in range(pick.integer(0, 6))})
        provider = provider_properties(pick)
        config = policy_config(pick)
        note(f"spec={shown(spec)}\nprovider={shown(provider)}\nconfig={shown(config)}")
        assert resource_outcomes(spec, provider, config) == resource_outcomes(copy.deepcopy(spec), provider, config)
        assert stack_outcomes([spec], config) == stack_outcomes([copy.deepcopy(spec)], config)
