"""`make bench` runs end to end at tiny sizes (no timing assertions: figures are only reported)."""

import json
import subprocess
import sys

import pytest

from conftest import REPO_ROOT

pytestmark = pytest.mark.pack


def test_benchmark_runs_at_tiny_sizes_and_writes_every_figure(tmp_path):
    output = tmp_path / "bench.json"
    completed = subprocess.run(
        [sys.executable, "-m", "bench", "--sizes", "13,26", "--reps", "13:1,26:1", "--startup-runs", "1",
         "--checker-pairs", "2", "--checker-reps", "1", "--everyday-pairs", "3", "--everyday-reps", "2", "--no-checkov", "--no-notebooks", "--no-engine", "--workdir", str(tmp_path / "work"),
         "--output", str(output)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr[-2000:]
    result = json.loads(output.read_text())

    assert result["machine"]["nproc"] and len(result["load_average"]["start"]) == 3
    assert result["control_pack"]["policies"] == result["control_pack"]["resource"] + result["control_pack"]["stack"]
    assert result["startup"]["ours"]["runs_s"] and result["startup"]["control"]["runs_s"]
    for size in ("13", "26"):
        entry = result["throughput"][size]
        assert entry["ours"]["resources"] == entry["control"]["resources"] == int(size)
        assert entry["ours"]["diagnostics"] == {}, "the generated stack is compliant"
        assert entry["cost_ratio"] > 0
    assert result["growth"]["small"] == 13 and result["growth"]["large"] == 26
    assert result["memory"]["ours_peak_rss_mb"] > 0
    checker = result["checker"]
    assert checker["checker"]["measured"] and checker["checker"]["resources_analyzed"] == 2 + 2 + 2  # + provider, stack
    assert len(checker["checker_with_control_pack"]["runs_s"]) == 1
    assert checker["checkov"] == {"measured": False, "reason": "skipped (--no-checkov)"}
    everyday = result["everyday"]
    assert everyday["checker"]["resources_analyzed"] == 3 + 3 + 2 and len(everyday["checker"]["runs_s"]) == 2
    assert "everyday stack, cold: checker vs checkov on 3 flows + 3 connector profiles" in completed.stdout
    assert result["engine"] == {"measured": False, "reason": "skipped (--no-engine)"}
    assert "real engine: not measured (skipped (--no-engine))" in completed.stdout
    assert {target["status"] for target in result["targets"]} <= {"met", "missed", "not measured"}
    assert "targets" in completed.stdout and "analyzer over gRPC" in completed.stdout
