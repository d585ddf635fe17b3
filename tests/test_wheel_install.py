"""The checker as a package: an sdist and a wheel built from the repository, installed in a fresh
virtualenv outside it, check, audit and check-files with the pack that came in the wheel.

Built offline (no build isolation: the .venv's setuptools and build), the wheel from the sdist so
that both are proven to carry the pack. The fresh virtualenv installs the wheel alone (--no-deps);
its dependencies come from the project's .venv through a .pth file, which puts that site-packages
after the virtualenv's own, so appflow_guard is imported from the wheel and never from the clone.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile

import pytest

from conftest import REPO_ROOT

pytestmark = pytest.mark.pack

EXAMPLE = os.path.join(REPO_ROOT, "examples", "aws-managed-keys")
STATE = os.path.join(REPO_ROOT, "tests", "data", "states", "aws-managed-keys.json")
PACK_ENTRY = ("PulumiPolicy.yaml", "__main__.py", "requirements.txt")


def run(command: list[str], cwd: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=300,
                          env={**os.environ, **(env or {})})


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> dict:
    """The wheel installed in a fresh virtualenv; the paths the tests use."""
    root = tmp_path_factory.mktemp("wheel")
    dist = root / "dist"
    built = run([sys.executable, "-m", "build", "--sdist", "--no-isolation", "--outdir", str(dist), REPO_ROOT],
                cwd=str(root))
    assert built.returncode == 0, built.stdout + built.stderr
    sdist = glob.glob(str(dist / "appflow_guard-*.tar.gz"))
    assert len(sdist) == 1
    wheel_built = run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet",
                       "--wheel-dir", str(dist), sdist[0]], cwd=str(root))
    assert wheel_built.returncode == 0, wheel_built.stdout + wheel_built.stderr
    wheel = glob.glob(str(dist / "appflow_guard-*.whl"))
    assert len(wheel) == 1

    venv = root / "venv"
    assert run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=str(root)).returncode == 0
    python = str(venv / "bin" / "python")
    site = run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=str(root))
    (open(os.path.join(site.stdout.strip(), "project-dependencies.pth"), "w", encoding="utf-8")
     .write(sysconfig.get_paths()["purelib"] + "\n"))
    install = run([sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index",
                   "--quiet", wheel[0]], cwd=str(root))
    assert install.returncode == 0, install.stdout + install.stderr

    # The program checked from a folder that is not in the clone: the example and the shared module it imports.
    workdir = root / "elsewhere"
    shutil.copytree(EXAMPLE, workdir / "aws-managed-keys", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(os.path.join(REPO_ROOT, "examples", "shared"), workdir / "shared",
                    ignore=shutil.ignore_patterns("__pycache__"))
    return {"wheel": wheel[0], "python": python, "cli": str(venv / "bin" / "appflow-guard"),
            "program": str(workdir / "aws-managed-keys"), "workdir": str(workdir)}


def findings(report: dict) -> list[tuple]:
    return sorted((f["policy"], f["resourceType"], f["resourceName"], f["enforcementLevel"], f["message"])
                  for f in report["findings"])


def test_wheel_contents(installed):
    with zipfile.ZipFile(installed["wheel"]) as wheel:
        names = set(wheel.namelist())
        entry_point = wheel.read("appflow_guard/bundled_pack/PulumiPolicy.yaml").decode()
    assert {f"appflow_guard/bundled_pack/{name}" for name in PACK_ENTRY} <= names
    with open(os.path.join(REPO_ROOT, "PulumiPolicy.yaml"), encoding="utf-8") as handle:
        assert entry_point == handle.read()
    rule_modules = {os.path.relpath(path, os.path.join(REPO_ROOT, "policy-pack")).replace(os.sep, "/")
                    for path in glob.glob(os.path.join(REPO_ROOT, "policy-pack", "appflow_guard", "policies", "**",
                                                       "*.py"), recursive=True)}
    assert rule_modules and rule_modules <= names
    assert "appflow_guard/pack.py" in names
    assert not [name for name in names if name.startswith(("tests/", "examples/", "notebooks/", "bench/"))]


def test_installed_package_is_the_wheel_not_the_clone(installed):
    where = run([installed["python"], "-c", "import appflow_guard, pulumi_policy; print(appflow_guard.__file__)"],
                cwd=installed["workdir"])
    assert where.returncode == 0, where.stderr
    assert where.stdout.strip().startswith(os.path.dirname(os.path.dirname(installed["python"])))


def test_check_outside_the_clone_uses_the_bundled_pack_with_the_clones_findings(installed):
    wheel_run = run([installed["cli"], "check", "aws-managed-keys", "--format", "json"], cwd=installed["workdir"])
    clone_run = run([sys.executable, "-m", "appflow_guard.checker.cli", "check", EXAMPLE, "--format", "json"],
                    cwd=REPO_ROOT)
    assert wheel_run.returncode == clone_run.returncode == 1, wheel_run.stderr + clone_run.stderr
    wheel_report, clone_report = json.loads(wheel_run.stdout), json.loads(clone_run.stdout)
    assert findings(wheel_report) == findings(clone_report)
    with open(os.path.join(EXAMPLE, "expected.json"), encoding="utf-8") as handle:
        expected = json.load(handle)["preview"]["findings"]
    assert sorted((f["policy"], f["resourceName"], f["message"]) for f in wheel_report["findings"]) == sorted(
        (f["policy"], f["resourceName"], f["message"]) for f in expected)


def test_audit_and_check_files_outside_the_clone(installed):
    audit = run([installed["cli"], "audit", STATE, "--format", "json"], cwd=installed["workdir"])
    clone_audit = run([sys.executable, "-m", "appflow_guard.checker.cli", "audit", STATE, "--format", "json"],
                      cwd=REPO_ROOT)
    assert audit.returncode == clone_audit.returncode, audit.stderr + clone_audit.stderr
    assert findings(json.loads(audit.stdout)) == findings(json.loads(clone_audit.stdout)) != []

    check_files = run([installed["cli"], "check-files", "aws-managed-keys/__main__.py"], cwd=installed["workdir"])
    assert check_files.returncode == 1, check_files.stdout + check_files.stderr
    assert "aws-appflow-flow-configure-customer-managed-key" in check_files.stdout


def test_policy_pack_flag_still_overrides_the_bundled_pack(installed, tmp_path):
    not_a_pack = tmp_path / "not-a-pack"
    not_a_pack.mkdir()
    refused = run([installed["cli"], "check", "aws-managed-keys", "--policy-pack", str(not_a_pack)],
                  cwd=installed["workdir"])
    assert refused.returncode == 2
    assert refused.stderr.strip().splitlines() == [f"appflow-guard: {not_a_pack} is not a policy pack "
                                                   "(no PulumiPolicy.yaml)"]
    clone_pack = run([installed["cli"], "check", "aws-managed-keys", "--policy-pack", REPO_ROOT, "--format", "json"],
                     cwd=installed["workdir"])
    assert clone_pack.returncode == 1, clone_pack.stderr
    assert json.loads(clone_pack.stdout)["findings"]
