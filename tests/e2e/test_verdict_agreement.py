"""The real Pulumi engine and `appflow-guard check` agree in preview on every verdict-corpus program.

The programs are the SDKs' own API-doc examples (scripts/verdict-corpus/materialize.py); the checker
side is tests/checker/test_verdict_corpus.py's report of the same run (computed once, shared), so
each program costs one engine preview here. One engine workspace (PULUMI_HOME, stand-in plugins,
local backend) serves every program of a worker; each program is its own project and stack, made as
`pulumi stack init` makes one (EngineWorkspace.new_stack).
"""

from __future__ import annotations

import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from pulumi_engine import REPO_ROOT, EngineWorkspace, build_engine  # noqa: E402
from test_engine_agreement import engine_errors, engine_findings  # noqa: E402

sys.path.insert(0, os.path.join(REPO_ROOT, "tests", "verdicts"))
from verdict_corpus import PROGRAMS, as_tuples, checker_report, corpus, program_dir, stack_config  # noqa: E402

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def descriptions() -> dict[str, str]:
    from appflow_guard.pack import POLICIES

    return {policy.name: policy.description for policy in POLICIES}


@pytest.fixture(scope="module")
def results(shared_runs):
    corpus()
    return shared_runs


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> EngineWorkspace:
    # build_engine fails the tests (never skips them) when the engine cannot be built
    return EngineWorkspace(build_engine(), str(tmp_path_factory.mktemp("verdict-engine")))


@pytest.mark.parametrize("program", PROGRAMS)
def test_engine_preview_agrees_with_the_checker(workspace, descriptions, results, program):
    project = workspace.project(program_dir(program))
    workspace.new_stack(project, config=stack_config(program))
    run = workspace.preview(project, stack="dev")
    assert engine_errors(run) == [], run.stdout
    report = checker_report(program, "preview", results)
    assert report["error"] is None, report["error"]
    assert engine_findings(run, descriptions) == as_tuples(report["findings"])
    assert run.exit_code == report["exitCode"], run.stdout
