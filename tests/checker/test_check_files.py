"""`appflow-guard check-files`: the Pulumi projects some files belong to, each checked once (pre-commit)."""

import os
import shutil

import pytest

from appflow_guard.checker.cli import main, projects_of
from conftest import REPO_ROOT

EXAMPLES = os.path.join(REPO_ROOT, "examples")


@pytest.fixture
def stacks(tmp_path, monkeypatch):
    """stacks/{shared,good,keys} copied from examples/, a TypeScript project and a broken one; cwd is tmp_path."""
    shutil.copytree(os.path.join(EXAMPLES, "shared"), tmp_path / "stacks" / "shared",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(os.path.join(EXAMPLES, "compliant-salesforce-to-s3"), tmp_path / "stacks" / "good")
    shutil.copytree(os.path.join(EXAMPLES, "aws-managed-keys"), tmp_path / "stacks" / "keys")
    (tmp_path / "stacks" / "web").mkdir()
    (tmp_path / "stacks" / "web" / "Pulumi.yaml").write_text("name: web\nruntime: nodejs\n")
    (tmp_path / "stacks" / "broken" / "src").mkdir(parents=True)
    (tmp_path / "stacks" / "broken" / "Pulumi.yaml").write_text("name: broken\nruntime: python\n")
    (tmp_path / "stacks" / "broken" / "__main__.py").write_text("raise RuntimeError('no region configured')\n")
    (tmp_path / "stacks" / "broken" / "src" / "helpers.py").write_text("")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_files_map_to_the_nearest_project_once_each(stacks):
    assert projects_of(["stacks/keys/__main__.py", "stacks/broken/src/helpers.py", "stacks/keys/Pulumi.yaml",
                        "stacks/shared/appflow_stack.py", "README.md", "stacks/good/Pulumi.dev.yaml"]) == [
        str(stacks / "stacks" / "keys"), str(stacks / "stacks" / "broken"), str(stacks / "stacks" / "good")]


def test_the_worst_project_decides_and_each_is_reported(stacks, capsys):
    code = main(["check-files", "stacks/good/__main__.py", "stacks/keys/__main__.py", "stacks/web/Pulumi.yaml",
                 "stacks/keys/Pulumi.yaml"])
    out, err = capsys.readouterr()
    assert (code, err) == (1, "")
    assert [line for line in out.splitlines() if line.startswith("== ")] == [
        "== stacks/good", "== stacks/keys", "== stacks/web: skipped, not a Python program"]
    good, keys = out.split("== stacks/keys\n")
    assert "passed; 0 mandatory, 0 advisory, 0 remediated on 13 resources (preview)" in good
    assert ("blocked: mandatory policy violations; 3 mandatory, 0 advisory, 0 remediated on 13 resources (preview)"
            in keys)


def test_a_project_that_cannot_be_checked_is_one_line_and_exit_2(stacks, capsys):
    code = main(["check-files", "stacks/broken/src/helpers.py", "stacks/good/__main__.py", "--format", "markdown"])
    out, err = capsys.readouterr()
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("appflow-guard: stacks/broken: the program failed: ")
    assert "no region configured" in err
    assert out.startswith("== stacks/good\n### ✅ appflow-guard: passed (preview)\n")


def test_files_outside_any_project_pass(stacks, capsys):
    assert main(["check-files", "README.md", "stacks/shared/appflow_stack.py"]) == 0
    assert capsys.readouterr() == ("appflow-guard: no Pulumi project among the files\n", "")
