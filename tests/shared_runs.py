"""Results shared by the tests of one pytest run: each program is checked, and run by the engine, once.

Several suites compare the same programs: the checker's own expectations (tests/checker), the engine
agreement suite and the verdict corpus. The first test that needs a result computes it, under a file
lock, in a folder every pytest-xdist worker of the run shares; the others read it. A fresh folder per
run, so nothing is ever reused from an earlier run.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from typing import Callable, Optional

# A check must not depend on the shell it runs from: programs whose stack needs a passphrase name it
# in their checker.json.
PASSPHRASE_VARIABLES = ("PULUMI_CONFIG_PASSPHRASE", "PULUMI_CONFIG_PASSPHRASE_FILE")
CLI = (sys.executable, "-m", "appflow_guard.checker.cli")


@dataclass(frozen=True)
class Completed:
    """What a command printed and returned."""
    returncode: int
    stdout: str
    stderr: str


class SharedRuns:
    def __init__(self, folder: str) -> None:
        self.folder = folder

    @classmethod
    def of_run(cls, tmp_path_factory, worker_id: str) -> "SharedRuns":
        """The folder of this test run: the workers' common parent under xdist, else the base temp."""
        base = tmp_path_factory.getbasetemp()
        folder = (base if worker_id == "master" else base.parent) / "shared-runs"
        folder.mkdir(exist_ok=True)
        return cls(str(folder))

    def once(self, name: str, compute: Callable[[], dict]) -> dict:
        """``compute()``'s JSON result, computed by the first test that asks for ``name`` in this run."""
        path = os.path.join(self.folder, f"{name}.json")
        with open(f"{path}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if os.path.isfile(path):
                with open(path, encoding="utf-8") as handle:
                    return json.load(handle)
            result = compute()
            with open(path, "w", encoding="utf-8") as handle:
                json.dump(result, handle)
            return result

    def check(self, program: str, phase: str, config: Optional[str] = None, extra: Optional[list] = None,
              env: Optional[dict] = None, output_format: str = "json") -> Completed:
        """`appflow-guard check` on a program, run in the program's folder (the file arguments of its
        checker.json are relative to it), once per run for the same arguments."""
        command = [*CLI, "check", program, "--phase", phase, "--format", output_format, *(extra or [])]
        if config:
            command += ["--config", config]
        environ = {key: value for key, value in os.environ.items() if key not in PASSPHRASE_VARIABLES}
        environ.update(env or {})
        identity = json.dumps([command, program, config_text(config), sorted(
            (key, value) for key, value in environ.items() if not key.startswith("PYTEST_"))])
        name = "check-" + hashlib.sha256(identity.encode()).hexdigest()[:24]

        def run() -> dict:
            completed = subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=program, env=environ)
            return {"returncode": completed.returncode, "stdout": completed.stdout, "stderr": completed.stderr}

        return Completed(**self.once(name, run))


def config_text(path: Optional[str]) -> Optional[str]:
    """A policy config file's content: one path may hold different configs within a run."""
    if not path or not os.path.isfile(path):
        return None
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def program_file(program: str, name: str) -> dict:
    """A JSON file beside a program (expected.json, checker.json); {} when it has none."""
    path = os.path.join(program, name)
    if not os.path.isfile(path):
        return {}
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def check_program(runs: SharedRuns, program: str, phase: str, output_format: str = "json") -> Completed:
    """A program of examples/ or tests/programs*/ checked as its files say: the policy config
    expected.json names, the flags and environment of checker.json."""
    config = program_file(program, "expected.json").get("config")
    options = program_file(program, "checker.json")
    return runs.check(program, phase, os.path.join(program, config) if config else None, options.get("args"),
                      options.get("env"), output_format)
