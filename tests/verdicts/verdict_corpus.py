"""What the two verdict-corpus test modules share: the corpus, its expected findings, the checker's
reports (computed once per test run, tests/shared_runs.py), and the one table of known pack mistakes.

The corpus is materialized at test time from the installed SDKs by scripts/verdict-corpus/materialize.py
into build/verdict-corpus/ (never committed); tests/verdicts/expected.json holds the findings each
program must give, written from the AWS page and the rules' documented behaviour.
"""

from __future__ import annotations

import atexit
import functools
import importlib.util
import json
import os
import sys
from typing import Optional


REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MATERIALIZER = os.path.join(REPO_ROOT, "scripts", "verdict-corpus", "materialize.py")
EXPECTED_PATH = os.path.join(REPO_ROOT, "tests", "verdicts", "expected.json")
KEYS = ("policy", "resourceType", "resourceName", "enforcementLevel", "message")

with open(EXPECTED_PATH, encoding="utf-8") as _handle:
    EXPECTED = json.load(_handle)
PROGRAMS = sorted(EXPECTED["programs"])

def expected(program: str, phase: str) -> dict:
    return EXPECTED["programs"][program][phase]


def expected_findings(program: str, phase: str) -> list[tuple]:
    return sorted(tuple(finding[key] for key in KEYS) for finding in expected(program, phase)["findings"])


def _materializer():
    spec = importlib.util.spec_from_file_location("verdict_corpus_materialize", MATERIALIZER)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


_CORPUS: dict = {}


def corpus() -> dict:
    """The materialized corpus (build/verdict-corpus): {"dir", "index"}; rewritten only when out of date."""
    if not _CORPUS:
        materializer = _materializer()
        _CORPUS.update(dir=materializer.DEFAULT_OUTPUT, index=materializer.materialize())
    return _CORPUS


def program_dir(program: str) -> str:
    return os.path.join(corpus()["dir"], program)


def changes(program: str) -> dict:
    with open(os.path.join(program_dir(program), "changes.json"), encoding="utf-8") as handle:
        return json.load(handle)


def checker_report(program: str, phase: str, runs) -> dict:
    """The checker on a corpus program (its API, through one PackSession per test process, as
    `appflow-guard check-files` checks several projects), once per test run
    (``runs``: tests/shared_runs.py): {"exitCode", "findings": sorted (policy, type, name, level, message)
    lists, "notes", "error"}."""
    return runs.once(f"verdict-{program}-{phase}", lambda: _check(program_dir(program), phase))


@functools.lru_cache(maxsize=None)
def _pack_session():
    """One process of the pack for every corpus program this test process checks (the engine
    agreement suite runs each program with a pack of its own, so both ways of starting it are compared)."""
    from appflow_guard.checker.api import PackSession

    session = PackSession()
    atexit.register(session.close)
    return session


def _check(folder: str, phase: str) -> dict:
    from appflow_guard.checker.errors import CheckError

    try:
        report = _pack_session().check_program(folder, phase)
    except CheckError as error:
        return {"exitCode": 2, "findings": [], "notes": [], "error": str(error)}
    rendered = report.as_json()  # what --format json prints
    findings = sorted([finding[key] for key in KEYS] for finding in rendered["findings"])
    return {"exitCode": 1 if report.blocked else 0, "findings": findings, "notes": rendered.get("notes", []),
            "error": None}


def as_tuples(findings: list) -> list[tuple]:
    return sorted(tuple(finding) for finding in findings)


def stack_config(program: str) -> Optional[dict]:
    """The stack config the materializer set for a program (Pulumi.dev.yaml), for `pulumi config set`."""
    return changes(program)["config"] or None
