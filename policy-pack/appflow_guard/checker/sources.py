"""Turning a program's registrations, or an exported stack, into what the engine sends analyzers."""

from __future__ import annotations

import json
from typing import Any

from .errors import CheckError
from .pack_process import Resource
from .protocol import SECRET_SIGNATURE, SECRET_SIGNATURE_KEY, UNKNOWN_SENTINEL

STACK_TYPE = "pulumi:pulumi:Stack"


def _provider_value(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _provider_urn(reference: str) -> str:
    """A provider reference is "<urn>::<id>"."""
    return reference.rsplit("::", 1)[0] if reference else ""


class RegistrationSource:
    """Converts a program's registrations, one at a time, into what the engine sends analyzers.

    ``add`` returns the (Analyze resource, AnalyzeStack resource) pairs a registration brings: the
    engine's default provider for its package first when it is the first to need it, then itself.
    """

    def __init__(self, project: str, stack: str, config: dict, phase: str) -> None:
        self.project, self.stack, self.config, self.phase = project, stack, config, phase
        self._providers: dict[str, tuple[Resource, Resource]] = {}

    def _default_provider(self, package: str, version: str, added: list) -> tuple[Resource, Resource]:
        name = f"default_{version.replace('.', '_').replace('-', '_')}" if version else "default"
        urn = f"urn:pulumi:{self.stack}::{self.project}::pulumi:providers:{package}::{name}"
        if urn not in self._providers:
            properties = {key.split(":", 1)[1]: _provider_value(value) for key, value in self.config.items()
                          if key.startswith(f"{package}:")}
            if version:
                properties["version"] = version
            pair = (Resource(f"pulumi:providers:{package}", name, urn, properties),
                    Resource(f"pulumi:providers:{package}", name, urn, dict(properties)))
            self._providers[urn] = pair
            added.append(pair)
        return self._providers[urn]

    def add(self, registration: dict) -> list[tuple[Resource, Resource]]:
        added: list[tuple[Resource, Resource]] = []
        resource_type = registration["type"]
        provider_pair = None
        if registration.get("custom") and not resource_type.startswith("pulumi:providers:"):
            reference = _provider_urn(registration.get("provider", ""))
            provider_pair = self._providers.get(reference) if reference else \
                self._default_provider(resource_type.split(":", 1)[0], registration.get("version", ""), added)
        inputs = registration["inputs"]
        outputs = registration.get("outputs")
        state = outputs if self.phase == "update" and outputs is not None and len(outputs) else inputs
        common = dict(type=resource_type, name=registration["name"], urn=registration["urn"],
                      parent=registration.get("parent", ""), dependencies=registration.get("dependencies", []),
                      property_dependencies={key: urns for key, urns in registration.get("propertyDependencies", {}).items() if urns})
        resource = Resource(properties=inputs, provider=provider_pair[0] if provider_pair else None, **common)
        stack_resource = Resource(properties=state, provider=provider_pair[1] if provider_pair else None, **common)
        added.append((resource, stack_resource))
        if resource_type.startswith("pulumi:providers:"):
            self._providers[registration["urn"]] = (resource, stack_resource)
        return added


def from_registrations(registrations: list[dict], project: str, stack: str, config: dict,
                       phase: str) -> tuple[list[Resource], list[Resource]]:
    """(resources to Analyze, with inputs; resources for AnalyzeStack, with this phase's state)."""
    source = RegistrationSource(project, stack, config, phase)
    pairs = [pair for registration in registrations for pair in source.add(registration)]
    return [resource for resource, _ in pairs], [state for _, state in pairs]


# Deeper than any provider's schema; the pack's protobuf runtime refuses messages nested past 100
# levels (about 30 levels of properties), so such a state is refused here with a clear message.
MAX_PROPERTY_DEPTH = 28


def _depth(value: Any) -> int:
    """How deeply ``value`` nests objects and arrays (iterative: a state file may nest very deep)."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
        else:
            deepest = max(deepest, depth)
    return deepest


RESOURCE_SIGNATURE = "5cf8f73096256a8f31e491e813e4eb8e"


def _decode_state_value(value: Any) -> Any:
    """Secrets in an export: plaintext (--show-secrets) stays secret; ciphertext cannot be read. A resource
    reference becomes what the engine sends analyzers: the resource's ID (unknown if empty), else its URN."""
    if isinstance(value, dict):
        if value.get(SECRET_SIGNATURE_KEY) == RESOURCE_SIGNATURE:
            if "id" in value:
                return value["id"] if isinstance(value["id"], str) and value["id"] else UNKNOWN_SENTINEL
            return value.get("urn") if isinstance(value.get("urn"), str) else UNKNOWN_SENTINEL
        if value.get(SECRET_SIGNATURE_KEY) == SECRET_SIGNATURE:
            if "plaintext" in value:
                try:
                    inner = json.loads(value["plaintext"])
                except (TypeError, ValueError, RecursionError):
                    inner = value["plaintext"]
                return {SECRET_SIGNATURE_KEY: SECRET_SIGNATURE, "value": _decode_state_value(inner)}
            if "value" in value:
                return {SECRET_SIGNATURE_KEY: SECRET_SIGNATURE, "value": _decode_state_value(value["value"])}
            return UNKNOWN_SENTINEL
        return {key: _decode_state_value(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_decode_state_value(item) for item in value]
    return value


def from_state(document: Any) -> tuple[str, list[Resource], list[Resource]]:
    """(stack name, resources with inputs, resources with outputs) from `pulumi stack export` JSON."""
    if not isinstance(document, dict) or not isinstance(document.get("deployment"), dict):
        raise CheckError("the state file is not a `pulumi stack export` document (no \"deployment\" object)")
    entries = document["deployment"].get("resources")
    entries = [] if entries is None else entries
    if not isinstance(entries, list):
        raise CheckError("the state file's deployment.resources must be a list")
    analyzed: list[Resource] = []
    states: list[Resource] = []
    providers: dict[str, tuple[Resource, Resource]] = {}
    stack_name = ""
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict) or not isinstance(entry.get("urn"), str) or not isinstance(entry.get("type"), str):
            raise CheckError(f"the state file's deployment.resources[{index}] has no urn or type")
        if entry.get("delete") or entry.get("pendingReplacement"):
            continue
        urn, resource_type = entry["urn"], entry["type"]
        if resource_type == STACK_TYPE:
            stack_name = urn.split("::")[0].split(":")[-1]
        where = f"the state file's deployment.resources[{index}]"
        raw_inputs = {} if entry.get("inputs") is None else entry["inputs"]
        raw_outputs = {} if entry.get("outputs") is None else entry["outputs"]
        if not isinstance(raw_inputs, dict) or not isinstance(raw_outputs, dict):
            raise CheckError(f"{where} has inputs or outputs that are not objects")
        if _depth(raw_inputs) > MAX_PROPERTY_DEPTH or _depth(raw_outputs) > MAX_PROPERTY_DEPTH:
            raise CheckError(f"{where} nests its properties deeper than {MAX_PROPERTY_DEPTH} levels")
        inputs, outputs = _decode_state_value(raw_inputs), _decode_state_value(raw_outputs)
        if _depth(inputs) > MAX_PROPERTY_DEPTH or _depth(outputs) > MAX_PROPERTY_DEPTH:  # secrets' plaintext
            raise CheckError(f"{where} nests its properties deeper than {MAX_PROPERTY_DEPTH} levels")
        dependencies = entry.get("dependencies") or []
        if not isinstance(dependencies, list) or not all(isinstance(urn, str) for urn in dependencies):
            raise CheckError(f"{where}.dependencies must be a list of URNs")
        property_dependencies = entry.get("propertyDependencies") or {}
        if not isinstance(property_dependencies, dict) or not all(
                isinstance(urns, list) and all(isinstance(urn, str) for urn in urns)
                for urns in property_dependencies.values()):
            raise CheckError(f"{where}.propertyDependencies must map property names to lists of URNs")
        provider, parent = entry.get("provider") or "", entry.get("parent") or ""
        if not isinstance(provider, str):
            raise CheckError(f"{where}.provider must be a provider reference (URN::ID)")
        if not isinstance(parent, str):
            raise CheckError(f"{where}.parent must be a URN")
        pair = providers.get(_provider_urn(provider))
        common = dict(type=resource_type, name=urn.rsplit("::", 1)[-1], urn=urn, parent=parent,
                      dependencies=list(dependencies),
                      property_dependencies={key: list(urns) for key, urns in property_dependencies.items() if urns})
        resource = Resource(properties=inputs, provider=pair[0] if pair else None, **common)
        state = Resource(properties={**inputs, **outputs}, provider=pair[1] if pair else None, **common)
        analyzed.append(resource)
        states.append(state)
        if resource_type.startswith("pulumi:providers:"):
            providers[urn] = (resource, state)
    return stack_name, analyzed, states
