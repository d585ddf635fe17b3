"""Locating a Pulumi Python program and running it under mocks in its own interpreter."""

from __future__ import annotations

import base64
import json
import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from typing import Iterator, Optional

from google.protobuf import struct_pb2

from .errors import CheckError

IN_PROGRAM = os.path.join(os.path.dirname(os.path.abspath(__file__)), "in_program")
# Starts the in_program package's runner in the program's interpreter: the package is loaded by path
# under a private name (nothing is added to the program's sys.path), and its modules from their cached
# bytecode (a module is compiled on every start otherwise: 11 ms of an everyday check). The process runs
# with bytecode writing off, so that the program's own modules leave no __pycache__ in its folder; the
# package's cache is written beside the package only.
RUNNER_BOOTSTRAP = """\
import importlib, importlib.machinery, importlib.util, os, sys
folder, name = sys.argv.pop(1), "_appflow_guard_in_program"
class CachingLoader(importlib.machinery.SourceFileLoader):
    def get_code(self, fullname):
        writes, sys.dont_write_bytecode = sys.dont_write_bytecode, False
        try:
            return super().get_code(fullname)
        finally:
            sys.dont_write_bytecode = writes
sys.path_importer_cache[folder] = importlib.machinery.FileFinder(folder, (CachingLoader, [".py"]))
init = os.path.join(folder, "__init__.py")
spec = importlib.util.spec_from_file_location(name, init, loader=CachingLoader(name, init),
                                              submodule_search_locations=[folder])
sys.modules[name] = importlib.util.module_from_spec(spec)
spec.loader.exec_module(sys.modules[name])
sys.argv[0] = os.path.join(folder, "runner.py")
sys.exit(importlib.import_module(name + ".runner").main())
"""


@dataclass(frozen=True)
class Project:
    directory: str
    name: str
    main: str
    python: str
    config: dict
    secret_keys: frozenset = frozenset()
    notices: tuple = ()


