"""Encoding resources the way the Pulumi engine sends them to an analyzer."""

from __future__ import annotations

from typing import Any

from google.protobuf import struct_pb2

from .analyzer_proto import analyzer_pb2

UNKNOWN_SENTINEL = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
SECRET_SIGNATURE_KEY = "4dabf18193072939515e22adb298388d"
SECRET_SIGNATURE = "1b47061264138c4ac30d75fd1eb44270"

ENFORCEMENT_LEVELS = {
    "advisory": analyzer_pb2.ADVISORY,
    "mandatory": analyzer_pb2.MANDATORY,
    "remediate": analyzer_pb2.REMEDIATE,
    "disabled": analyzer_pb2.DISABLED,
}
ENFORCEMENT_LEVEL_NAMES = {value: name for name, value in ENFORCEMENT_LEVELS.items()}
SEVERITY_NAMES = {
    analyzer_pb2.POLICY_SEVERITY_UNSPECIFIED: "",
    analyzer_pb2.POLICY_SEVERITY_LOW: "low",
    analyzer_pb2.POLICY_SEVERITY_MEDIUM: "medium",
    analyzer_pb2.POLICY_SEVERITY_HIGH: "high",
    analyzer_pb2.POLICY_SEVERITY_CRITICAL: "critical",
}


class Unknown:
    """A value computed by the engine that is not known yet (preview)."""

    def __repr__(self) -> str:
        return "Unknown"


class SecretValue:
    """A value marked secret; encoded with the engine's secret signature."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def __repr__(self) -> str:
        return "SecretValue(***)"


def encode_value(value: Any) -> Any:
    """A JSON-compatible value with unknowns as sentinels and secrets as signature objects."""
    if isinstance(value, Unknown):
        return UNKNOWN_SENTINEL
    if isinstance(value, SecretValue):
        return {SECRET_SIGNATURE_KEY: SECRET_SIGNATURE, "value": encode_value(value.value)}
    if isinstance(value, dict):
        return {str(key): encode_value(item) for key, item in value.items() if item is not None}
    if isinstance(value, (list, tuple)):
        return [encode_value(item) for item in value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    return str(value)


def struct(properties: "dict | struct_pb2.Struct") -> struct_pb2.Struct:
    """``properties`` as a protobuf Struct; one already in that form (from a program's SDK) is used as is."""
    if isinstance(properties, struct_pb2.Struct):
        return properties
    message = struct_pb2.Struct()
    message.update(encode_value(properties))
    return message
