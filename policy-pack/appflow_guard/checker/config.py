"""Policy pack config as the Pulumi engine reads, reconciles and validates it.

Mirrors the CLI: the file maps policy names (or "all") to an enforcement level or an object with
``enforcementLevel`` and properties; defaults come from the pack; every policy's properties are
validated against its config schema ({type: object, properties, required}). Reading a config file
imports nothing heavy: `appflow-guard check` reads it before it starts the program.
"""

from __future__ import annotations

import json
import os
from typing import Any

from .errors import CheckError

LEVELS = ("advisory", "mandatory", "remediate", "disabled")


class ConfigError(CheckError):
    """Invalid policy config; the message names the policy and key."""


MAX_CONFIG_BYTES = 1024 * 1024  # a config that names every policy with long lists is a few KB


def load_config_file(path: str) -> dict:
    try:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > MAX_CONFIG_BYTES:
                raise ConfigError(f"config file {path} is {size / 1e6:.1f} MB; policy config files are limited to "
                                  f"{MAX_CONFIG_BYTES // 1024} KB")
            data = handle.read()
    except OSError as error:
        raise ConfigError(f"cannot read config file {path}: {error.strerror}") from None
    try:
        config = json.loads(data.decode("utf-8"))
    except (ValueError, RecursionError) as error:
        raise ConfigError(f"config file {path} is not valid JSON: {error}") from None
    if not isinstance(config, dict):
        raise ConfigError(f"config file {path} must hold a JSON object of policy names, not {type(config).__name__}")
    return config


def parse(config: dict) -> dict[str, tuple[str | None, dict]]:
    """Policy name -> (enforcement level or None, properties), rejecting malformed entries."""
    parsed = {}
    for name, value in config.items():
        if isinstance(value, str):
            if value not in LEVELS:
                raise ConfigError(f"parsing enforcement level for \"{name}\": \"{value}\" is not a valid enforcement level")
            parsed[name] = (value, {})
        elif isinstance(value, dict):
            properties = dict(value)
            level = properties.pop("enforcementLevel", None)
            if level is not None and level not in LEVELS:
                raise ConfigError(f"parsing enforcement level for \"{name}\": {json.dumps(level)} is not a valid enforcement level")
            if level is not None or properties:
                parsed[name] = (level, properties)
        else:
            raise ConfigError(f"parsing \"{name}\": {json.dumps(value)} is not a valid value; must be a string or object")
    return parsed


def policy_schemas(analyzer_info) -> dict[str, dict]:
    """Policy name -> (default level, JSON schema of its properties), from GetAnalyzerInfo."""
    from google.protobuf import json_format

    from .protocol import ENFORCEMENT_LEVEL_NAMES

    schemas = {}
    for policy in analyzer_info.policies:
        schema = json_format.MessageToDict(policy.configSchema) if policy.HasField("configSchema") else {}
        json_schema: dict[str, Any] = {"type": "object"}
        if schema.get("properties"):
            json_schema["properties"] = schema["properties"]
        if schema.get("required"):
            json_schema["required"] = schema["required"]
        schemas[policy.name] = {"level": ENFORCEMENT_LEVEL_NAMES[policy.enforcementLevel], "schema": json_schema}
    return schemas


def reconcile(analyzer_info, config: dict) -> dict[str, dict]:
    """The config the engine sends to Configure: every policy with its level and properties."""
    import jsonschema

    parsed = parse(config)
    schemas = policy_schemas(analyzer_info)
    result = {name: {"enforcementLevel": entry["level"], **_defaults(entry["schema"])} for name, entry in schemas.items()}
    everything = parsed.pop("all", (None, {}))[0]
    if everything:
        for entry in result.values():
            entry["enforcementLevel"] = everything
    for name, (level, properties) in parsed.items():
        entry = result.setdefault(name, {})
        if level:
            entry["enforcementLevel"] = level
        entry.update(properties)
    errors = []
    for name, entry in schemas.items():
        properties = {key: value for key, value in result[name].items() if key != "enforcementLevel"}
        validator = jsonschema.Draft7Validator(entry["schema"], format_checker=jsonschema.FormatChecker())
        for error in sorted(validator.iter_errors(properties), key=lambda error: list(error.absolute_path)):
            path = ".".join(str(step) for step in error.absolute_path)
            errors.append(f"{name}: {path + ': ' if path else ''}{error.message}")
    if errors:
        raise ConfigError("invalid policy config: " + "; ".join(errors))
    return result


def _defaults(schema: dict) -> dict:
    return {key: value["default"] for key, value in schema.get("properties", {}).items()
            if isinstance(value, dict) and "default" in value}
