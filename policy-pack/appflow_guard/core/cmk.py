"""The customer managed key check shared by flows, connector profiles and secrets."""

from __future__ import annotations

from typing import Any

from .rule_config import string_list
from .kms import key_identifiers
from .masking import shorten
from .reporting import Findings
from .stack import Resolution, StackView
from .values import text


def check_customer_managed_key(view: StackView, holder: Any, prop: str, findings: Findings,
                               allowed: tuple[str, ...], absent_means: str) -> None:
    """Report when ``holder.prop`` is absent, AWS managed, malformed or outside ``allowed``."""
    value = view.props(holder).get(prop)
    link = view.resolve_key(holder, prop, value)
    if link.resolution is Resolution.MISSING:
        findings.add(f"{prop} is not set, so {absent_means}; set it to a customer managed KMS key.", holder)
    elif link.resolution is Resolution.AWS_MANAGED:
        findings.add(f"{prop} '{shorten(value)}' is an AWS managed key; use a customer managed KMS key.", holder)
    elif link.resolution is Resolution.INVALID:
        shown = f" '{shorten(value)}'" if isinstance(value, str) else ""
        findings.add(f"{prop}{shown} is not a KMS key ARN, key ID or alias.", holder)
    elif allowed:
        candidates = set()
        if isinstance(value, str):
            candidates |= key_identifiers(value)
        for key in link.keys:
            candidates |= {identifier for name in ("arn", "keyId", "id") if (identifier := text(view.props(key).get(name)))}
        allowed_forms = {form for entry in allowed for form in key_identifiers(entry)}
        if candidates and not candidates & allowed_forms:
            shown = f"'{shorten(value)}'" if isinstance(value, str) else f"(key '{link.keys[0].name}')"
            findings.add(f"{prop} {shown} is not one of the allowed keys (allowedKeyArns).", holder)


ALLOWED_KEYS_SCHEMA = {
    "allowedKeyArns": {
        "type": "array", "items": {"type": "string", "minLength": 1},
        "description": "When set, kmsArn must be one of these key ARNs, key IDs or aliases.",
    },
}


def kms_arn_check(resource_types: frozenset[str], absent_means: str):
    """A stack check that every resource of ``resource_types`` has a customer managed key as kmsArn."""
    if isinstance(resource_types, str):  # one type token, not its characters
        resource_types = frozenset({resource_types})
    def check(args, findings: Findings) -> None:
        allowed = string_list(args.get_config(), "allowedKeyArns")
        view = StackView(args.resources)
        for resource in view.of_type(*resource_types):
            check_customer_managed_key(view, resource, "kmsArn", findings, allowed, absent_means)

    return check
