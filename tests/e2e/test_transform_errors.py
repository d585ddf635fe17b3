"""A transform that raises fails the program under the real engine and under `appflow-guard check`, with
the same message: the engine's error as the SDK raises it, naming the transform's failure."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pulumi_engine import EngineWorkspace, build_engine  # noqa: E402

pytestmark = pytest.mark.e2e

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
