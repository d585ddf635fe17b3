"""checkov in its own throwaway virtualenv (build/checkov-venv), never a project dependency."""

from __future__ import annotations

import os
import subprocess
import sys
import time

CHECKS = "CKV_AWS_263,CKV_AWS_264"  # AppFlow flow / connector profile encrypted with a customer managed key
REQUIREMENT = "checkov>=3.2,<4"


def venv_checkov(venv: str) -> str:
    return os.path.join(venv, "bin", "checkov")


def ensure_checkov(venv: str, base_python: str = "python3", timeout: float = 900.0) -> tuple[str | None, str]:
    """(path of the checkov executable or None, version or the reason it is unavailable).

    Creates ``venv`` with ``python3 -m venv`` and pip-installs checkov into it on first use; a
    later run reuses it. Nothing is installed into the project's environment.
    """
    executable = venv_checkov(venv)
    if not os.path.isfile(executable):
        print(f"  installing checkov into {venv} (first run only) ...", flush=True)
        steps = [[base_python, "-m", "venv", "--clear", venv],
                 [os.path.join(venv, "bin", "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                  REQUIREMENT]]
        for command in steps:
            try:
                completed = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
            except (OSError, subprocess.TimeoutExpired) as error:
                return None, f"{' '.join(command[:4])} failed: {error}"
            if completed.returncode != 0:
                detail = (completed.stderr or completed.stdout).strip().splitlines()
                return None, f"{' '.join(command[:4])} failed: {detail[-1] if detail else completed.returncode}"
    try:
        completed = subprocess.run([executable, "--version"], capture_output=True, text=True, timeout=300)
    except (OSError, subprocess.TimeoutExpired) as error:
        return None, f"checkov --version failed: {error}"
    if completed.returncode != 0:
        detail = (completed.stderr or completed.stdout).strip().splitlines()
        return None, f"checkov --version failed: {detail[-1] if detail else completed.returncode}"
    return executable, completed.stdout.strip()


def run_checkov(executable: str, directory: str, timeout: float = 1800.0) -> dict:
    """Time checkov on ``directory`` with only the two AppFlow checks; returns its verdict counts."""
    command = [executable, "--directory", directory, "--framework", "terraform", "--check", CHECKS,
               "--compact", "--quiet", "--output", "json", "--skip-download"]
    env = {**os.environ, "BC_SKIP_MAPPING": "TRUE", "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false"}
    started = time.perf_counter()
    completed = subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=env)
    seconds = time.perf_counter() - started
    summary: dict = {}
    try:
        import json

        document = json.loads(completed.stdout)
        reports = document if isinstance(document, list) else [document]
        for report in reports:
            for key in ("passed", "failed", "skipped", "resource_count"):
                summary[key] = summary.get(key, 0) + int(report.get("summary", {}).get(key, 0))
    except (ValueError, AttributeError, TypeError):
        summary["unparsed_output"] = completed.stdout[-300:]
    # checkov exits 1 when a check fails; anything else non-zero is an error.
    if completed.returncode not in (0, 1):
        detail = (completed.stderr or completed.stdout).strip().splitlines()
        raise RuntimeError(f"checkov exited {completed.returncode}: {detail[-1] if detail else ''}")
    return {"seconds": round(seconds, 3), "command": " ".join([os.path.basename(command[0])] + command[1:]),
            "exit_code": completed.returncode, **summary}


if __name__ == "__main__":
    path, detail = ensure_checkov(sys.argv[1] if len(sys.argv) > 1 else "build/checkov-venv")
    print(path, detail)
