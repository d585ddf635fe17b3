"""IAM-style policy documents (key, bucket and IAM policies) reduced to plain statements."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from typing import Any

from .values import UNKNOWN, decode_json


@dataclass(frozen=True)
class Statement:
    effect: str
    actions: tuple[str, ...]
    principals: tuple[str, ...]
    conditions: dict = field(default_factory=dict)
    sid: str = ""

    @property
    def allows(self) -> bool:
        return self.effect == "Allow"

    def grants(self, action: str) -> bool:
        """Whether the statement's actions (wildcards included) cover ``action``."""
        action = action.lower()
        return any(fnmatch.fnmatchcase(action, pattern.lower()) for pattern in self.actions)

    def condition_keys(self) -> set[str]:
        return {key.lower() for block in self.conditions.values() if isinstance(block, dict) for key in block}

    def condition_values(self, operator_suffix: str, key: str) -> list[str]:
        """Values of ``key`` under every operator ending in ``operator_suffix`` (case-insensitive)."""
        found: list[str] = []
        for operator, block in self.conditions.items():
            if not isinstance(block, dict) or not str(operator).lower().endswith(operator_suffix.lower()):
                continue
            for condition_key, values in block.items():
                if str(condition_key).lower() != key.lower():
                    continue
                for value in values if isinstance(values, list) else [values]:
                    if isinstance(value, bool):
                        found.append(str(value).lower())
                    elif isinstance(value, (str, int, float)):
                        found.append(str(value))
        return found


class Document:
    """A parsed policy document, or the reason it could not be read."""

    def __init__(self, statements: tuple[Statement, ...] = (), unknown: bool = False, invalid: bool = False):
        self.statements = statements
        self.unknown = unknown
        self.invalid = invalid


def _strings(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        return tuple(item for item in value if isinstance(item, str))
    return ()


def _principals(value: Any) -> tuple[str, ...]:
    """Principals as 'TYPE:value' ('*' for the anonymous wildcard)."""
    if value == "*":
        return ("*",)
    if isinstance(value, dict):
        found = []
        for kind, members in value.items():
            for member in _strings(members):
                found.append("*" if member == "*" and kind == "AWS" else f"{kind}:{member}")
        return tuple(found)
    return ()


def parse_document(raw: Any) -> Document:
    """Parse a document given as JSON text or as an object; never raises."""
    value = decode_json(raw)
    if value is UNKNOWN:
        return Document(unknown=True)
    if not isinstance(value, dict):
        return Document(invalid=True)
    raw_statements = value.get("Statement")
    if raw_statements is UNKNOWN:
        return Document(unknown=True)
    if isinstance(raw_statements, dict):
        raw_statements = [raw_statements]
    if not isinstance(raw_statements, list):
        return Document(invalid=True)
    statements = []
    unknown = False
    for item in raw_statements:
        if item is UNKNOWN:
            unknown = True
            continue
        if not isinstance(item, dict):
            continue
        conditions = item.get("Condition")
        statements.append(Statement(
            effect=item.get("Effect") if isinstance(item.get("Effect"), str) else "",
            actions=_strings(item.get("Action")),
            principals=_principals(item.get("Principal")),
            conditions=conditions if isinstance(conditions, dict) else {},
            sid=item.get("Sid") if isinstance(item.get("Sid"), str) else "",
        ))
    return Document(tuple(statements), unknown=unknown)


APPFLOW_SERVICE = "appflow.amazonaws.com"
_SOURCE_CONDITION_KEYS = {"aws:sourceaccount", "aws:sourcearn"}


def grants_appflow_service(statement: Statement) -> bool:
    return statement.allows and f"Service:{APPFLOW_SERVICE}" in statement.principals


def has_source_condition(statement: Statement) -> bool:
    """Whether the statement is tied to a source account or ARN (the confused-deputy guard)."""
    return bool(statement.condition_keys() & _SOURCE_CONDITION_KEYS)
