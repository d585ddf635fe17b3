"""Engine transforms under the real engine and under the checker: what they register, and their failures.

The idiom programs (tests/programs/transform-*) compare findings; these compare what the pack's findings
rest on (the transformed inputs, dependencies and property dependencies the engine records for each
resource) and the message a raising transform fails the program with.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pulumi_engine import EngineWorkspace, build_engine  # noqa: E402

from appflow_guard.checker.project import ProgramRun, load_project  # noqa: E402

pytestmark = pytest.mark.e2e

# Own, ancestors' and stack transforms (two stacks', registered at different times), and the property
# dependencies each kind leaves: every bucket's name is computed from the first bucket's.
REGISTERED = """
    import pulumi
    import pulumi_aws as aws


    class Group(pulumi.ComponentResource):
        def __init__(self, name, opts=None):
            super().__init__("acme:index:Group", name, None, opts)


    def marker(label):
        def transform(args):
            tags = args.props.get("tags")
            if not isinstance(tags, dict) or "order" not in tags:
                return None
            return pulumi.ResourceTransformResult(
                {**args.props, "tags": {**tags, "order": tags["order"] + "." + label}}, args.opts)
        return transform


    def unchanged(args):
        return None


    base = aws.s3.BucketV2("base", bucket="acme-base", tags={"order": "start"})
    derived = base.bucket.apply(lambda name: name + "-derived")
    pulumi.runtime.register_resource_transform(marker("stack1"))
    outer = Group("outer", opts=pulumi.ResourceOptions(transforms=[marker("outer")]))
    inner = Group("inner", opts=pulumi.ResourceOptions(parent=outer, transforms=[marker("inner")]))
    pulumi.runtime.register_resource_transform(marker("stack2"))
    aws.s3.BucketV2("leaf", bucket=derived, tags={"order": "start"},
                    opts=pulumi.ResourceOptions(parent=inner, transforms=[marker("own")]))
    aws.s3.BucketV2("follower", bucket=derived, tags={"order": "start"})
    aws.s3.BucketV2("kept", bucket=derived, opts=pulumi.ResourceOptions(transforms=[unchanged]))
"""
BUCKETS = ("base", "leaf", "follower", "kept")


def registered(name: str, inputs: dict, dependencies, property_dependencies: dict) -> tuple:
    return (name, (inputs.get("tags") or {}).get("order"), inputs.get("bucket"), sorted(dependencies or []),
            {key: sorted(urns) for key, urns in (property_dependencies or {}).items() if urns})


def test_the_checker_registers_what_the_engine_registers_after_transforms(tmp_path):
    from google.protobuf import json_format

    program = tmp_path / "program"
    program.mkdir()
    (program / "Pulumi.yaml").write_text("name: transformed\nruntime: python\n")
    (program / "__main__.py").write_text(textwrap.dedent(REGISTERED))
    workspace = EngineWorkspace(build_engine(), str(tmp_path / "engine"))
    project = workspace.project(str(program))
    workspace.init_stack(project)
    done = workspace.run(["up", "--yes", "--skip-preview"], project)
    assert done.exit_code == 0, done.stdout + done.stderr
    state = json.loads(workspace.run(["stack", "export"], project).stdout)
    engine = sorted(registered(resource["urn"].rsplit("::", 1)[-1], resource.get("inputs") or {},
                               resource.get("dependencies"), resource.get("propertyDependencies"))
                    for resource in state["deployment"]["resources"]
                    if resource["urn"].rsplit("::", 1)[-1] in BUCKETS)

    with ProgramRun(load_project(str(program), "dev"), "dev", "update", timeout=120) as run:
        checker = sorted(registered(registration["name"], json_format.MessageToDict(registration["inputs"]),
                                    registration["dependencies"], registration["propertyDependencies"])
                         for registration in run if registration["name"] in BUCKETS)
    assert checker == engine
    by_name = {name: (order, dependencies, property_dependencies)
               for name, order, _, dependencies, property_dependencies in checker}
    base = "urn:pulumi:dev::transformed::aws:s3/bucketV2:BucketV2::base"
    assert by_name == {
        "base": ("start", [], {}),
        "follower": ("start.stack1.stack2", [base], {"bucket": [base]}),  # stack transforms keep them
        "kept": (None, [base], {"bucket": [base]}),  # its own transform returned nothing
        "leaf": ("start.own.inner.outer.stack1.stack2", [base], {}),  # its own transform returned values
    }

PROGRAMS = {
    "resource": """
        import pulumi
        import pulumi_aws as aws


        def needs_key(args):
            raise ValueError("flow orders has no customer managed key")


        aws.s3.BucketV2("landing", bucket="acme-landing", opts=pulumi.ResourceOptions(transforms=[needs_key]))
    """,
    "invoke": """
        import pulumi
        import pulumi_aws as aws


        def refuse(args):
            raise RuntimeError(f"{args.token} is not allowed here")


        pulumi.runtime.register_invoke_transform(refuse)
        aws.get_region()
    """,
}
# The exception's first line, the callback's token (a fresh UUID on each run) left out.
MESSAGES = {
    "resource": "Exception: invoke transform: rpc error: code = Unknown desc = Invoke callback <token> error: "
                "flow orders has no customer managed key:",
    "invoke": "Exception: invoke of aws:index/getRegion:getRegion failed: Invoke callback <token> error: "
              "aws:index/getRegion:getRegion is not allowed here:",
}
TOKEN = re.compile(r"Invoke callback [0-9a-f-]{36} error")


@pytest.mark.parametrize("kind", sorted(PROGRAMS))
def test_a_raising_transform_fails_both_with_the_engines_message(tmp_path, kind):
    program = tmp_path / "program"
    program.mkdir()
    (program / "Pulumi.yaml").write_text("name: raising\nruntime: python\n")
    source = textwrap.dedent(PROGRAMS[kind])
    (program / "__main__.py").write_text(source)
    raised_at = next(number for number, line in enumerate(source.splitlines(), 1) if "raise " in line)
    workspace = EngineWorkspace(build_engine(), str(tmp_path / "engine"))
    project = workspace.project(str(program))
    workspace.init_stack(project)
    run = workspace.run(["preview"], project, events=True)
    assert run.exit_code != 0
    engine_lines = {TOKEN.sub("Invoke callback <token> error", line.strip())
                    for message in run.diagnostics("error") for line in message.splitlines()}
    assert MESSAGES[kind] in engine_lines, run.stdout

    completed = subprocess.run([sys.executable, "-m", "appflow_guard.checker.cli", "check", str(program)],
                               capture_output=True, text=True, timeout=300)
    assert completed.returncode == 2
    assert TOKEN.sub("Invoke callback <token> error", completed.stderr) == (
        f"appflow-guard: the program failed: {MESSAGES[kind][:-1]} (__main__.py:{raised_at})\n")