def _read_yaml(path: str) -> dict:
    import yaml  # pulumi depends on PyYAML

    try:
        with open(path, encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
    except OSError as error:
        raise CheckError(f"cannot read {path}: {error.strerror}") from None
    except yaml.YAMLError as error:
        raise CheckError(f"{path} is not valid YAML: {str(error).splitlines()[0]}") from None
    if not isinstance(data, dict):
        raise CheckError(f"{path} must be a YAML mapping")
    return data


def _python_for(directory: str, runtime) -> str:
    """The program's virtualenv interpreter when Pulumi.yaml names one that exists, else ours."""
    options = runtime.get("options", {}) if isinstance(runtime, dict) else {}
    virtualenv = options.get("virtualenv") if isinstance(options, dict) else None
    if isinstance(virtualenv, str):
        candidate = os.path.join(directory, virtualenv, "bin", "python")
        if os.path.isfile(candidate):
            return candidate
    return sys.executable


def _stack_config(directory: str, project: str, stack: str) -> tuple[dict, frozenset, tuple]:
    """(config, the keys that hold secrets, notices) of Pulumi.<stack>.yaml, secure values decrypted as the CLI
    decrypts them when it can (passphrase provider and PULUMI_CONFIG_PASSPHRASE[_FILE]), else unknown."""
    from .secrets import StackSecrets

    path = os.path.join(directory, f"Pulumi.{stack}.yaml")
    if not os.path.isfile(path):
        return {}, frozenset(), ()
    settings = _read_yaml(path)
    config = settings.get("config") or {}
    if not isinstance(config, dict):
        raise CheckError(f"{path}: config must be a mapping")
    secrets = StackSecrets(path, settings)
    result, secret_keys = {}, set()
    for key, value in config.items():
        key = str(key) if ":" in str(key) else f"{project}:{key}"
        value, secret = secrets.reveal(key, value)
        if secret:
            secret_keys.add(key)
        result[key] = value
    return result, frozenset(secret_keys), tuple(secrets.notices())


def load_project(directory: str, stack: str) -> Project:
    if not os.path.isdir(directory):
        raise CheckError(f"no such folder: {directory}")
    directory = os.path.abspath(directory)
    if not os.access(directory, os.R_OK | os.X_OK):
        raise CheckError(f"cannot read folder {directory}: permission denied")
    path = next((os.path.join(directory, name) for name in ("Pulumi.yaml", "Pulumi.yml")
                 if os.path.isfile(os.path.join(directory, name))), None)
    if path is None:
        raise CheckError(f"{directory} is not a Pulumi project (no Pulumi.yaml)")
    settings = _read_yaml(path)
    name = settings.get("name")
    runtime = settings.get("runtime")
    runtime_name = runtime.get("name") if isinstance(runtime, dict) else runtime
    if not isinstance(name, str) or not name:
        raise CheckError(f"{path} has no project name")
    if runtime_name != "python":
        raise CheckError(f"{path}: runtime is {runtime_name!r}; the offline checker runs Python programs only")
    main = settings.get("main") or "."
    main_path = os.path.normpath(os.path.join(directory, str(main)))
    if os.path.isdir(main_path):
        main_path = os.path.join(main_path, "__main__.py")
    if not os.path.isfile(main_path):
        raise CheckError(f"{directory}: the program entry point {os.path.relpath(main_path, directory)} does not exist")
    config, secret_keys, notices = _stack_config(directory, name, stack)
    return Project(directory, name, main_path, _python_for(directory, runtime), config, secret_keys, notices)


def _end_session(process: subprocess.Popen) -> None:
    """Kill the program's process group (its children too) and reap the program."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    process.wait()


class ProgramRun:
    """The program running under mocks in its own process; iterating yields its registrations as it makes them.

    A registration is a dict (type, name, urn, parent, provider, dependencies, propertyDependencies...)
    whose "inputs" (and in update "outputs") are the protobuf Structs the program's SDK sent.

    Lines are read by a thread into a queue as soon as the runner writes them, so the program never
    waits on the checker. Iteration raises CheckError when the program fails, dies or overruns ``timeout``.
    """

    def __init__(self, project: Project, stack: str, phase: str, timeout: float,
                 mocks: Optional[dict] = None, stack_references: Optional[dict] = None,
                 stack_capture: str = "ours") -> None:
        self.timeout = timeout
        self.stderr_tail = ""
        self.notices: list[str] = []
        self._lines: queue.Queue = queue.Queue()
        self._stderr = tempfile.TemporaryFile()
        # Mocks, stack references and the secret keys travel in a file only the runner reads (it holds
        # decrypted config values when the config has secrets: removed as soon as the runner has read it,
        # and at the latest when the run ends).
        self._options = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8")
        with self._options:
            json.dump({"config": project.config, "mocks": mocks or {}, "stackReferences": stack_references or {},
                       "secretKeys": sorted(project.secret_keys), "stackCapture": stack_capture},
                      self._options)
        read_end, write_end = os.pipe()
        command = [project.python, "-c", RUNNER_BOOTSTRAP, IN_PROGRAM, "--program-dir", os.path.dirname(project.main),
                   "--main", project.main, "--project", project.name, "--stack", stack, "--phase", phase,
                   "--output-fd", str(write_end),
                   "--options", self._options.name]
        # Its own session, so that a timeout also ends whatever the program started; its stderr goes
        # to a file (a child left holding a pipe cannot stall us); no bytecode is written into the
        # program's folder.
        try:
            self._process = subprocess.Popen(
                command, cwd=os.path.dirname(project.main), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=self._stderr, start_new_session=True, pass_fds=(write_end,),
                env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
        except OSError as error:
            os.close(read_end)
            os.unlink(self._options.name)
            raise CheckError(f"the program could not be run with {project.python}: {error.strerror}") from None
        finally:
            os.close(write_end)
        self._deadline = time.monotonic() + timeout
        self._stream = os.fdopen(read_end, "rb")
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        """Until end of file, which comes when the runner exits or is killed (the program cannot hold it)."""
        with self._stream:
            for line in self._stream:
                self._lines.put(line)
        self._lines.put(None)

    def __enter__(self) -> "ProgramRun":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __iter__(self) -> Iterator[dict]:
        while True:
            try:
                line = self._lines.get(timeout=max(0.0, self._deadline - time.monotonic()))
            except queue.Empty:
                self.close()
                raise CheckError(f"the program did not finish within {self.timeout:g}s") from None
            if line is None:
                self.close()
                raise CheckError(f"the program could not be run: {self.stderr_tail or 'no output'}")
            message = json.loads(line)
            if "notice" in message:
                self.notices.append(message["notice"])
                continue
            if "error" in message:
                self.close()
                raise CheckError(f"the program failed: {message['error']}")
            if "done" in message:
                self.close()
                return
            for key in ("inputs", "outputs"):
                if key in message:
                    message[key] = struct_pb2.Struct.FromString(base64.b64decode(message[key]))
            yield message

    def close(self) -> None:
        """Kill the program's process group (its children too), reap the program, keep its last stderr line."""
        if self._stderr.closed:
            return
        try:
            os.unlink(self._options.name)
        except OSError:
            pass
        try:
            os.killpg(self._process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self._process.wait()
        self._stderr.seek(0)
        lines = self._stderr.read().decode(errors="replace").strip().splitlines()
        self.stderr_tail = lines[-1] if lines else ""
        self._stderr.close()


def run_program(project: Project, stack: str, phase: str, timeout: float) -> list[dict]:
    """Every registration the program makes, as the engine would receive it."""
    with ProgramRun(project, stack, phase, timeout) as program:
        return list(program)
