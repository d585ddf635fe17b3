"""The commands' options, each declared once, and the files they name, loaded once.

Loading reads and checks them in one order for every command (config file, mocks, stack
references, the pack), so that of several bad inputs the same one is reported first.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from typing import Optional

from .config import load_config_file
from .pack_folder import PackFolder, resolve_pack

REPORT_FORMATS = ("text", "json", "sarif", "markdown", "html")


def add_program_options(parser: argparse.ArgumentParser) -> None:
    """How the program runs: the phase and the stack."""
    parser.add_argument("--phase", choices=("preview", "update"), default="preview",
                        help="preview: computed outputs unknown (default); update: resolved")
    parser.add_argument("--stack", default="dev", help="stack name (default dev); reads Pulumi.<stack>.yaml config")


def add_program_inputs(parser: argparse.ArgumentParser) -> None:
    """What the program reads from outside: data sources, resource outputs, other stacks."""
    parser.add_argument("--mocks", metavar="FILE",
                        help="YAML or JSON: answers to data sources (invokes) and resource outputs (resources)")
    parser.add_argument("--stack-reference", action="append", metavar="ORG/PROJECT/STACK=FILE",
                        help="outputs (YAML or JSON mapping) of a stack the program references; repeatable")


def add_pack_options(parser: argparse.ArgumentParser) -> None:
    """Which pack, with which config, and how long it may take."""
    parser.add_argument("--policy-pack", metavar="DIR", help="policy pack folder (default: this clone's pack, else the one installed with it)")
    parser.add_argument("--config", metavar="FILE", help="policy config JSON, as for `pulumi policy enable --config`")
    parser.add_argument("--timeout", type=float, default=120.0, metavar="SECONDS",
                        help="give up on a program or pack that does not answer (default 120)")


def add_report_options(parser: argparse.ArgumentParser, formats: tuple = REPORT_FORMATS, output: bool = True) -> None:
    """The report's format (of ``formats``) and, with ``output``, the file it goes to."""
    parser.add_argument("--format", choices=formats, default="text",
                        help="markdown: for a pull request comment or $GITHUB_STEP_SUMMARY" +
                             ("; html: one self-contained page with a heat map of findings per policy and resource"
                              if "html" in formats else ""))
    if output:
        parser.add_argument("--output", metavar="FILE", help="write the report to FILE instead of standard output")


@dataclass(frozen=True)
class Inputs:
    """What the options name, read and checked."""

    config: dict
    pack: PackFolder
    mocks: Optional[dict] = None
    stack_references: dict = field(default_factory=dict)


def load_inputs(options: argparse.Namespace) -> Inputs:
    """The config file, mocks and stack references (for a command that has them), then the pack."""
    config = load_config_file(options.config) if options.config else {}
    mocks_file, references = getattr(options, "mocks", None), getattr(options, "stack_reference", None)
    mocks, stack_references = None, {}
    if mocks_file or references:
        from .mocksfile import load_mocks, parse_stack_reference

        mocks = load_mocks(mocks_file) if mocks_file else None
        stack_references = dict(parse_stack_reference(spec) for spec in references or [])
    return Inputs(config, resolve_pack(options.policy_pack), mocks, stack_references)
