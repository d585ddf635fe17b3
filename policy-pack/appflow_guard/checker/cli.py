"""appflow-guard: the pack's verdict on a Pulumi program or an exported stack, without AWS or the CLI.

  appflow-guard check PROGRAM_DIR     run the program under mocks and evaluate the pack on it
  appflow-guard check-files FILE...   check the Pulumi projects these files belong to (pre-commit)
  appflow-guard audit STATE_FILE      evaluate the pack on `pulumi stack export` output
  appflow-guard policies              the catalog as a table, JSON or Markdown

Exit codes: 0 no mandatory violation, 1 mandatory violations, 2 the check could not run.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from typing import TYPE_CHECKING

from .api import PackSession, audit_state, check_program, load_state_file
from .cli_options import add_pack_options, add_program_inputs, add_program_options, add_report_options, load_inputs
from .errors import CheckError

if TYPE_CHECKING:
    from .evaluate import Report


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):
        self.exit(2, f"appflow-guard: {message}\n")


def _write(text: str, output: str | None) -> None:
    if output:
        try:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text)
        except OSError as error:
            raise CheckError(f"cannot write {output}: {error.strerror}") from None
    else:
        sys.stdout.write(text)


def _emit(report: Report, options, program_files: list[str], base_dir: str) -> int:
    from .output import render_html, render_json, render_markdown, render_sarif, render_text

    if options.format == "json":
        text = render_json(report)
    elif options.format == "sarif":
        text = render_sarif(report, program_files, base_dir)
    elif options.format == "markdown":
        text = render_markdown(report)
    elif options.format == "html":
        text = render_html(report)
    else:
        colour = not options.output and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
        text = render_text(report, colour=colour)
    _write(text, options.output)
    return 1 if report.blocked else 0


def _check(options) -> int:
    inputs = load_inputs(options)
    report = check_program(options.program_dir, options.phase, options.stack, inputs.config, inputs.pack,
                           options.timeout, mocks=inputs.mocks, stack_references=inputs.stack_references)
    return _emit(report, options, report.program_files, os.getcwd())


PROJECT_FILES = ("Pulumi.yaml", "Pulumi.yml")


def projects_of(files: list[str]) -> list[str]:
    """The Pulumi projects (nearest folder with Pulumi.yaml at or above each file), each once, in order."""
    projects = {}
    for path in files:
        folder = os.path.dirname(os.path.abspath(path))
        while True:
            if any(os.path.isfile(os.path.join(folder, name)) for name in PROJECT_FILES):
                projects[folder] = None
                break
            parent = os.path.dirname(folder)
            if parent == folder:
                break
            folder = parent
    return list(projects)


def _is_python_project(folder: str) -> bool:
    import yaml

    path = next(os.path.join(folder, name) for name in PROJECT_FILES if os.path.isfile(os.path.join(folder, name)))
    try:
        with open(path, encoding="utf-8") as handle:
            settings = yaml.safe_load(handle)
    except (OSError, yaml.YAMLError):
        return True  # the check says what is wrong with it
    runtime = settings.get("runtime") if isinstance(settings, dict) else None
    return (runtime.get("name") if isinstance(runtime, dict) else runtime) == "python"


def _check_files(options) -> int:
    """Check each Python project the files belong to; the worst outcome decides the exit code."""
    inputs = load_inputs(options)
    projects = projects_of(options.files)
    if not projects:
        print("appflow-guard: no Pulumi project among the files")
        return 0
    from .output import render_markdown, render_text

    status = 0
    with PackSession(inputs.pack, options.timeout) as session:  # one start of the pack for every project
        for folder in projects:
            shown = os.path.relpath(folder)
            if not _is_python_project(folder):
                print(f"== {shown}: skipped, not a Python program\n")
                continue
            try:
                report = session.check_program(folder, options.phase, options.stack, inputs.config)
            except CheckError as error:
                print(f"appflow-guard: {shown}: {error}", file=sys.stderr)
                status = 2
                continue
            print(f"== {shown}")
            print(render_markdown(report) if options.format == "markdown" else render_text(report))
            if report.blocked and status == 0:
                status = 1
    return status


def _audit(options) -> int:
    inputs = load_inputs(options)
    report = audit_state(load_state_file(options.state_file), inputs.config, inputs.pack, options.timeout)
    return _emit(report, options, [], os.getcwd())


def _policies(options) -> int:
    from .. import catalog

    if options.format == "json":
        text = json.dumps(catalog.entries(), indent=2) + "\n"
    elif options.format == "markdown":
        text = catalog.markdown_table() + "\n"
    else:
        entries = catalog.entries()
        width = max(len(entry["name"]) for entry in entries)
        text = "".join(f"{entry['name']:<{width}}  {entry['enforcementLevel']:<9}  {entry['severity']:<8}  "
                       f"{entry['description']}\n" for entry in entries)
    _write(text, options.output)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="appflow-guard", description=__doc__.splitlines()[0],
                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog="\n".join(__doc__.splitlines()[2:]))
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    check = commands.add_parser("check", help="evaluate the pack on a Pulumi Python program, offline")
    check.add_argument("program_dir", metavar="PROGRAM_DIR")
    add_program_options(check)
    add_program_inputs(check)
    add_pack_options(check)
    add_report_options(check)
    check.set_defaults(run=_check)

    check_files = commands.add_parser("check-files", help="check the Pulumi projects that these files belong to "
                                                          "(for pre-commit: the projects a commit touches)")
    check_files.add_argument("files", metavar="FILE", nargs="*")
    add_program_options(check_files)
    add_pack_options(check_files)
    add_report_options(check_files, formats=("text", "markdown"), output=False)
    check_files.set_defaults(run=_check_files)

    audit = commands.add_parser("audit", help="evaluate the pack on `pulumi stack export` output")
    audit.add_argument("state_file", metavar="STATE_FILE")
    add_pack_options(audit)
    add_report_options(audit)
    audit.set_defaults(run=_audit)

    policies = commands.add_parser("policies", help="list the pack's policies")
    policies.add_argument("--format", choices=("table", "json", "markdown"), default="table")
    policies.add_argument("--output", metavar="FILE")
    policies.set_defaults(run=_policies)
    return parser


def main(argv: list[str] | None = None) -> int:
    options = build_parser().parse_args(argv)
    try:
        return options.run(options)
    except CheckError as error:
        print(f"appflow-guard: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("appflow-guard: interrupted", file=sys.stderr)
        return 2


def console() -> None:
    """The ``appflow-guard`` command: ``main``, then the exit without the interpreter's teardown.

    Everything the command opened is closed by then (program and pack processes ended, reports
    written); tearing down grpc and the imported modules would add a tenth of an everyday check.
    """
    code = main()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a reader that went away: nothing more can be said to it
            pass
    os._exit(code)


if __name__ == "__main__":
    console()
