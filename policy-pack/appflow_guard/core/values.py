"""Reading resource properties without tripping over unknowns, secrets, None or odd types.

The SDK hands policies read-only proxies that raise ``UnknownValueError`` when an unknown
(computed) value is read. Rules convert the properties they inspect to plain Python once, with
unknowns replaced by the ``UNKNOWN`` marker, and then work on ordinary dicts, lists and strings.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from pulumi_policy import proxy
from pulumi_policy.proxy import UnknownValueError

_UNKNOWN_SENTINELS = frozenset(
    (
        proxy.UNKNOWN_BOOLEAN_VALUE,
        proxy.UNKNOWN_NUMBER_VALUE,
        proxy.UNKNOWN_STRING_VALUE,
        proxy.UNKNOWN_ARRAY_VALUE,
        proxy.UNKNOWN_ASSET_VALUE,
        proxy.UNKNOWN_ARCHIVE_VALUE,
        proxy.UNKNOWN_OBJECT_VALUE,
    )
)

_MAX_DEPTH = 64

# The SDK's read-only proxies hand out the object they wrap under the key "__target" (its own
# serializer reads them that way). Reading that object directly skips a Python-level lookup, an
# unknown check and often a raised-and-caught UnknownValueError per value: plain() is most of what
# the rules cost. The unknown sentinels it then meets are turned into UNKNOWN as before.
_PROXY_DICT = getattr(proxy, "_DictProxy", None)
_PROXY_LIST = getattr(proxy, "_ListProxy", None)
_SCALARS = frozenset((float, int, bool, type(None)))


class _Unknown:
    """A value that is computed by the engine and not known yet (preview)."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"

    def __bool__(self) -> bool:
        return False


UNKNOWN = _Unknown()


def plain(value: Any, _depth: int = 0) -> Any:
    """Copy a property tree into plain dicts and lists, with UNKNOWN for computed values."""
    if _depth > _MAX_DEPTH:
        return UNKNOWN
    kind = type(value)
    # The decoded values the SDK holds are dicts, lists, strings, floats, booleans and None: those
    # are matched by exact type first (an abstract-class check costs more than the copy).
    if kind is str:
        return UNKNOWN if value in _UNKNOWN_SENTINELS else value
    if kind is dict or kind is _PROXY_DICT:
        return {key: plain(item, _depth + 1) for key, item in (value if kind is dict else value["__target"]).items()}
    if kind is list or kind is _PROXY_LIST:
        return [plain(item, _depth + 1) for item in (value if kind is list else value["__target"])]
    if kind in _SCALARS:
        return value
    if isinstance(value, str):
        return UNKNOWN if value in _UNKNOWN_SENTINELS else value
    if isinstance(value, Mapping):
        result = {}
        for key in list(value):
            try:
                result[key] = plain(value[key], _depth + 1)
            except UnknownValueError:
                result[key] = UNKNOWN
        return result
    if isinstance(value, Sequence) and not isinstance(value, (bytes, bytearray)):
        items = []
        for index in range(len(value)):
            try:
                items.append(plain(value[index], _depth + 1))
            except UnknownValueError:
                items.append(UNKNOWN)
        return items
    return value


def dig(value: Any, *path: Any) -> Any:
    """Follow keys and indexes through plain data; None when a step is missing or mistyped."""
    for step in path:
        if value is UNKNOWN:
            return UNKNOWN
        if isinstance(step, int) and isinstance(value, list):
            value = value[step] if -len(value) <= step < len(value) else None
        elif isinstance(value, dict):
            value = value.get(step)
        else:
            return None
    return value


def as_dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list:
    return value if isinstance(value, list) else []


def text(value: Any) -> str | None:
    """A known, non-empty string, or None."""
    return value if isinstance(value, str) and value.strip() else None


def flag(value: Any) -> bool | None:
    """A boolean from a property or a JSON-encoded provider property ("true"); None if unknown."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


def decode_json(value: Any) -> Any:
    """Parse a JSON string (provider properties, policy documents); other values pass through.

    Returns UNKNOWN for unknowns and None for text that is not valid JSON.
    """
    if value is UNKNOWN:
        return UNKNOWN
    if isinstance(value, str):
        try:
            return json.loads(value)
        except (ValueError, RecursionError):
            return None
    return value


def strings_in(value: Any, path: str = "", _depth: int = 0):
    """Yield (path, string) for every known string leaf of a plain tree."""
    if _depth > _MAX_DEPTH:
        return
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings_in(item, f"{path}.{key}" if path else str(key), _depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from strings_in(item, f"{path}[{index}]", _depth + 1)
