"""The GitHub Actions example (integrations/github-actions/appflow-guard.yml): valid against the
workflow schema (check-jsonschema's copy of SchemaStore's github-workflow schema), and its checker
steps, run here with bash as the runner runs them, write the SARIF it uploads and the job summary."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import REPO_ROOT

REPO = Path(REPO_ROOT)
WORKFLOW = REPO / "integrations" / "github-actions" / "appflow-guard.yml"


def validate(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows",
                           str(path)], capture_output=True, text=True)


def steps() -> dict:
    job = yaml.safe_load(WORKFLOW.read_text())["jobs"]["appflow-guard"]
    return {step.get("id") or step.get("name") or step["uses"]: step for step in job["steps"]}


def test_the_workflow_is_valid_for_github_actions():
    completed = validate(WORKFLOW)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert completed.stdout.strip() == "ok -- validation done"


@pytest.mark.parametrize("mistake", [("    runs-on: ubuntu-latest", "    runs_on: ubuntu-latest"),
                                     ("continue-on-error: true", "continue-on-eror: true")])
def test_the_schema_check_catches_a_broken_workflow(tmp_path, mistake):
    broken = tmp_path / "broken.yml"
    broken.write_text(WORKFLOW.read_text().replace(*mistake))
    completed = validate(broken)
    assert completed.returncode == 1 and "Schema validation errors were encountered" in completed.stdout + completed.stderr


def test_the_sarif_it_writes_is_the_file_it_uploads_and_it_may_write_code_scanning_alerts():
    workflow = yaml.safe_load(WORKFLOW.read_text())
    assert workflow["permissions"] == {"contents": "read", "security-events": "write"}
    named = steps()
    upload = named["Upload the findings to code scanning"]
    assert upload["uses"] == "github/codeql-action/upload-sarif@v3"
    assert upload["with"] == {"sarif_file": "appflow-guard.sarif", "category": "appflow-guard"}
    assert upload["if"] == "always() && hashFiles('appflow-guard.sarif') != ''"
    assert "--format sarif --output appflow-guard.sarif" in named["sarif"]["run"]
    assert named["sarif"]["continue-on-error"] is True and "continue-on-error" not in named["summary"]
    assert named["summary"]["run"].endswith('--format markdown >> "$GITHUB_STEP_SUMMARY"')


@pytest.fixture
def runner(tmp_path):
    """A workspace laid out as the workflow's steps leave it: the stack at $PROGRAM_DIR, the pack at
    .appflow-guard, appflow-guard on PATH. Runs a step's script as the runner does (bash -e -o pipefail)."""
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    (workspace / ".appflow-guard").symlink_to(REPO)
    shutil.copytree(REPO / "examples" / "shared", workspace / "shared", ignore=shutil.ignore_patterns("__pycache__"))
    binaries = tmp_path / "bin"
    binaries.mkdir()
    (binaries / "appflow-guard").write_text(f'#!/bin/sh\nexec {sys.executable} -m appflow_guard.checker.cli "$@"\n')
    (binaries / "appflow-guard").chmod(0o755)
    workflow_env = yaml.safe_load(WORKFLOW.read_text())["env"]

    def run(step: str, example: str, policy_config: str = ""):
        shutil.rmtree(workspace / "infra", ignore_errors=True)
        shutil.copytree(REPO / "examples" / example, workspace / "infra")  # imports ../shared
        summary = tmp_path / f"summary-{step}.md"
        summary.write_text("")
        env = {**os.environ, **workflow_env, "POLICY_CONFIG": policy_config, "GITHUB_STEP_SUMMARY": str(summary),
               "PATH": f"{binaries}{os.pathsep}{os.environ['PATH']}", "NO_COLOR": "1",
               "PYTHONPATH": str(REPO / "policy-pack")}
        completed = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", steps()[step]["run"]],
                                   cwd=workspace, env=env, capture_output=True, text=True, timeout=300)
        return completed, workspace, summary.read_text()

    return run


def test_a_blocked_stack_fails_the_job_with_its_findings_in_the_summary_and_in_code_scanning(runner):
    completed, workspace, _ = runner("sarif", "aws-managed-keys")
    assert (completed.returncode, completed.stderr) == (1, "")  # continue-on-error: the upload still runs
    sarif = json.loads((workspace / "appflow-guard.sarif").read_text())
    assert sarif["version"] == "2.1.0"
    results = sarif["runs"][0]["results"]
    assert sorted(result["ruleId"] for result in results) == [
        "aws-appflow-connectorprofile-configure-customer-managed-key",
        "aws-appflow-flow-configure-customer-managed-key",
        "aws-appflow-secretsmanager-secret-configure-customer-managed-key"]
    assert {result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for result in results} <= {
        "infra/__main__.py", "shared/appflow_stack.py"}

    completed, _, summary = runner("summary", "aws-managed-keys")
    assert (completed.returncode, completed.stderr) == (1, "")  # the job fails
    assert summary.startswith("### ❌ appflow-guard: blocked (preview)\n\nblocked: mandatory policy violations; "
                              "3 mandatory, 0 advisory, 0 remediated on 13 resources (preview)\n")
    assert ("| aws-appflow-flow-configure-customer-managed-key | accounts-to-s3 | mandatory | kmsArn 'alias/aws/appflow' "
            "is an AWS managed key; use a customer managed KMS key. |") in summary


def test_a_compliant_stack_passes_with_its_config(runner, tmp_path):
    completed, _, summary = runner("summary", "remediation", policy_config="infra/policy-config.json")
    assert (completed.returncode, completed.stderr) == (0, "")
    assert summary.startswith("### ⚠️ appflow-guard: passed (preview)\n\npassed; 0 mandatory, 0 advisory, "
                              "2 remediated on ")
    completed, _, summary = runner("summary", "compliant-salesforce-to-s3")
    assert completed.returncode == 0 and summary.startswith("### ✅ appflow-guard: passed (preview)\n")
