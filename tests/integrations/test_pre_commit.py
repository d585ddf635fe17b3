"""The pre-commit hook (.pre-commit-hooks.yaml): run by the real pre-commit, offline, on a temporary
stack repository, it checks the Pulumi projects that the staged files belong to, once each."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import REPO_ROOT

REPO = Path(REPO_ROOT)
EXAMPLES = REPO / "examples"
PRE_COMMIT = [sys.executable, "-m", "pre_commit"]
KEY_POLICIES = ["aws-appflow-flow-configure-customer-managed-key",
                "aws-appflow-connectorprofile-configure-customer-managed-key",
                "aws-appflow-secretsmanager-secret-configure-customer-managed-key"]


def test_the_manifest_is_valid_for_pre_commit():
    completed = subprocess.run([*PRE_COMMIT, "validate-manifest", str(REPO / ".pre-commit-hooks.yaml")],
                               capture_output=True, text=True)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    (hook,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert (hook["id"], hook["entry"], hook["language"], hook["require_serial"]) == (
        "appflow-guard", "scripts/pre-commit-check", "script", True)
    assert os.access(REPO / hook["entry"], os.X_OK)
    selects = re.compile(hook["files"]).search
    assert [path for path in ("Pulumi.yaml", "stacks/a/Pulumi.yaml", "stacks/a/Pulumi.prod.yaml", "a/Pulumi.yml",
                              "stacks/a/__main__.py", "stacks/shared/appflow_stack.py") if not selects(path)] == []
    assert [path for path in ("README.md", "policy-config.json", "stacks/a/requirements.txt", "Pulumi.yaml.bak")
            if selects(path)] == []


@pytest.fixture
def stack_repository(tmp_path):
    """A git repository of two stacks (the compliant example and aws-managed-keys) and their shared code."""
    repository = tmp_path / "stacks-repo"
    shutil.copytree(EXAMPLES / "shared", repository / "stacks" / "shared", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(EXAMPLES / "compliant-salesforce-to-s3", repository / "stacks" / "good")
    shutil.copytree(EXAMPLES / "aws-managed-keys", repository / "stacks" / "keys")
    (repository / "README.md").write_text("# stacks\n")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "APPFLOW_GUARD_PYTHON": sys.executable,
           "GIT_AUTHOR_NAME": "test", "GIT_AUTHOR_EMAIL": "test@example.com",
           "GIT_COMMITTER_NAME": "test", "GIT_COMMITTER_EMAIL": "test@example.com", "NO_COLOR": "1"}
    env.pop("PYTHONPATH", None)  # the hook imports the checker from pre-commit's copy of this repository

    def git(*args):
        subprocess.run(["git", *args], cwd=repository, env=env, check=True, capture_output=True)

    git("init", "-q")
    git("add", "-A")
    git("commit", "-q", "-m", "two stacks")

    def commit_touching(*paths):
        """Stage a change to each path, then run the hook as pre-commit would on that commit."""
        for path in paths:
            with open(repository / path, "a", encoding="utf-8") as handle:
                handle.write("\n# touched\n")
            git("add", path)
        completed = subprocess.run([*PRE_COMMIT, "try-repo", str(REPO), "appflow-guard"], cwd=repository, env=env,
                                   capture_output=True, text=True, timeout=300)
        git("commit", "-q", "-m", "change", "--no-verify")
        return completed.returncode, completed.stdout + completed.stderr

    return commit_touching


def test_the_hook_checks_only_the_projects_a_commit_touches(stack_repository):
    code, out = stack_repository("README.md")
    assert code == 0, out
    assert re.search(r"appflow-guard \(AppFlow data protection\)\.+\(no files to check\)Skipped", out), out

    code, out = stack_repository("stacks/good/__main__.py", "stacks/shared/appflow_stack.py")
    assert code == 0, out
    assert re.search(r"appflow-guard \(AppFlow data protection\)\.+Passed", out), out

    code, out = stack_repository("stacks/keys/__main__.py", "stacks/good/Pulumi.yaml")
    assert code == 1, out
    assert "- hook id: appflow-guard\n- exit code: 1" in out
    reports = out.split("== stacks/")[1:]
    assert [report.split("\n", 1)[0] for report in reports] == ["good", "keys"]  # in the order of the files
    assert "passed; 0 mandatory, 0 advisory, 0 remediated on 13 resources (preview)" in reports[0]
    assert [policy for policy in KEY_POLICIES if f"[mandatory]  {policy}" in reports[1]] == KEY_POLICIES
    assert ("blocked: mandatory policy violations; 3 mandatory, 0 advisory, 0 remediated on 13 resources (preview)"
            in reports[1])


def test_the_hook_says_in_one_line_when_its_interpreter_lacks_the_checker(tmp_path):
    completed = subprocess.run([str(REPO / "scripts" / "pre-commit-check"), "stacks/a/__main__.py"],
                               cwd=tmp_path, capture_output=True, text=True,
                               env={**os.environ, "APPFLOW_GUARD_PYTHON": "false"})
    assert completed.returncode == 2 and completed.stdout == ""
    assert completed.stderr == ("appflow-guard: false cannot import pulumi, pulumi_policy and jsonschema; set "
                                "APPFLOW_GUARD_PYTHON to an interpreter that has them (the stack's virtualenv)\n")
