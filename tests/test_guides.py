"""appflow_guard.guides, the helpers every guide in notebooks/ shares (the guides run in tests/notebooks)."""

import base64
import json
import subprocess
import sys
from pathlib import Path

import pytest

from appflow_guard.checker.evaluate import Finding, Report
from appflow_guard.guides import FindingsTable, Guide, HeatMap, find_checkout, summary
from conftest import REPO_ROOT

ROTATION = "aws-appflow-kms-key-enable-rotation"
PRIVATE = "aws-appflow-connectorprofile-enforce-private-connection"
TLS = "aws-appflow-s3-bucket-enforce-tls-only"
LEFT_CELL, LEFT_HEADER = '<td style="text-align: left">', '<th style="text-align: left">'


def report(*findings):
    return Report("preview", "appflow-guard", "0.1.0", REPO_ROOT, resources=4, findings=[
        Finding(policy, level, "high", "aws:kms/key:Key", resource, f"urn:{resource}", message)
        for policy, resource, level, message in findings])


BEFORE = report((ROTATION, "appflow-key", "mandatory", "enableKeyRotation is not true."),
                (PRIVATE, "salesforce", "advisory", "connectionMode is Public for a <Salesforce> connection."),
                (TLS, "landing", "mandatory", "No bucket policy denies requests with aws:SecureTransport false."))


@pytest.fixture
def guide(tmp_path):
    made = Guide(phase="preview", results_path=str(tmp_path / "results.json"), repo_root=REPO_ROOT)
    yield made
    made.finish()


def test_the_table_lists_the_topic_and_counts_the_rest():
    table = FindingsTable(BEFORE, "preview", [ROTATION, PRIVATE])
    assert str(table).splitlines() == [
        "3 finding(s): 1 advisory, 2 mandatory. The preview would be BLOCKED.",
        "",
        f"level      {'policy':<55}  resource",
        f"mandatory  {ROTATION:<55}  appflow-key",
        "           enableKeyRotation is not true.",
        f"advisory   {PRIVATE:<55}  salesforce",
        "           connectionMode is Public for a <Salesforce> connection.",
        "",
        f"Not listed, covered by other guides: {TLS} (1)"]
    assert table._repr_html_() == table.html == (
        "<p><strong>3 finding(s): 1 advisory, 2 mandatory. The preview would be BLOCKED.</strong></p>"
        "<table><thead><tr><th>level</th><th>policy</th><th>resource</th><th>message</th></tr></thead><tbody>"
        f"<tr><td>mandatory</td><td><code>{ROTATION}</code></td><td><code>appflow-key</code></td>"
        "<td>enableKeyRotation is not true.</td></tr>"
        f"<tr><td>advisory</td><td><code>{PRIVATE}</code></td><td><code>salesforce</code></td>"
        "<td>connectionMode is Public for a &lt;Salesforce&gt; connection.</td></tr></tbody></table>"
        f"<p>Not listed, covered by other guides: {TLS} (1)</p>"
    ).replace("<td>", LEFT_CELL).replace("<th>", LEFT_HEADER)


def test_a_clean_report_says_so_in_one_line():
    table = FindingsTable(report(), "update")
    assert str(table) == "0 finding(s): none. The update would go ahead."
    assert table.html == "<p><strong>0 finding(s): none. The update would go ahead.</strong></p>"


def test_show_prints_text_outside_jupyter(guide, capsys):
    guide.show(BEFORE, [TLS])
    assert capsys.readouterr().out.startswith("3 finding(s): 1 advisory, 2 mandatory. The preview would be BLOCKED.\n")


def test_assertion_helpers_give_sorted_triples_at_this_runs_level(tmp_path):
    default, strict = Guide(repo_root=REPO_ROOT), Guide(strict=True, repo_root=REPO_ROOT)
    try:
        assert default.findings(BEFORE, [PRIVATE, TLS]) == [(PRIVATE, "salesforce", "advisory"),
                                                            (TLS, "landing", "mandatory")]
        assert default.expected((TLS, "landing"), (PRIVATE, "salesforce")) == [
            (PRIVATE, "salesforce", "advisory"), (TLS, "landing", "mandatory")]
        assert strict.expected((PRIVATE, "salesforce")) == [(PRIVATE, "salesforce", "mandatory")]
        assert default.messages(BEFORE, [ROTATION]) == "enableKeyRotation is not true."
        assert default.config({"x": {"a": 1}}) == {"x": {"a": 1}}
        assert strict.config({"x": {"a": 1}}) == {"x": {"a": 1}, "all": "mandatory"}
    finally:
        default.finish()
        strict.finish()


