"""The checker as a Python API, for notebooks and scripts: the same path as the CLI.

    from appflow_guard.checker.api import check_program
    report = check_program("examples/aws-managed-keys", phase="preview", config={"all": "mandatory"})
    report.blocked, [finding.policy for finding in report.findings]
"""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING, Any, Optional

from .errors import CheckError
from .pack_folder import REPOSITORY_PACK, PackFolder, resolve_pack
from .project import ProgramRun, load_project

if TYPE_CHECKING:
    from .evaluate import Report

# The analyzer client (pulumi's protocol modules, grpc, jsonschema) takes a tenth of a second to
# import; check_program starts the program and the pack first and imports it while they start up.

def _pack(policy_pack: "str | PackFolder | None") -> PackFolder:
    """A pack the caller resolved (the CLI, before it reads anything else) or a folder to resolve."""
    return policy_pack if isinstance(policy_pack, PackFolder) else resolve_pack(policy_pack)


def _require_phase(phase: str) -> None:
    if phase not in ("preview", "update"):
        raise CheckError(f"phase must be preview or update, not {phase!r}")


def check_program(program_dir: str, phase: str = "preview", stack: str = "dev", config: Optional[dict] = None,
                  policy_pack: "str | PackFolder | None" = None, timeout: float = 120.0, mocks: Optional[dict] = None,
                  stack_references: Optional[dict] = None) -> Report:
    """Run the Pulumi program in ``program_dir`` under mocks and evaluate the pack on it.

    ``policy_pack``: a folder (default: this repository's pack, REPOSITORY_PACK) or a resolved pack;
    ``mocks``: answers to data sources and resource outputs (mocksfile.load_mocks); ``stack_references``:
    stack name -> its outputs. The report's ``notes`` say what could not be checked as under the engine.
    """
    _require_phase(phase)
    with PackSession(policy_pack, timeout) as session:
        return session.check_program(program_dir, phase, stack, config, mocks, stack_references)


class PackSession:
    """One process of the pack for several checks in a row (``check-files``, scripts over many programs).

    The pack keeps nothing of a stack between requests but its config, which each check sends afresh,
    so a check here reports what ``check_program`` reports, without the pack's start-up (about half a
    second) after the first. A check that fails ends the process; the next one starts another.
    """

    def __init__(self, policy_pack: "str | PackFolder | None" = None, timeout: float = 120.0) -> None:
        self.pack = _pack(policy_pack)
        self.timeout = timeout
        self._process = None  # started by the first check, kept while checks succeed

    def __enter__(self) -> "PackSession":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._process is not None:
            self._process.stop()
            self._process = None

    def check_program(self, program_dir: str, phase: str = "preview", stack: str = "dev",
                      config: Optional[dict] = None, mocks: Optional[dict] = None,
                      stack_references: Optional[dict] = None) -> Report:
        """``check_program`` with this session's pack and timeout."""
        _require_phase(phase)
        project = load_project(program_dir, stack)
        try:
            report = self._evaluate(project, stack, phase, config, mocks, stack_references)
        except BaseException:
            self.close()
            raise
        report.program_files = [project.main] + sorted(
            os.path.join(project.directory, name) for name in os.listdir(project.directory)
            if name.endswith(".py") and os.path.join(project.directory, name) != project.main)
        return report

    def _evaluate(self, project, stack: str, phase: str, config: Optional[dict], mocks: Optional[dict],
                  stack_references: Optional[dict]) -> Report:
        # The pack boots while the program starts, and each resource is analyzed as the program registers
        # it, as the engine does; the program's own errors are reported before the pack's.
        evaluation = None
        try:
            with ProgramRun(project, stack, phase, self.timeout, mocks=mocks,
                            stack_references=stack_references) as program:
                from .pack_process import PackProcess

                if self._process is None:
                    self._process = PackProcess(self.pack.path, timeout=self.timeout, python=self.pack.python)
                    self._process.spawn()  # before the rest of the client is imported: the pack boots meanwhile
                from .evaluate import Evaluation
                from .sources import RegistrationSource

                source = RegistrationSource(project.name, stack, project.config, phase)
                registrations = iter(program)
                try:
                    self._process.start()
                    evaluation = Evaluation(self._process, self.pack, config or {}, phase)
                except CheckError:
                    for _ in registrations:  # a failing program is the first thing to fix
                        pass
                    raise
                for registration in registrations:
                    for resource, state in source.add(registration):
                        evaluation.analyze(resource, state)
            report = evaluation.finish()
            report.notes = [*project.notices, *program.notices]
            return report
        finally:
            if evaluation is not None:
                evaluation.close()


def audit_state(document: Any, config: Optional[dict] = None, policy_pack: "str | PackFolder | None" = None,
                timeout: float = 120.0) -> Report:
    """Evaluate the pack on a `pulumi stack export` document (already parsed)."""
    from .evaluate import evaluate
    from .sources import from_state

    pack = _pack(policy_pack)
    _, resources, states = from_state(document)
    return evaluate(resources, states, pack, config or {}, "update", timeout)


# `pulumi stack export` of a stack of thousands of resources is a few MB; a state file above this
# is refused before it is read, rather than held in memory and scanned for minutes.
MAX_STATE_BYTES = 32 * 1024 * 1024


def load_state_file(path: str) -> Any:
    try:
        with open(path, encoding="utf-8") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > MAX_STATE_BYTES:
                raise CheckError(f"state file {path} is {size / 1e6:.1f} MB; the checker reads state files of up to "
                                 f"{MAX_STATE_BYTES // (1024 * 1024)} MB")
            return json.load(handle)
    except OSError as error:
        raise CheckError(f"cannot read state file {path}: {error.strerror}") from None
    except (ValueError, RecursionError) as error:
        raise CheckError(f"state file {path} is not valid JSON: {error}") from None
