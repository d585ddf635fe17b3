"""The files a team gives the checker: answers to data sources and resource outputs (--mocks), and the
outputs of the stacks a program references (--stack-reference ORG/PROJECT/STACK=FILE). YAML or JSON.

A mocks file:

    invokes:                                   # data sources, by function token
      aws:ec2/getAmi:getAmi:                   # one answer for every call ...
        id: ami-0abcdef1234567890
        architecture: arm64
      aws:route53/getZone:getZone:             # ... or the first whose args match (a subset)
        - args: {name: example.com}
          result: {zoneId: Z0123456789ABCDEFGHIJ, name: example.com}
    resources:                                 # outputs in update (and of reads), merged over the shaped ones
      aws:ec2/instance:Instance: {publicIp: 203.0.113.10}   # by type token
      web: {privateIp: 10.0.1.20}                            # by logical name (wins over the type)
"""

from __future__ import annotations

import os
from typing import Any

from .errors import CheckError

MAX_BYTES = 1024 * 1024


def _load(path: str, what: str) -> Any:
    import yaml

    try:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > MAX_BYTES:
                raise CheckError(f"{what} {path} is {size / 1e6:.1f} MB; the limit is {MAX_BYTES // 1024} KB")
            data = handle.read()
    except OSError as error:
        raise CheckError(f"cannot read {what} {path}: {error.strerror}") from None
    try:
        return yaml.safe_load(data.decode("utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError, RecursionError) as error:
        raise CheckError(f"{what} {path} is not valid YAML or JSON: {str(error).splitlines()[0]}") from None


def load_mocks(path: str) -> dict:
    data = _load(path, "mocks file")
    data = {} if data is None else data
    if not isinstance(data, dict) or set(data) - {"invokes", "resources"}:
        raise CheckError(f"mocks file {path} must be a mapping with \"invokes\" and/or \"resources\"")
    invokes = data.get("invokes") or {}
    resources = data.get("resources") or {}
    if not isinstance(invokes, dict) or not isinstance(resources, dict):
        raise CheckError(f"mocks file {path}: \"invokes\" and \"resources\" must be mappings")
    for token, answer in invokes.items():
        if isinstance(answer, list):
            for index, entry in enumerate(answer):
                if not isinstance(entry, dict) or not isinstance(entry.get("result", {}), dict) or \
                        not isinstance(entry.get("args", {}), dict) or set(entry) - {"args", "result"}:
                    raise CheckError(f"mocks file {path}: invokes.{token}[{index}] must be {{args: {{...}}, "
                                     f"result: {{...}}}}")
        elif not isinstance(answer, dict):
            raise CheckError(f"mocks file {path}: invokes.{token} must be a mapping (the result) or a list of "
                             f"{{args, result}}")
    for key, outputs in resources.items():
        if not isinstance(outputs, dict):
            raise CheckError(f"mocks file {path}: resources.{key} must be a mapping of output names to values")
    return {"invokes": {str(key): value for key, value in invokes.items()},
            "resources": {str(key): value for key, value in resources.items()}}


def parse_stack_reference(spec: str) -> tuple[str, dict]:
    """ORG/PROJECT/STACK=FILE -> (the stack's name as the program writes it, its outputs)."""
    name, separator, path = spec.partition("=")
    if not separator or not name or not path:
        raise CheckError(f"--stack-reference {spec!r}: expected ORG/PROJECT/STACK=FILE")
    outputs = _load(path, "stack reference file")
    outputs = {} if outputs is None else outputs
    if not isinstance(outputs, dict):
        raise CheckError(f"stack reference file {path} must be a mapping of output names to values")
    return name, outputs
