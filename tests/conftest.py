import os
import sys

import pytest

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO_ROOT, "policy-pack"))
sys.path.insert(0, os.path.join(REPO_ROOT, "tests"))


@pytest.fixture(scope="session")
def shared_runs(tmp_path_factory, worker_id):
    """Checks and engine runs computed once per test run (tests/shared_runs.py)."""
    from shared_runs import SharedRuns

    return SharedRuns.of_run(tmp_path_factory, worker_id)