def test_the_readers_config_file_replaces_the_guides_example(tmp_path):
    config = tmp_path / "policy-config.json"
    config.write_text(json.dumps({TLS: {"enforcementLevel": "advisory"}}))
    guide = Guide(program_dir=str(tmp_path), config_path=str(config), strict=True, repo_root=REPO_ROOT)
    try:
        assert guide.teaching is False and guide.results["program_dir"] == str(tmp_path.resolve())
        assert guide.config({ROTATION: {}}) == {TLS: {"enforcementLevel": "advisory"}, "all": "mandatory"}
    finally:
        guide.finish()
    with pytest.raises(ValueError, match="config_path is for your own program: pass program_dir too"):
        Guide(config_path=str(config))


def test_new_programs_are_pulumi_projects_with_the_shared_builders(guide):
    program = guide.new_program("keys-before")
    assert (program / "Pulumi.yaml").read_text() == "name: keys-before\nruntime: python\n"
    assert (program / "appflow_stack.py").read_bytes() == (
        Path(REPO_ROOT) / "examples" / "shared" / "appflow_stack.py").read_bytes()
    assert program.parent == guide.work


def test_finish_writes_the_results_and_removes_the_programs(tmp_path, capsys):
    guide = Guide(results_path=str(tmp_path / "results.json"), repo_root=REPO_ROOT)
    guide.new_program("p")
    guide.record("before", BEFORE)
    guide.finish()
    results = json.loads((tmp_path / "results.json").read_text())
    assert results["before"] == summary(BEFORE) == {
        "blocked": True, "levels": {"mandatory": 2, "advisory": 1},
        "counts": {ROTATION: 1, PRIVATE: 1, TLS: 1},
        "findings": [{"policy": f.policy, "resourceName": f.resourceName, "enforcementLevel": f.enforcementLevel,
                      "message": f.message} for f in BEFORE.findings]}
    assert results["python"] == sys.prefix and results["teaching"] is True and results["after"] is None
    assert not guide.work.exists()
    assert capsys.readouterr().out == "before       3 finding(s), blocked=True\n"


def test_the_checkout_is_found_from_notebooks_or_from_the_package(tmp_path):
    assert find_checkout(Path(REPO_ROOT) / "notebooks") == Path(REPO_ROOT)
    assert find_checkout(tmp_path) == Path(REPO_ROOT)  # not in a checkout: the package's own


def test_the_heat_map_is_a_png_with_alt_text_and_the_cells_it_drew():
    chart = Guide.heat_map({"before": BEFORE, "after": report()})
    data, metadata = chart._repr_png_()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 1000
    assert metadata == {"alt": chart.alt} and str(chart) == chart.alt
    assert chart._repr_html_() == (f'<img src="data:image/png;base64,{base64.b64encode(data).decode()}" '
                                   f'alt="{chart.alt}">')
    assert chart.as_dict() == {
        "panels": ["before: 3 finding(s), blocked", "after: 0 finding(s), not blocked"],
        "policies": [PRIVATE, ROTATION, TLS], "resources": ["appflow-key", "salesforce", "landing"],
        "png_bytes": len(data), "alt": chart.alt,
        "cells": {"before: 3 finding(s), blocked": {f"{ROTATION} | appflow-key": 1, f"{PRIVATE} | salesforce": 1,
                                                    f"{TLS} | landing": 1}}}
    assert isinstance(Guide.heat_map({"clean": report()}), HeatMap)


def test_importing_the_guides_module_leaves_matplotlib_for_the_heat_map():
    probe = "import sys, appflow_guard.guides; print('matplotlib' in sys.modules)"
    completed = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                               env={"PYTHONPATH": str(Path(REPO_ROOT) / "policy-pack")})
    assert completed.stdout == "False\n"
