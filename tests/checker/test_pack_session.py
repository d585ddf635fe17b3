"""PackSession: several checks with one start of the pack, each reporting what check_program reports."""

import os

import pytest

from appflow_guard.checker import pack_pool
from appflow_guard.checker.api import PackSession, check_program
from appflow_guard.checker.errors import CheckError
from appflow_guard.checker.pack_process import PackProcess
from conftest import REPO_ROOT

KEYS = os.path.join(REPO_ROOT, "examples", "aws-managed-keys")
COMPLIANT = os.path.join(REPO_ROOT, "examples", "compliant-salesforce-to-s3")
ADVISORY = {"all": "advisory"}


def findings(report) -> list[tuple]:
    return [(finding.policy, finding.resourceName, finding.enforcementLevel, finding.message)
            for finding in report.findings]


@pytest.fixture
def spawns(monkeypatch) -> list:
    """Every pack process started, in order (the real spawn, counted). The pool's second process, for
    large stacks (tests/checker/test_pack_pool.py), is kept out: these stacks are small."""
    monkeypatch.setattr(pack_pool, "SECOND_PROCESS_AFTER_S", 60.0)
    started = []
    real_spawn = PackProcess.spawn

    def counted(process):
        if process._process is None:
            started.append(process)
        return real_spawn(process)

    monkeypatch.setattr(PackProcess, "spawn", counted)
    return started


@pytest.fixture
def broken_program(tmp_path) -> str:
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "Pulumi.yaml").write_text("name: broken\nruntime: python\n")
    (folder / "__main__.py").write_text("raise RuntimeError('no region configured')\n")
    return str(folder)


def test_checks_in_a_session_start_the_pack_once_and_each_gets_its_own_config(spawns):
    alone = [check_program(KEYS), check_program(KEYS, config=ADVISORY), check_program(COMPLIANT)]
    assert len(spawns) == 3
    with PackSession() as session:
        together = [session.check_program(KEYS), session.check_program(KEYS, config=ADVISORY),
                    session.check_program(COMPLIANT)]
    assert len(spawns) == 4
    assert [findings(report) for report in together] == [findings(report) for report in alone]
    assert [report.blocked for report in together] == [True, False, False]
    assert {finding.enforcementLevel for finding in together[1].findings} == {"advisory"}


def test_a_failed_check_ends_the_pack_and_the_next_check_starts_another(spawns, broken_program):
    with PackSession() as session:
        first = session.check_program(KEYS)
        with pytest.raises(CheckError, match="no region configured"):
            session.check_program(broken_program)
        again = session.check_program(KEYS)
    assert len(spawns) == 2 and not spawns[0].running and not spawns[1].running
    assert findings(again) == findings(first)


def test_a_bad_phase_is_refused_before_anything_starts(spawns):
    with PackSession() as session, pytest.raises(CheckError, match="phase must be preview or update, not 'up'"):
        session.check_program(KEYS, phase="up")
    assert spawns == []
