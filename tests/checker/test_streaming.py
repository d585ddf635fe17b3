"""The program's registrations reach the checker as the program makes them, as they reach the engine."""

import dataclasses
import re
import textwrap

import pytest

from appflow_guard.checker.errors import CheckError
from appflow_guard.checker.project import ProgramRun, load_project

# The second bucket is created only once the checker has seen the first: a checker that waited for
# the program to end would wait forever (until the timeout below).
PROGRAM = """
    import os
    import time

    import pulumi_aws as aws

    first = aws.s3.BucketV2("first")

    def after_first_is_seen(_):
        while not os.path.exists({flag!r}):
            time.sleep(0.02)
        return aws.s3.BucketV2("second").urn

    first.urn.apply(after_first_is_seen)
"""


def program(tmp_path, source):
    (tmp_path / "Pulumi.yaml").write_text("name: streaming\nruntime: python\n")
    (tmp_path / "__main__.py").write_text(textwrap.dedent(source))
    return load_project(str(tmp_path), "dev")


def test_registrations_arrive_while_the_program_runs(tmp_path):
    flag = tmp_path / "seen-first"
    project = program(tmp_path, PROGRAM.format(flag=str(flag)))
    names = []
    with ProgramRun(project, "dev", "preview", timeout=60) as run:
        for registration in run:
            names.append(registration["name"])
            if registration["name"] == "first":
                flag.touch()
    assert names == ["streaming-dev", "first", "second"]


def test_a_program_that_fails_midway_fails_the_run_after_its_first_registrations(tmp_path):
    project = program(tmp_path, """
        import pulumi_aws as aws

        bucket = aws.s3.BucketV2("first")
        bucket.urn.apply(lambda _: 1 / 0)
    """)
    names = []
    with pytest.raises(CheckError, match=r"^the program failed: ZeroDivisionError: division by zero"):
        with ProgramRun(project, "dev", "preview", timeout=60) as run:
            for registration in run:
                names.append(registration["name"])
    assert names[:2] == ["streaming-dev", "first"]


def test_a_program_that_overruns_the_timeout_is_stopped(tmp_path):
    project = program(tmp_path, PROGRAM.format(flag=str(tmp_path / "never")))
    with pytest.raises(CheckError, match=r"^the program did not finish within 3s$"):
        with ProgramRun(project, "dev", "preview", timeout=3) as run:
            list(run)


def test_an_interpreter_that_cannot_start_is_a_clear_error(tmp_path):
    project = program(tmp_path, "")
    not_executable = tmp_path / "python"
    not_executable.write_text("")
    broken = dataclasses.replace(project, python=str(not_executable))
    with pytest.raises(CheckError, match=rf"^the program could not be run with {re.escape(str(not_executable))}: "
                                         r"Permission denied$"):
        ProgramRun(broken, "dev", "preview", timeout=60)
