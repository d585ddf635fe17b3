"""checker/in_program/ runs in the program's interpreter, which has the program's dependencies only: the
checker never imports it (project.py starts it), and it imports nothing of appflow_guard outside itself."""

import ast
import pathlib
import sys

import appflow_guard

PACKAGE = pathlib.Path(appflow_guard.__file__).parent
IN_PROGRAM = PACKAGE / "checker" / "in_program"
# What the program's interpreter has besides the standard library: pulumi and what it brings.
PROGRAM_SIDE = {"pulumi", "google", "grpc"}


def imported(path: pathlib.Path) -> list[tuple[int, str]]:
    """(level, dotted name) of every import in a module: level 0 absolute, 1 the module's own package, ..."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.extend((0, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            found.extend((node.level, f"{node.module or ''}.{alias.name}".strip(".")) for alias in node.names)
    return found


def outside_the_program_side(level: int, name: str) -> bool:
    if level == 1:
        return False  # a sibling in in_program/
    return level > 1 or name.split(".")[0] not in sys.stdlib_module_names | PROGRAM_SIDE


def test_nothing_outside_in_program_imports_it():
    importers = [f"{path.relative_to(PACKAGE)}: {name}" for path in sorted(PACKAGE.rglob("*.py"))
                 if IN_PROGRAM not in path.parents for _, name in imported(path) if "in_program" in name.split(".")]
    assert importers == []


def test_in_program_imports_only_itself_the_standard_library_and_pulumi():
    modules = sorted(IN_PROGRAM.glob("*.py"))
    assert {path.name for path in modules} >= {"runner.py", "recording_monitor.py", "aws_mocks.py", "shaped_values.py"}
    outside = [f"{path.name}: {'.' * level}{name}" for path in modules for level, name in imported(path)
               if outside_the_program_side(level, name)]
    assert outside == []


def test_the_import_rule_refuses_what_the_program_side_lacks():
    assert outside_the_program_side(2, "errors.CheckError")  # from ..errors import CheckError
    assert outside_the_program_side(0, "appflow_guard.core.values")
    assert outside_the_program_side(0, "yaml")
    assert not outside_the_program_side(0, "pulumi.runtime.mocks")
    assert not outside_the_program_side(1, "aws_answers")
