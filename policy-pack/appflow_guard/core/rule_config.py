"""Policy configuration shared by every rule: the schema fragment and exemptions with expiry."""

from __future__ import annotations

import datetime
import fnmatch
import re
from dataclasses import dataclass
from typing import Any, Mapping

from pulumi_policy import PolicyConfigSchema

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

EXEMPTIONS_SCHEMA = {
    "type": "array",
    "description": (
        "Resources this policy does not apply to. Each entry names a resource by logical name or "
        "URN (glob patterns allowed), says why, and may expire (YYYY-MM-DD, last day it applies)."
    ),
    "items": {
        "type": "object",
        "properties": {
            "resource": {"type": "string", "minLength": 1},
            "reason": {"type": "string", "minLength": 1},
            "expires": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$", "format": "date"},
        },
        "required": ["resource", "reason"],
        "additionalProperties": False,
    },
}


class InvalidConfig(ValueError):
    """Policy config that the schema should have rejected (a direct Configure call)."""


def config_schema(properties: dict[str, dict] | None = None, required: list[str] | None = None) -> PolicyConfigSchema:
    """A rule's config schema: its own knobs plus the shared ``exemptions`` list."""
    return PolicyConfigSchema(properties={**(properties or {}), "exemptions": EXEMPTIONS_SCHEMA}, required=required)


def today() -> datetime.date:
    return datetime.datetime.now(datetime.timezone.utc).date()


@dataclass(frozen=True)
class Exemption:
    resource: str
    reason: str
    expires: datetime.date | None

    def matches(self, name: str, urn: str) -> bool:
        return fnmatch.fnmatchcase(name, self.resource) or fnmatch.fnmatchcase(urn, self.resource)

    def expired(self, on: datetime.date) -> bool:
        return self.expires is not None and on > self.expires


def parse_exemptions(config: Mapping[str, Any]) -> tuple[Exemption, ...]:
    raw = config.get("exemptions")
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise InvalidConfig("exemptions must be a list")
    exemptions = []
    for index, entry in enumerate(raw):
        where = f"exemptions[{index}]"
        if not isinstance(entry, Mapping):
            raise InvalidConfig(f"{where} must be an object")
        resource, reason, expires = entry.get("resource"), entry.get("reason"), entry.get("expires")
        if not isinstance(resource, str) or not resource:
            raise InvalidConfig(f"{where}.resource must be a non-empty string")
        if not isinstance(reason, str) or not reason:
            raise InvalidConfig(f"{where}.reason must be a non-empty string")
        expiry = None
        if expires is not None:
            if not isinstance(expires, str) or not _DATE.match(expires):
                raise InvalidConfig(f"{where}.expires must be a date YYYY-MM-DD")
            try:
                expiry = datetime.date.fromisoformat(expires)
            except ValueError:
                raise InvalidConfig(f"{where}.expires must be a date YYYY-MM-DD") from None
        exemptions.append(Exemption(resource, reason, expiry))
    return tuple(exemptions)


def string_list(config: Mapping[str, Any], key: str) -> tuple[str, ...]:
    value = config.get(key)
    if value is None:
        return ()
    if not isinstance(value, (list, tuple)) or not all(isinstance(item, str) for item in value):
        raise InvalidConfig(f"{key} must be a list of strings")
    return tuple(value)


def boolean(config: Mapping[str, Any], key: str, default: bool) -> bool:
    value = config.get(key, default)
    if not isinstance(value, bool):
        raise InvalidConfig(f"{key} must be true or false")
    return value


def optional_string(config: Mapping[str, Any], key: str) -> str | None:
    value = config.get(key)
    if value is not None and (not isinstance(value, str) or not value):
        raise InvalidConfig(f"{key} must be a non-empty string")
    return value
