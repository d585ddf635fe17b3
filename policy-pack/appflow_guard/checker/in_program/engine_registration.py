"""A registration as the engine treats it before an analyzer sees it: its URNs, its resource references,
the asset and archive files it must read.

Works on the protobuf Struct the SDK sent, before anything decodes it (decoding a resource reference
builds a Resource object on the SDK's worker thread, bound to that thread's event loop).
"""

from __future__ import annotations

import json
import os
import re
from typing import Optional

UNKNOWN_SENTINEL = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
SIGNATURE_KEY = "4dabf18193072939515e22adb298388d"
RESOURCE_SIGNATURE = "5cf8f73096256a8f31e491e813e4eb8e"
RESOURCE_SIGNATURE_BYTES = RESOURCE_SIGNATURE.encode()
ASSET_SIGNATURE = "c44067f5952c0a294b673a41bacd8c17"
ARCHIVE_SIGNATURE = "0def7320c3a5731c473e5ecbe6d01bc7"
FILE_SIGNATURES_BYTES = (ASSET_SIGNATURE.encode(), ARCHIVE_SIGNATURE.encode())
ARCHIVE_EXTENSIONS = (".tar", ".tgz", ".tar.gz", ".zip", ".jar")


def engine_urn(urn: str) -> str:
    """The URN the engine gives: children of the root stack carry no Stack$ type prefix."""
    return urn.replace("::pulumi:pulumi:Stack$", "::")


def without_references(value):
    """A copy of the protobuf ``value`` with each resource reference replaced as the engine replaces it for an
    analyzer (rpc.go, KeepResources false): the referenced resource's ID (unknown when not known yet), or
    its URN when it has no ID (a component)."""
    from google.protobuf import struct_pb2

    copy = type(value)()
    copy.CopyFrom(value)
    pending = [copy] if isinstance(copy, struct_pb2.Struct) else []
    values = [copy] if isinstance(copy, struct_pb2.Value) else []
    while pending or values:
        if pending:
            values.extend(pending.pop().fields.values())
            continue
        item = values.pop()
        kind = item.WhichOneof("kind")
        if kind == "struct_value":
            fields = item.struct_value.fields
            signature = fields.get(SIGNATURE_KEY)
            if signature is not None and signature.string_value == RESOURCE_SIGNATURE:
                if "id" in fields:
                    identifier = fields["id"].string_value
                    item.string_value = UNKNOWN_SENTINEL if identifier in ("", UNKNOWN_SENTINEL) else identifier
                else:
                    item.string_value = engine_urn(fields["urn"].string_value)
            else:
                values.extend(fields.values())
        elif kind == "list_value":
            values.extend(item.list_value.values)
    return copy


def unreadable_file(state, working_directory: str) -> Optional[str]:
    """The engine's error for a registration holding a FileAsset or FileArchive (or an AssetArchive of them)
    whose file it cannot read, else None: the engine hashes every asset and archive it is sent, reading each
    path from the program's directory, and refuses the registration when one fails
    (pkg/resource/plugin/property_filter.go; sdk/go/common/resource/asset and archive)."""
    return next(filter(None, (_value_error(value, [key], working_directory)
                              for key, value in sorted(state.fields.items()))), None)


def _value_error(value, path: list, directory: str) -> Optional[str]:
    kind = value.WhichOneof("kind")
    if kind == "list_value":
        return next(filter(None, (_value_error(item, path + [index], directory)
                                  for index, item in enumerate(value.list_value.values))), None)
    if kind != "struct_value":
        return None
    fields = value.struct_value.fields
    signature = fields[SIGNATURE_KEY].string_value if SIGNATURE_KEY in fields else ""
    if signature == ASSET_SIGNATURE:
        return _asset_error(fields, path, directory)
    if signature == ARCHIVE_SIGNATURE:
        return _archive_error(fields, path, directory)
    if signature and "value" in fields:  # a secret or an output value: the value it wraps
        return _value_error(fields["value"], path, directory)
    return next(filter(None, (_value_error(item, path + [key], directory)
                              for key, item in sorted(fields.items()))), None)


def _asset_error(fields, path: list, directory: str) -> Optional[str]:
    if "path" not in fields or fields.get("hash") and fields["hash"].string_value:
        return None
    file = os.path.normpath(os.path.join(directory, fields["path"].string_value))
    if not os.path.exists(file):
        why = f"failed to open asset file '{file}': open {file}: no such file or directory"
    elif os.path.isdir(file):
        why = f"asset path '{file}' is a directory; try using an archive"
    else:
        return None
    return f"failed to compute asset hash at {_path_text(path)}: {why}"


def _archive_error(fields, path: list, directory: str) -> Optional[str]:
    for name, member in sorted(fields["assets"].struct_value.fields.items()) if "assets" in fields else []:
        error = _value_error(member, path + [name], directory)
        if error:
            return error
    if "path" not in fields or fields.get("hash") and fields["hash"].string_value:
        return None
    file = os.path.normpath(os.path.join(directory, fields["path"].string_value))
    if file.endswith(ARCHIVE_EXTENSIONS):
        why = None if os.path.exists(file) else f"open {file}: no such file or directory"
    elif not os.path.exists(file):
        why = f"couldn't read archive path '{file}': stat {file}: no such file or directory"
    else:
        why = None if os.path.isdir(file) else f"'{file}' is neither a recognized archive type nor a directory"
    return f"failed to compute archive hash at {_path_text(path)}: {why}" if why else None


def _path_text(path: list) -> str:
    """A property path as the engine prints it: code.lambda, ["index.py"], rules[0]."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", part):
            text += ("." if text else "") + part
        else:
            text += "[" + json.dumps(part) + "]"
    return text or "<root>"
