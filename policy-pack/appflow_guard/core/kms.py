"""Classifying KMS key references: AWS managed, customer alias, key ARN or ID."""

from __future__ import annotations

import re
from enum import Enum

_KMS_ARN = re.compile(r"^arn:aws[a-z-]*:kms:[a-z0-9-]*:\d{12}:(?P<resource>(?:key|alias)/.+)$")
_KEY_ID = re.compile(r"^(?:mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$")


class KeyReference(Enum):
    AWS_MANAGED = "an AWS managed key"
    CUSTOMER_ALIAS = "a customer alias"
    KEY = "a key ARN or ID"
    INVALID = "not a KMS key reference"


def classify_key_reference(value: str) -> KeyReference:
    """What a literal key reference names; an alias under alias/aws/ is AWS managed."""
    value = value.strip()
    match = _KMS_ARN.match(value)
    resource = match.group("resource") if match else value
    if resource.startswith("alias/aws/"):
        return KeyReference.AWS_MANAGED
    if resource.startswith("alias/") and len(resource) > len("alias/"):
        return KeyReference.CUSTOMER_ALIAS
    if resource.startswith("key/"):
        resource = resource[len("key/"):]
        return KeyReference.KEY if _KEY_ID.match(resource) else KeyReference.INVALID
    return KeyReference.KEY if _KEY_ID.match(resource) else KeyReference.INVALID


def key_identifiers(value: str) -> set[str]:
    """Forms under which one literal reference can be matched: full value and key ID or alias."""
    value = value.strip()
    forms = {value}
    match = _KMS_ARN.match(value)
    if match:
        resource = match.group("resource")
        forms.add(resource)
        if resource.startswith("key/"):
            forms.add(resource[len("key/"):])
    return forms
