"""The source position of each resource, without the SDK's capture of the whole call stack.

For every resource, pulumi's Python SDK captures the call stack (``traceback.extract_stack``,
which checks every frame's source file), turns every frame below the resource's constructor into
a file URI and sends that stack trace with the registration. Only the engine uses the frames; the
checker runs the program under mocks and keeps just the source position, the first of them: the
line of the program that called the resource's constructor. ``source_stack_trace`` finds that
frame the way the SDK does (the caller of the third ``__init__`` frame from the top: Resource,
CustomResource or ComponentResource, then the resource's own class) by walking frame objects, and
returns a stack trace holding only it, so the registration's source position is unchanged.
"""

from __future__ import annotations

import pathlib
import sys
from typing import Optional

from pulumi.runtime import resource as sdk_resource
from pulumi.runtime.proto import source_pb2

_URIS: dict[str, Optional[str]] = {}
CONSTRUCTORS_ABOVE_USER_CODE = 3


def _uri(filename: str) -> Optional[str]:
    try:
        return _URIS[filename]
    except KeyError:
        try:
            uri: Optional[str] = pathlib.Path(filename).as_uri()
        except BaseException:  # noqa: BLE001 as the SDK: a path it cannot convert has no position
            uri = None
        _URIS[filename] = uri
        return uri


def source_stack_trace() -> source_pb2.StackTrace:
    """A stack trace of one frame, the resource's source position, as the SDK's would start."""
    frame = sys._getframe(1)
    constructors = 0
    while frame is not None:
        if frame.f_code.co_name == "__init__":
            constructors += 1
            if constructors == CONSTRUCTORS_ABOVE_USER_CODE:
                break
        frame = frame.f_back
    if frame is None or frame.f_back is None:
        return source_pb2.StackTrace()
    caller = frame.f_back
    filename, line = caller.f_code.co_filename, caller.f_lineno
    uri = _uri(filename) if filename and line is not None else None
    position = source_pb2.SourcePosition(uri=uri, line=line) if uri is not None else None
    return source_pb2.StackTrace(frames=[source_pb2.StackFrame(pc=position)])


def install() -> None:
    """Make the SDK record source positions this way in this process (the runner's only)."""
    sdk_resource._get_stack_trace = source_stack_trace
