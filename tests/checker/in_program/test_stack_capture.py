"""The runner's cheaper stack capture gives the source position the SDK's own capture gives."""

import json
import os
import sys

import pytest
from google.protobuf import json_format
from pulumi.runtime import resource as sdk_resource

from appflow_guard.checker.mocksfile import parse_stack_reference
from appflow_guard.checker.project import ProgramRun, load_project
from conftest import REPO_ROOT

from appflow_guard.checker.in_program.stack_capture import CaptureMismatch, compared_stack_trace, source_stack_trace
from pulumi.runtime.proto import source_pb2

SDK_STACK_TRACE = sdk_resource._get_stack_trace  # captured before any runner could replace it


class Resource:
    def __init__(self):
        self.sdk = SDK_STACK_TRACE()
        self.ours = source_stack_trace()


class CustomResource(Resource):
    def __init__(self):
        super().__init__()


class Bucket(CustomResource):
    def __init__(self):
        super().__init__()


def make_bucket():
    return Bucket()


def test_the_source_position_is_the_line_that_called_the_constructor():
    bucket = make_bucket()
    assert bucket.ours.frames[0].pc == bucket.sdk.frames[0].pc
    assert bucket.ours.frames[0].pc.uri.endswith("/tests/checker/in_program/test_stack_capture.py")
    assert bucket.ours.frames[0].pc.line == make_bucket.__code__.co_firstlineno + 1
    assert sdk_resource._get_source_position(bucket.ours) == sdk_resource._get_source_position(bucket.sdk)


def test_fewer_than_three_constructors_give_no_position_in_both():
    resource = CustomResource()
    assert resource.ours == resource.sdk
    assert len(resource.ours.frames) == 0


def test_code_from_a_relative_file_name_has_an_empty_position_in_both():
    namespace = {"Bucket": Bucket}
    exec(compile("bucket = Bucket()", "relative/program.py", "exec"), namespace)
    bucket = namespace["bucket"]
    assert bucket.ours.frames[0] == bucket.sdk.frames[0]
    assert not bucket.ours.frames[0].HasField("pc")
    assert sdk_resource._get_source_position(bucket.ours) == sdk_resource._get_source_position(bucket.sdk)



def declare_buckets(source: str) -> list:
    namespace = {"Bucket": Bucket, "buckets": []}
    exec(compile(source, "/programs/large/__main__.py", "exec"), namespace)
    return namespace["buckets"]


def positions(buckets: list, capture: str) -> list:
    return [sdk_resource._get_source_position(getattr(bucket, capture)) for bucket in buckets]


# A program as large programs are written: thousands of multi-line declarations in one module, one
# code object whose line table is looked up from many places (loops, comprehensions, calls in calls).
def large_program(declarations: int) -> str:
    return "\n".join(
        f"buckets.append(Bucket(\n)\n)\nsettings_{index} = {{\n  'name': 'b{index}',\n  'tags': [\n    {index},\n  ],\n}}"
        for index in range(declarations)) + "\nbuckets.extend([Bucket() for _ in range(3)])\nbuckets.append(\n  Bucket()\n)\n"


def test_every_position_in_a_large_module_is_the_sdks():
    source = large_program(1500)
    buckets = declare_buckets(source)
    assert len(buckets) == 1504
    assert positions(buckets, "ours") == positions(buckets, "sdk")
    assert buckets[0].ours.frames[0].pc.line == 1 and buckets[1499].ours.frames[0].pc.line == 1 + 1499 * 9
    assert buckets[-1].ours.frames[0].pc.line == source.count("\n") - 1


def test_under_a_tracer_the_position_is_the_tracers_line():
    """Debuggers and coverage set their own line numbers on frames: those are what both captures report."""
    previous = sys.gettrace()
    sys.settrace(lambda frame, event, argument: None)
    try:
        buckets = declare_buckets(large_program(20))
    finally:
        sys.settrace(previous)
    assert buckets and positions(buckets, "ours") == positions(buckets, "sdk")


PROGRAMS = sorted(
    os.path.join(root, name) for root in (os.path.join(REPO_ROOT, "examples"), os.path.join(REPO_ROOT, "tests", "programs"))
    for name in os.listdir(root) if os.path.isfile(os.path.join(root, name, "Pulumi.yaml")))


def stack_references(program: str) -> dict:
    """The --stack-reference files a program's checker.json names (the only flag these programs use)."""
    path = os.path.join(program, "checker.json")
    args = json.load(open(path, encoding="utf-8")).get("args", []) if os.path.isfile(path) else []
    assert set(args[::2]) <= {"--stack-reference"}, args
    previous = os.getcwd()
    os.chdir(program)  # the files are named relative to the program
    try:
        return dict(parse_stack_reference(spec) for spec in args[1::2])
    finally:
        os.chdir(previous)


def registrations(program: str, phase: str, stack_capture: str) -> list[dict]:
    with ProgramRun(load_project(program, "dev"), "dev", phase, timeout=120, stack_capture=stack_capture,
                    stack_references=stack_references(program)) as run:
        return sorted((normalised(registration) for registration in run), key=lambda registration: registration["urn"])


def normalised(registration: dict) -> dict:
    """A registration with its Structs decoded and its dependency lists sorted: the SDK collects
    dependencies in sets, whose order changes with each process's hash seed."""
    normal = {key: json_format.MessageToDict(value) if key in ("inputs", "outputs") else value
              for key, value in registration.items()}
    if "dependencies" in normal:
        normal["dependencies"] = sorted(normal["dependencies"])
        normal["propertyDependencies"] = {key: sorted(urns) for key, urns in normal["propertyDependencies"].items()}
    return normal


@pytest.mark.parametrize("phase", ["preview", "update"])
@pytest.mark.parametrize("program", PROGRAMS, ids=lambda path: os.path.relpath(path, REPO_ROOT))
def test_every_resource_of_every_program_gets_the_sdks_source_position(program, phase):
    """In ``compare`` mode each resource's position is checked against the SDK's capture of the same
    constructor call, in the program (CaptureMismatch fails the program and so this test)."""
    compared = registrations(program, phase, stack_capture="compare")
    assert any(registration["sourcePosition"]["line"] > 0 for registration in compared)


@pytest.mark.parametrize("phase", ["preview", "update"])
def test_a_program_registers_the_same_with_either_capture(phase):
    """Inputs, dependencies, property dependencies, outputs and source positions: all identical (the
    order of registrations is the program's scheduling, not something either capture decides)."""
    program = os.path.join(REPO_ROOT, "examples", "native-mixed-providers")
    assert registrations(program, phase, stack_capture="ours") == registrations(program, phase, stack_capture="sdk")


def test_compare_mode_refuses_a_position_the_sdk_does_not_give():
    def elsewhere():
        return source_pb2.StackTrace(frames=[source_pb2.StackFrame(
            pc=source_pb2.SourcePosition(uri="file:///programs/other.py", line=7))])

    class Capturing:  # as Resource, CustomResource and the resource's class: three constructors
        def __init__(self):
            self.trace = compared_stack_trace(elsewhere)

    class Custom(Capturing):
        def __init__(self):
            super().__init__()

    class Concrete(Custom):
        def __init__(self):
            super().__init__()

    with pytest.raises(CaptureMismatch, match=r"source position file://.*/test_stack_capture.py:\d+ differs from "
                                              r"the SDK's file:///programs/other.py:7"):
        Concrete()
