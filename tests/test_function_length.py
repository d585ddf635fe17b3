"""No function in policy-pack/ is over 80 lines (decorators included): a longer one is split, so that each
reads on one screen."""

import ast
import pathlib

import appflow_guard

PACKAGE = pathlib.Path(appflow_guard.__file__).parent
LIMIT = 80


def longer_than(limit: int, source: str) -> list[tuple[str, int]]:
    """(name, lines) of every function or method in ``source`` longer than ``limit`` lines."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            start = min([node.lineno] + [decorator.lineno for decorator in node.decorator_list])
            if node.end_lineno - start + 1 > limit:
                found.append((node.name, node.end_lineno - start + 1))
    return found


def test_no_function_in_the_pack_is_over_80_lines():
    long = [f"{path.relative_to(PACKAGE)}: {name} ({lines} lines)" for path in sorted(PACKAGE.rglob("*.py"))
            for name, lines in longer_than(LIMIT, path.read_text(encoding="utf-8"))]
    assert long == []


def test_a_function_of_81_lines_is_counted_with_its_decorator():
    body = "".join(f"    x{index} = {index}\n" for index in range(79))
    assert longer_than(LIMIT, "def kept():\n" + body) == []
    assert longer_than(LIMIT, "@staticmethod\ndef split():\n" + body) == [("split", 81)]
