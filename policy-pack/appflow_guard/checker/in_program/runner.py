"""Runs one Pulumi Python program under pulumi's mocks and records every resource registration.

Started by project.RUNNER_BOOTSTRAP (``main``) in the interpreter that has the program's dependencies,
so it imports nothing but pulumi and its own package. Mocks
answer like AWS: in preview, computed outputs (ARNs, IDs, generated names) stay unknown; in update,
they get realistic values. Streams one JSON line per registration to the file descriptor
--output-fd as the program makes it, so that the checker analyzes resources while the program is
still running (as the engine does), and ends with {"done": N} or {"error": "..."}. A registration's
"inputs" (and in update its "outputs") are the protobuf Struct the SDK sent, base64-encoded: no
decoding here, none in the checker.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import types
from typing import Callable, Optional

from .program_errors import program_error
from .run_state import Emitter, RunSettings


class MockedProgram:
    """One run of the program under the mocks: its settings, the stream it writes, the config it reads."""

    def __init__(self, program_dir: str, main: str, project: str, stack: str, phase: str, config: dict,
                 emit: Callable[[dict], None], options: Optional[dict] = None) -> None:
        options = options or {}
        self.program_dir = program_dir
        self.main = main
        self.settings = RunSettings.of(project, stack, phase, config, options)
        self.emitter = Emitter(emit)
        self.config = config
        self.secret_keys = options.get("secretKeys") or []
        self.stack_capture = options.get("stackCapture") or "ours"

    def run(self) -> None:
        # pulumi is imported here, once main has tuned the collector for the program's allocations.
        import pulumi
        from pulumi.runtime import mocks
        from pulumi.runtime.stack import run_pulumi_func
        from pulumi.runtime.sync_await import _sync_await

        from .aws_mocks import make_unfiled_references_unknown
        from .recording_monitor import RecordingMonitor

        from . import stack_capture

        stack_capture.install(self.stack_capture)
        settings = self.settings
        if not settings.preview:
            make_unfiled_references_unknown(pulumi, settings.stack_references)
        pulumi.runtime.set_all_config({key: value if isinstance(value, str) else json.dumps(value)
                                       for key, value in self.config.items()}, self.secret_keys)
        monitor = RecordingMonitor(settings, self.emitter)
        mocks.set_mocks(monitor.mocks, project=settings.project, stack=settings.stack, preview=settings.preview,
                        monitor=monitor)
        os.chdir(self.program_dir)
        sys.path.insert(0, self.program_dir)
        sys.argv = [self.main]
        _sync_await(run_pulumi_func(self.run_main))

    def run_main(self) -> None:
        """What runpy.run_path(main, run_name="__main__") does, without its three frames.

        The SDK captures the whole call stack for every resource (source positions) and converts
        each frame below the program's: every frame the runner adds costs on every resource.
        """
        with open(self.main, "rb") as handle:
            code = compile(handle.read(), self.main, "exec")
        module = types.ModuleType("__main__")
        module.__dict__.update(__file__=self.main, __cached__=None, __loader__=None, __package__=None, __spec__=None)
        previous = sys.modules.get("__main__")
        sys.modules["__main__"] = module
        try:
            exec(code, module.__dict__)
        finally:
            sys.modules["__main__"] = previous


def run(program_dir: str, main: str, project: str, stack: str, phase: str, config: dict,
        emit: Callable[[dict], None], options: Optional[dict] = None) -> None:
    """Run the program, passing each registration to ``emit`` (from the SDK's worker threads, serialised).

    ``options``: "mocks" ({"invokes": {token: answer}, "resources": {type or name: outputs}}),
    "stackReferences" ({stack name: outputs}), "secretKeys" (config keys that hold secrets),
    "sdkStackCapture" (keep the SDK's own capture of the whole call stack for every resource instead
    of stack_capture's, which records the same source position: for comparing the two).
    ``emit`` also receives {"notice": text} for what the checker must tell the user.
    """
    MockedProgram(program_dir, main, project, stack, phase, config, emit, options).run()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--program-dir", required=True)
    parser.add_argument("--main", required=True)
    parser.add_argument("--project", required=True)
    parser.add_argument("--stack", required=True)
    parser.add_argument("--phase", choices=("preview", "update"), required=True)
    parser.add_argument("--config", default="{}")
    parser.add_argument("--output-fd", type=int, required=True)
    parser.add_argument("--options", help="a JSON file: mocks, stack references, secret config keys")
    options = parser.parse_args()
    run_options = {}
    if options.options:
        with open(options.options, encoding="utf-8") as handle:
            run_options = json.load(handle)
        try:
            os.unlink(options.options)  # it may hold decrypted config values
        except OSError:
            pass
    os.set_inheritable(options.output_fd, False)  # processes the program starts do not hold the stream open
    count = 0
    with open(options.output_fd, "w", encoding="utf-8", closefd=True) as stream:
        def emit(registration: dict) -> None:
            nonlocal count
            stream.write(json.dumps(registration) + "\n")  # dumps uses the C encoder; dump() does not
            stream.flush()
            count += "notice" not in registration

        # A program allocates many small, long-lived objects (resources, outputs, tasks): collecting
        # the young generation every 700 allocations costs a third of a large program's run.
        gc.set_threshold(50_000, 20, 100)
        try:
            run(options.program_dir, options.main, options.project, options.stack, options.phase,
                run_options.get("config", json.loads(options.config)), emit, run_options)
            result = {"done": count}
        except BaseException:  # the program's failure is reported, whatever it raised
            result = {"error": program_error(options.program_dir)}
        stream.write(json.dumps(result) + "\n")
    return 0
