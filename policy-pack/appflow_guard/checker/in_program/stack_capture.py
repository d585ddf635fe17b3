"""The source position of each resource, without the SDK's capture of the whole call stack.

For every resource, pulumi's Python SDK captures the call stack (``traceback.extract_stack``,
which checks every frame's source file), turns every frame below the resource's constructor into
a file URI and sends that stack trace with the registration. Only the engine uses the frames; the
checker runs the program under mocks and keeps just the source position, the first of them: the
line of the program that called the resource's constructor. ``source_stack_trace`` finds that
frame the way the SDK does (the caller of the third ``__init__`` frame from the top: Resource,
CustomResource or ComponentResource, then the resource's own class) by walking frame objects, and
returns a stack trace holding only it, so the registration's source position is unchanged.

The frame's line number is looked up in its code object's line table, parsed once per code object:
``frame.f_lineno`` scans that table from the start on every call, and a program that declares
thousands of resources at module level is one code object with a table as long as the program, so
the SDK's way costs time quadratic in the program's size (0.4 s of a 2,000-resource program).
"""

from __future__ import annotations

import bisect
import pathlib
import sys
import types
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


class _LineTable:
    """A code object's bytecode offsets -> line numbers (``co_lines``), for bisection."""

    __slots__ = ("code", "starts", "lines", "checked")

    def __init__(self, code: types.CodeType) -> None:
        self.code = code  # held, so that the id keying it is not reused
        self.starts: list[int] = []
        self.lines: list[Optional[int]] = []
        for start, _end, line in code.co_lines():
            self.starts.append(start)
            self.lines.append(line)
        self.checked = False  # the first lookup is compared with the interpreter's own answer

    def line(self, offset: int) -> Optional[int]:
        index = bisect.bisect_right(self.starts, offset) - 1
        return self.lines[index] if index >= 0 else None


# Keyed by id: hashing a code object hashes its constants, a large program's thousands of them.
_LINE_TABLES: dict[int, Optional[_LineTable]] = {}


def _line_number(frame: types.FrameType) -> Optional[int]:
    """``frame.f_lineno``, without rescanning the line table of a large code object each time."""
    code = frame.f_code
    table = _LINE_TABLES.get(id(code), False)
    if table is False:
        table = _LINE_TABLES[id(code)] = _LineTable(code) if hasattr(code, "co_lines") else None
    if table is None or frame.f_trace is not None or sys.gettrace() is not None:
        return frame.f_lineno  # no table (Python < 3.10), or a tracer that sets its own line numbers
    line = table.line(frame.f_lasti)
    if not table.checked:
        if line != frame.f_lineno:  # an interpreter whose offsets mean something else: its own answer
            _LINE_TABLES[id(code)] = None
            return frame.f_lineno
        table.checked = True
    return line


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
    filename, line = caller.f_code.co_filename, _line_number(caller)
    uri = _uri(filename) if filename and line is not None else None
    position = source_pb2.SourcePosition(uri=uri, line=line) if uri is not None else None
    return source_pb2.StackTrace(frames=[source_pb2.StackFrame(pc=position)])


class CaptureMismatch(Exception):
    """``source_stack_trace`` and the SDK's capture disagree on a resource's source position."""


def compared_stack_trace(sdk_capture=sdk_resource._get_stack_trace) -> source_pb2.StackTrace:
    """``source_stack_trace``, after checking it against the SDK's own capture of the same call."""
    ours, sdk = source_stack_trace(), sdk_capture()
    if sdk_resource._get_source_position(ours) != sdk_resource._get_source_position(sdk):
        raise CaptureMismatch(f"source position {_shown(ours)} differs from the SDK's {_shown(sdk)}")
    return ours


def _shown(trace: source_pb2.StackTrace) -> str:
    position = sdk_resource._get_source_position(trace)
    return f"{position.uri}:{position.line}" if position is not None else "(none)"


def install(mode: str = "ours") -> None:
    """Make the SDK record source positions in this process (the runner's only): ``ours`` this way,
    ``compare`` this way checked against the SDK's on every resource (the tests), ``sdk`` the SDK's."""
    if mode != "sdk":
        sdk_resource._get_stack_trace = compared_stack_trace if mode == "compare" else source_stack_trace
