"""`make test` runs under `--dist loadgroup`: tests marked with one xdist_group share a worker (the
organisation-wide tests share one stand-in Cloud and one published pack, tests/e2e/test_org_policy.py)."""

import os
import subprocess
import sys

GROUPED_TESTS = """
import os

import pytest

pytestmark = pytest.mark.xdist_group("together")


@pytest.mark.parametrize("index", range(6))
def test_records_its_worker(index):
    with open(os.path.join(os.environ["WORKERS_FOLDER"], f"{index}.txt"), "w") as handle:
        handle.write(os.environ["PYTEST_XDIST_WORKER"])


@pytest.mark.parametrize("index", range(6))
def test_ungrouped(index):
    pass
"""


def test_tests_of_one_group_run_on_one_worker(tmp_path):
    (tmp_path / "test_grouped.py").write_text(GROUPED_TESTS)
    workers = tmp_path / "workers"
    workers.mkdir()
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", "-n", "2", "--dist", "loadgroup", "-p", "no:cacheprovider", "-q",
         "--rootdir", str(tmp_path), str(tmp_path / "test_grouped.py")],
        capture_output=True, text=True, cwd=tmp_path, env={**os.environ, "WORKERS_FOLDER": str(workers)}, timeout=120)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    recorded = {path.name: path.read_text() for path in workers.iterdir()}
    assert len(recorded) == 6 and len(set(recorded.values())) == 1, recorded
