"""Packaging hook: the wheel carries the policy pack's entry point beside the rules it imports.

The pack's entry point (PulumiPolicy.yaml, __main__.py, requirements.txt) sits at the repository
root, where `pulumi preview --policy-pack <repo>` and `pulumi policy publish` expect it. A wheel has
no repository root, so the build copies those three files into the package as
``appflow_guard/bundled_pack/``; the checker uses that folder when it runs outside a clone.
Everything else is declared in pyproject.toml.
"""

import os
import shutil

from setuptools import setup
from setuptools.command.build_py import build_py

PACK_ENTRY_FILES = ("PulumiPolicy.yaml", "__main__.py", "requirements.txt")
HERE = os.path.dirname(os.path.abspath(__file__))


class BuildWithPackEntry(build_py):
    """build_py, plus the pack's entry files copied into appflow_guard/bundled_pack/."""

    def run(self):
        super().run()
        target = os.path.join(self.build_lib, "appflow_guard", "bundled_pack")
        os.makedirs(target, exist_ok=True)
        for name in PACK_ENTRY_FILES:
            shutil.copyfile(os.path.join(HERE, name), os.path.join(target, name))


setup(cmdclass={"build_py": BuildWithPackEntry})
