"""Runs one Pulumi Python program against the engine: the stand-in language host's executor.

Started by language_host.py with the program's own interpreter, so it imports nothing but the
Python standard library and the pulumi SDK installed there. It connects the SDK to the engine's
resource monitor and engine services, loads the stack's config (``PULUMI_CONFIG`` and
``PULUMI_CONFIG_SECRET_KEYS``), runs the program as ``__main__`` inside the root stack resource,
and reports a failure through the engine's log, as the real host does, before exiting with
EXIT_ERROR_REPORTED.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import runpy
import sys
import traceback

EXIT_ERROR_REPORTED = 32


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="program_executor")
    for flag in ("--monitor", "--engine", "--project", "--stack", "--organization", "--root-directory"):
        parser.add_argument(flag, default="")
    parser.add_argument("--parallel", type=int, default=0)
    parser.add_argument("--dry-run", choices=("true", "false"), default="false")
    parser.add_argument("program")
    parser.add_argument("args", nargs=argparse.REMAINDER)
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    options = parse(argv)
    import pulumi
    import pulumi.runtime
    from pulumi.errors import RunError
    from pulumi.runtime.stack import run_in_stack

    pulumi.runtime.set_all_config(json.loads(os.environ.get("PULUMI_CONFIG") or "{}"),
                                  json.loads(os.environ.get("PULUMI_CONFIG_SECRET_KEYS") or "[]"))
    pulumi.runtime.configure(pulumi.runtime.Settings(
        project=options.project, stack=options.stack, monitor=options.monitor, engine=options.engine,
        parallel=options.parallel, dry_run=options.dry_run == "true",
        organization=options.organization or None, root_directory=options.root_directory or None))

    program = os.path.abspath(options.program)
    sys.argv = [program, *options.args]
    # runpy puts a program folder on sys.path itself; a program file's folder is added here.
    if os.path.isfile(program):
        sys.path.insert(0, os.path.dirname(program))

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        loop.run_until_complete(run_in_stack(lambda: runpy.run_path(program, run_name="__main__")))
    except RunError as error:
        pulumi.log.error(str(error))
        return EXIT_ERROR_REPORTED
    except Exception:  # noqa: BLE001 the program's own failure, reported to the user
        pulumi.log.error("Program failed with an unhandled exception:\n" + traceback.format_exc())
        return EXIT_ERROR_REPORTED
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
