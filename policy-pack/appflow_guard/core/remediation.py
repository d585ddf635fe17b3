"""Remediations: pulumi-policy runs them only for resource policies, at enforcement level remediate.

The verdict rules for keys need the whole stack, so their safe fixes live in companion
remediation-only policies that are disabled until a team opts in.
"""

from __future__ import annotations

from typing import Any, Callable, Optional

from pulumi_policy import ResourceValidationArgs

from .rule_config import InvalidConfig, optional_string
from .values import UNKNOWN, plain

Remediation = Callable[[ResourceValidationArgs], Optional[Any]]


def set_property_when(resource_types: frozenset[str], prop: str, needs_fix: Callable[[Any], bool],
                      value: Callable[[ResourceValidationArgs], Any]) -> Remediation:
    """A remediation that sets ``prop`` when its current value ``needs_fix``; the new value may be None (skip).

    ``resource_types`` is the set of types it fixes (pulumi-aws and aws-native), or one type token."""
    if isinstance(resource_types, str):  # one type token, not a substring test
        resource_types = frozenset({resource_types})

    def remediate(args: ResourceValidationArgs):
        if args.resource_type not in resource_types:
            return None
        props = args.props
        current = plain(props.get(prop))
        if current is UNKNOWN or not needs_fix(current):
            return None
        try:
            new_value = value(args)
        except InvalidConfig:
            return None
        if new_value is None:
            return None
        props[prop] = new_value
        return props

    return remediate


def configured_key(args: ResourceValidationArgs) -> str | None:
    return optional_string(args.get_config() or {}, "keyArn")


def missing(value: Any) -> bool:
    return not (isinstance(value, str) and value.strip())


KEY_ARN_SCHEMA = {
    "keyArn": {
        "type": "string", "pattern": r"^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key/.+$",
        "description": "ARN of the customer managed key to set where kmsArn is missing.",
    },
}
