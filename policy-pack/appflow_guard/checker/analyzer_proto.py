"""pulumi's generated analyzer protocol modules, without importing the whole pulumi package.

``import pulumi.runtime.proto.analyzer_pb2`` first runs ``pulumi/__init__.py``, which imports the
SDK (automation API, OpenTelemetry, the runtime): a tenth of a second of every check's start-up,
for three generated modules that need only protobuf and grpc. They are loaded here from pulumi's
own files, as a private package. They register the same descriptors, so their message classes are
pulumi's: a process that imports pulumi as well (a notebook) gets the same classes either way, and
one that already has pulumi's modules uses those.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
import types

_PRIVATE_PACKAGE = "_appflow_guard_pulumi_proto"


def _modules() -> tuple[types.ModuleType, types.ModuleType]:
    if "pulumi.runtime.proto.analyzer_pb2_grpc" in sys.modules:
        return sys.modules["pulumi.runtime.proto.analyzer_pb2"], sys.modules["pulumi.runtime.proto.analyzer_pb2_grpc"]
    spec = importlib.util.find_spec("pulumi")  # finds the package without running it
    folder = os.path.join(spec.submodule_search_locations[0], "runtime", "proto") if spec else ""
    if not os.path.isfile(os.path.join(folder, "analyzer_pb2.py")):  # not a regular install: the usual way
        from pulumi.runtime.proto import analyzer_pb2 as messages, analyzer_pb2_grpc as services

        return messages, services
    if _PRIVATE_PACKAGE not in sys.modules:
        package = types.ModuleType(_PRIVATE_PACKAGE, "pulumi's runtime/proto folder, for appflow_guard.checker")
        package.__path__ = [folder]
        sys.modules[_PRIVATE_PACKAGE] = package
    return (importlib.import_module(f"{_PRIVATE_PACKAGE}.analyzer_pb2"),
            importlib.import_module(f"{_PRIVATE_PACKAGE}.analyzer_pb2_grpc"))


analyzer_pb2, analyzer_pb2_grpc = _modules()
