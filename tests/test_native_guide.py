"""The README's aws-native guide: its two programs give the findings the guide lists.

The programs are read from README.md (the python blocks after the ``native-guide`` markers), written
into throwaway Pulumi projects and checked with the offline checker in both phases, so the guide
cannot drift from the pack.
"""

import os
import re

import pytest

from appflow_guard.checker.api import check_program
from conftest import REPO_ROOT

README = os.path.join(REPO_ROOT, "README.md")


def program(marker: str) -> str:
    with open(README, encoding="utf-8") as handle:
        readme = handle.read()
    match = re.search(rf"<!-- native-guide:{marker} -->\n```python\n(.*?)\n```", readme, re.DOTALL)
    assert match, f"README has no native-guide:{marker} program"
    return match.group(1) + "\n"


def write(tmp_path, marker):
    folder = tmp_path / marker
    folder.mkdir()
    (folder / "Pulumi.yaml").write_text(f"name: native-guide-{marker}\nruntime: python\n")
    (folder / "__main__.py").write_text(program(marker))
    return str(folder)


def guide_table():
    """(policy, resource) rows of the guide's table of findings."""
    with open(README, encoding="utf-8") as handle:
        section = handle.read().split("### Guide: the same protections with pulumi-aws-native", 1)[1]
    section = section.split("**The compliant version.**", 1)[0]
    rows = re.findall(r"^\| `([a-z0-9-]+)`(?: \(advisory\))? \| (`[^`]+`|the stack) \|", section, re.MULTILINE)
    return sorted((policy, resource.strip("`")) for policy, resource in rows)


@pytest.mark.parametrize("phase", ["preview", "update"])
def test_what_a_new_team_writes_is_blocked_with_the_findings_the_guide_lists(tmp_path, phase):
    report = check_program(write(tmp_path, "before"), phase=phase)
    assert report.blocked
    found = sorted((f.policy, "the stack" if f.resourceType == "pulumi:pulumi:Stack" else f.resourceName)
                   for f in report.findings)
    assert found == guide_table()
    assert {f.resourceType for f in report.findings} <= {
        "aws-native:appflow:Flow", "aws-native:appflow:ConnectorProfile", "aws-native:s3:Bucket", "pulumi:pulumi:Stack"}
    levels = [f.enforcementLevel for f in report.findings]
    assert (levels.count("mandatory"), levels.count("advisory")) == (7, 4)
    assert "Winter2026" not in "".join(f.message for f in report.findings)


@pytest.mark.parametrize("phase", ["preview", "update"])
def test_the_compliant_version_has_no_finding(tmp_path, phase):
    report = check_program(write(tmp_path, "after"), phase=phase)
    assert (report.blocked, report.findings) == (False, [])
