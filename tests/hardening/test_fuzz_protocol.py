"""The same fuzzing through the analyzer protocol: the pack started as the engine starts it.

Mutated resources are encoded by appflow_guard.checker.protocol (unknowns as the engine's
sentinel, secrets with its signature) and sent with Remediate, Analyze and AnalyzeStack, so the
SDK's own decoding is part of what is tested. Two pack processes run side by side with different
PYTHONHASHSEED values: every case goes to both and their answers must be identical, which shows
the answers are deterministic across processes too (set order, hashing). No call may fail.
"""

import copy
import math
import os

import pytest
from google.protobuf import json_format
from hypothesis import given, note, settings
from hypothesis import strategies as st

from appflow_guard.checker.config import reconcile
from appflow_guard.checker.pack_process import PackProcess, Resource
from appflow_guard.checker.protocol import SecretValue, Unknown
from conftest import REPO_ROOT
from fuzzing import (
    BASE_RESOURCES,
    BASE_STACKS,
    KEY_ARN,
    POLICY_NAMES,
    RESOURCE_KEYS,
    RICH_CONFIG,
    UNKNOWN_STRING_VALUE,
    clip_depth,
    counted,
    examples,
    hostile_value,
    mutate_spec,
    mutate_stack,
    picker,
    provider_properties,
)

pytestmark = pytest.mark.pack

FUZZ_PATH = "protocol"

# Nesting the protobuf runtime of the pack accepts (its parser stops at 100 levels; a Struct
# level costs three); real pulumi-aws properties are nested less than 15 deep.
MAX_DEPTH = 25

REMEDIATING = {"aws-appflow-kms-key-remediate-rotation": "remediate",
               "aws-appflow-flow-remediate-customer-managed-key": {"enforcementLevel": "remediate", "keyArn": KEY_ARN},
               "aws-appflow-connectorprofile-remediate-customer-managed-key": {"enforcementLevel": "remediate",
                                                                              "keyArn": KEY_ARN}}


def configurations(info) -> list[dict]:
    """What Configure receives: the defaults; every knob and the remediations on (as the CLI
    reconciles them); and knobs of the wrong type, which only a direct Configure can send."""
    rich = {**{name: {"enforcementLevel": "mandatory", **value} for name, value in RICH_CONFIG.items()}, **REMEDIATING}
    hostile = {name: {"enforcementLevel": "advisory", "exemptions": "all", "requiredTags": "owner",
                      "allowedKeyArns": [1, None], "extraPatterns": ["("], "required": "yes", "keyArn": 3}
               for name in POLICY_NAMES}
    return [reconcile(info, {}), reconcile(info, rich), hostile]


class Packs:
    """Two pack processes that must answer alike, and the configuration they have."""

    def __init__(self) -> None:
        self.processes = [PackProcess(REPO_ROOT, env={**os.environ, "PYTHONHASHSEED": seed}) for seed in ("1", "2")]
        for process in self.processes:
            process.start()
        self.configurations = configurations(self.processes[0].analyzer_info())
        self.current = None

    def configure(self, index: int) -> None:
        if index != self.current:
            for process in self.processes:
                process.configure(self.configurations[index])
            self.current = index

    def stop(self) -> None:
        for process in self.processes:
            process.stop()


@pytest.fixture(scope="module")
def packs():
    packs = Packs()
    yield packs
    packs.stop()


def encode(pick, value, secrets: bool = True):
    """Harness values to checker.protocol values: the unknown sentinel as Unknown(), some values secret.

    NaN and infinities become the largest finite float: pulumi-policy (1.21.0) decodes properties
    with protobuf's json_format, which refuses them, so the whole call fails before any policy
    runs. That is the SDK's limit, not the pack's; the in-process tests still send them.
    """
    if value == UNKNOWN_STRING_VALUE:
        return Unknown()
    if isinstance(value, float) and not math.isfinite(value):
        return 1.7976931348623157e308
    if isinstance(value, dict):
        value = {key: encode(pick, item, secrets) for key, item in value.items()}
    elif isinstance(value, list):
        value = [encode(pick, item, secrets) for item in value]
    if secrets and pick.integer(0, 19) == 0:
        return SecretValue(value)
    return value


def to_resource(pick, spec, provider=None) -> Resource:
    return Resource(type=spec.resource_type, name=spec.name, urn=spec.urn,
                    properties=encode(pick, clip_depth(spec.props, MAX_DEPTH)),
                    dependencies=sorted({urn for urns in spec.deps.values() for urn in urns}),
                    property_dependencies={prop: urns for prop, urns in spec.deps.items() if urns}, provider=provider)


def diagnostics(response) -> list:
    return [json_format.MessageToDict(diagnostic) for diagnostic in response.diagnostics]


def remediations(response) -> list:
    return [json_format.MessageToDict(remediation) for remediation in response.remediations]


@pytest.mark.parametrize("base", RESOURCE_KEYS[::2])
@settings(max_examples=examples(0.1))
@given(data=st.data())
def test_analyze_and_remediate_mutated_resources(packs, base, data):
    with counted():
        pick = picker(data)
        spec = mutate_spec(pick, BASE_RESOURCES[base], rename=True)
        provider_props = provider_properties(pick)
        configuration = pick.integer(0, 2)
        provider = None if provider_props is None else Resource(
            "pulumi:providers:aws", "default_7_51_1", "urn:pulumi:dev::demo::pulumi:providers:aws::default_7_51_1",
            encode(pick, clip_depth(provider_props, MAX_DEPTH)))
        resource = to_resource(pick, spec, provider)
        note(f"resource={resource!r}\nconfiguration={configuration}")
        packs.configure(configuration)
        answers = [(remediations(process.remediate(copy.deepcopy(resource))),
                    diagnostics(process.analyze(copy.deepcopy(resource))))
                   for process in packs.processes]
        assert answers[0] == answers[1]


@pytest.mark.parametrize("base", sorted(BASE_STACKS))
@settings(max_examples=examples(0.1))
@given(data=st.data())
def test_analyze_stack_on_mutated_stacks(packs, base, data):
    with counted():
        pick = picker(data)
        specs = mutate_stack(pick, base)
        configuration = pick.integer(0, 2)
        resources = [to_resource(pick, spec) for spec in specs]
        if pick.integer(0, 4) == 0:  # a resource of a type the pack does not know, made of hostile values
            resources.append(Resource("random:index/x:X", "x", "urn:pulumi:dev::demo::random:index/x:X::x",
                                      encode(pick, clip_depth({"v": hostile_value(pick)}, MAX_DEPTH))))
        note(f"resources={resources!r}\nconfiguration={configuration}")
        packs.configure(configuration)
        answers = [diagnostics(process.analyze_stack(copy.deepcopy(resources))) for process in packs.processes]
        assert answers[0] == answers[1]
