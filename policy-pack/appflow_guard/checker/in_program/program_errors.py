"""The program's own failure as one line: its exception, its message, and its file and line."""

from __future__ import annotations

import os
import re
import sys
import traceback


def program_error(program_dir: str = "") -> str:
    """The program's own exception: its message and the deepest frame in the program's own files.

    An exception raised in an ``apply`` callback reaches here through the SDK's futures; its traceback
    still holds the callback's frame, which is what names the program's file and line.
    """
    kind, error, trace = sys.exc_info()
    location = ""
    # The folder as given and as resolved: code objects keep the path the program was run by (a symlink
    # stays a symlink), the working directory is the resolved one.
    roots = {os.path.join(os.path.abspath(folder), "") for folder in (program_dir or os.getcwd(), os.getcwd())}
    roots |= {os.path.join(os.path.realpath(root), "") for root in roots}
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        for frame in traceback.extract_tb(error.__traceback__):
            root = next((root for root in roots if frame.filename.startswith(root)), None)
            if root and os.sep + "site-packages" + os.sep not in frame.filename:
                location = f" ({os.path.relpath(frame.filename, root)}:{frame.lineno})"
        if location:
            break
        error = error.__cause__ or error.__context__
    _, error, _ = sys.exc_info()
    lines = [line.strip() for line in str(error).strip().splitlines() if line.strip()]
    message = lines[0] if lines else ""
    named = re.match(r"While processing resource: '([^']+)'", message)
    if named:
        # The SDK's wrapper of an invalid input (often an apply callback's result): say what was wrong
        # (its innermost line) and where the program declares that resource.
        if len(lines) > 1:
            message += ": " + re.sub(r"^\w+ has risen: ", "", lines[-1])
        if not location:
            location = _declared_at(named.group(1), program_dir or os.getcwd())
    quoted = _quoted_location(lines, roots)  # where a transform failed, not where it was called from
    if quoted:
        location, message = quoted, message.rstrip(":")
    return f"{kind.__name__}: {message}{location}" if message else f"{kind.__name__}{location}"


def _quoted_location(lines: list, roots: set) -> str:
    """ " (file:line)" of the deepest frame in the program's own files that an error's text quotes, or "": a
    transform's error comes back from the program's callbacks server as text ("<message>:" and its stack)."""
    location = ""
    for line in lines:
        quoted = re.match(r'File "([^"]+)", line (\d+)', line)
        root = next((root for root in roots if quoted and quoted.group(1).startswith(root)), None)
        if root and os.sep + "site-packages" + os.sep not in quoted.group(1):
            location = f" ({os.path.relpath(quoted.group(1), root)}:{quoted.group(2)})"
    return location


def _declared_at(name: str, program_dir: str) -> str:
    """ " (file:line)" of the first string literal ``name`` in the program's own Python files, or ""."""
    literal = re.compile(r"""(["'])""" + re.escape(name) + r"\1")
    for folder, directories, files in os.walk(program_dir):
        directories[:] = sorted(d for d in directories if not d.startswith(".") and d not in ("venv", "node_modules"))
        for file in sorted(files):
            if file.endswith(".py"):
                path = os.path.join(folder, file)
                try:
                    with open(path, encoding="utf-8", errors="replace") as handle:
                        for number, text in enumerate(handle, start=1):
                            if literal.search(text):
                                return f" ({os.path.relpath(path, program_dir)}:{number})"
                except OSError:
                    continue
    return ""
