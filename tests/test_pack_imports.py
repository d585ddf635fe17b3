"""Starting the pack imports pulumi and pulumi-policy only (neither pulumi-aws nor pulumi-aws-native): every
stack pays for its start-up."""

import json
import os
import subprocess
import sys

from conftest import REPO_ROOT

HEAVY = ("pulumi_aws", "pulumi_aws_native", "papermill", "nbformat", "jsonschema", "matplotlib", "appflow_guard.checker")

PROBE = """
import json, runpy, sys
runpy.run_path(sys.argv[1], run_name="appflow_guard_probe")
import appflow_guard.pack
print(json.dumps(sorted(sys.modules)))
"""


def test_pack_entry_point_imports_no_heavy_module():
    completed = subprocess.run([sys.executable, "-c", PROBE, os.path.join(REPO_ROOT, "__main__.py")],
                               capture_output=True, text=True, cwd=REPO_ROOT, check=True)
    modules = json.loads(completed.stdout)
    assert "appflow_guard.pack" in modules and "pulumi_policy" in modules
    assert [name for name in modules if name.split(".")[0] in HEAVY or name in HEAVY] == []
