"""A file the engine must read (FileAsset, FileArchive, an AssetArchive member) that is missing: the engine refuses
the program, and `appflow-guard check` refuses it the same way (exit 2, the engine's words, the resource)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pulumi_engine import EngineWorkspace, build_engine  # noqa: E402

pytestmark = pytest.mark.e2e

PROGRAM = """
    import pulumi
    import pulumi_aws as aws

    aws.s3.BucketObjectv2("readme", bucket="acme-landing", key="README.md", source={source})
"""


@pytest.mark.parametrize("source, refused", [
    ('pulumi.FileAsset("docs/README.md")',
     "failed to compute asset hash at source: failed to open asset file '{dir}/docs/README.md': "
     "open {dir}/docs/README.md: no such file or directory"),
    ('pulumi.AssetArchive({"site": pulumi.FileArchive("build/site.zip")})',
     "failed to compute archive hash at source.site: open {dir}/build/site.zip: no such file or directory"),
])
def test_the_engine_and_the_checker_refuse_a_missing_file_alike(tmp_path, source, refused):
    workspace = EngineWorkspace(build_engine(), str(tmp_path / "engine"))
    program = tmp_path / "assets"
    program.mkdir()
    (program / "Pulumi.yaml").write_text("name: assets\nruntime: python\n")
    (program / "__main__.py").write_text(textwrap.dedent(PROGRAM.format(source=source)))
    project = workspace.project(str(program))
    workspace.init_stack(project)

    run = workspace.preview(project)
    engine_text = run.stdout + run.stderr + "\n".join(run.diagnostics("error"))
    assert run.exit_code != 0
    assert refused.format(dir=project) in engine_text, engine_text

    completed = subprocess.run([sys.executable, "-m", "appflow_guard.checker.cli", "check", str(program)],
                               capture_output=True, text=True, timeout=300)
    assert completed.returncode == 2 and completed.stdout == ""
    assert completed.stderr == ('appflow-guard: the program failed: Exception: aws:s3/bucketObjectv2:BucketObjectv2 '
                                f'"readme": unmarshal properties: {refused.format(dir=program)}\n')
