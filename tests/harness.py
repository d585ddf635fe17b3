"""Calling policies the way pulumi-policy's analyzer does: proxied props, config, violations.

Resources are given as plain dicts; UNKNOWN marks a computed value and is sent as the SDK's
unknown sentinel, so the rules meet exactly what they meet during a preview.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from pulumi_policy import (
    PolicyCustomTimeouts,
    PolicyProviderResource,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    StackValidationArgs,
)
from pulumi_policy.policy import _NotApplicableError
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, unknown_checking_proxy

from appflow_guard.core.values import plain

UNKNOWN = UNKNOWN_STRING_VALUE
STACK_URN_PREFIX = "urn:pulumi:dev::demo::"


def urn(resource_type: str, name: str) -> str:
    return f"{STACK_URN_PREFIX}{resource_type}::{name}"


def _options() -> PolicyResourceOptions:
    return PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [], None)


@dataclass
class Spec:
    """A resource of a test stack: type, logical name, properties and property dependencies."""

    resource_type: str
    name: str
    props: dict
    deps: dict[str, list[str]] = field(default_factory=dict)

    @property
    def urn(self) -> str:
        return urn(self.resource_type, self.name)


@dataclass
class Violation:
    message: str
    urn: str | None


class NotApplicable(Exception):
    pass


def provider(props: dict, name: str = "default_7_51_1") -> PolicyProviderResource:
    return PolicyProviderResource("pulumi:providers:aws", unknown_checking_proxy(copy.deepcopy(props)),
                                  urn("pulumi:providers:aws", name), name)


def run_resource_policy(policy, spec: Spec, config: dict | None = None,
                        provider_resource: PolicyProviderResource | None = None) -> list[str]:
    """Violation messages a resource policy reports for ``spec``; raises NotApplicable."""
    violations: list[str] = []
    args = ResourceValidationArgs(spec.resource_type, unknown_checking_proxy(copy.deepcopy(spec.props)),
                                  spec.urn, spec.name, _options(), provider_resource, config)
    try:
        policy.validate(args, lambda message, urn=None: violations.append(message))
    except _NotApplicableError as error:
        raise NotApplicable(error.reason) from None
    return violations


def stack_resources(specs: list[Spec]) -> list[PolicyResource]:
    resources = {spec.urn: PolicyResource(spec.resource_type, unknown_checking_proxy(copy.deepcopy(spec.props)),
                                          spec.urn, spec.name, _options(), None, None, [], {})
                 for spec in specs}
    for spec in specs:
        resource = resources[spec.urn]
        for prop, dep_urns in spec.deps.items():
            resource.property_dependencies[prop] = [resources[dep] for dep in dep_urns]
            resource.dependencies.extend(resources[dep] for dep in dep_urns)
    return list(resources.values())


def run_stack_policy(policy, specs: list[Spec], config: dict | None = None) -> list[Violation]:
    """Violations a stack policy reports for the stack ``specs``; raises NotApplicable."""
    violations: list[Violation] = []
    args = StackValidationArgs(stack_resources(specs), config)
    try:
        policy.validate(args, lambda message, urn=None: violations.append(Violation(message, urn)))
    except _NotApplicableError as error:
        raise NotApplicable(error.reason) from None
    return violations


def run_remediation(policy, spec: Spec, config: dict | None = None) -> dict | None:
    from pulumi_policy.secret import secrets_preserving_proxy

    args = ResourceValidationArgs(spec.resource_type, secrets_preserving_proxy(copy.deepcopy(spec.props)),
                                  spec.urn, spec.name, _options(), None, config)
    result = policy.remediate(args)
    return None if result is None else plain(result)


def find(specs: list[Spec], name: str) -> Spec:
    return next(spec for spec in specs if spec.name == name)
