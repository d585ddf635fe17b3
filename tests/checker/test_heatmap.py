"""The heat map's grid: shared rows and columns across panels, counts, the most severe level per cell."""

from appflow_guard.checker.evaluate import Finding, Report
from appflow_guard.checker.heatmap import Cell, build_grid, panel_title, render_svg

ROTATION = "aws-appflow-kms-key-enable-rotation"
PRIVATE = "aws-appflow-connectorprofile-enforce-private-connection"


def report(*findings):
    return Report("preview", "appflow-guard", "0.1.0", "/pack", resources=3, findings=[
        Finding(policy, level, "high", "aws:kms/key:Key", resource, f"urn:{resource}", "message")
        for policy, resource, level in findings])


def test_cells_count_findings_and_keep_the_most_severe_level():
    before = report((ROTATION, "key", "advisory"), (PRIVATE, "salesforce", "advisory"),
                    (ROTATION, "key", "mandatory"), (ROTATION, "key", "remediate"))
    after = report((ROTATION, "key", "remediate"))
    grid = build_grid([(panel_title("before", before), before), (panel_title("after", after), after)])
    assert grid.policies == [PRIVATE, ROTATION] and grid.resources == ["key", "salesforce"]
    assert [panel.title for panel in grid.panels] == ["before: 4 finding(s), blocked", "after: 1 finding(s), not blocked"]
    assert grid.panels[0].cells == {(ROTATION, "key"): Cell(3, "mandatory"), (PRIVATE, "salesforce"): Cell(1, "advisory")}
    assert grid.panels[1].cells == {(ROTATION, "key"): Cell(1, "remediate")}
    assert grid.alt_text() == (
        "Heat map of findings per policy (rows) and resource (columns): before: 4 finding(s), blocked "
        f"({ROTATION} on key: 3 mandatory; {PRIVATE} on salesforce: 1 advisory); after: 1 finding(s), not blocked "
        f"({ROTATION} on key: 1 remediate)")
    svg = render_svg(grid)
    assert svg.count("<rect") == 3 + 2 * 2 * 2  # legend, then policies x resources per panel
    assert svg.count('fill="#d7301f"') == 2 and svg.count('fill="#4e79a7"') == 2  # legend + cells


def test_a_stack_without_findings_says_so():
    grid = build_grid([(panel_title("after", report()), report())])
    assert grid.policies == [] and grid.resources == [] and grid.panels[0].cells == {}
    assert grid.alt_text() == ("Heat map of findings per policy (rows) and resource (columns): "
                               "after: 0 finding(s), not blocked")
    assert ">no findings</text>" in render_svg(grid)


def test_names_are_escaped_in_the_svg():
    hostile = report((ROTATION, '<script>alert("x")</script>', "mandatory"))
    svg = render_svg(build_grid([("t", hostile)]))
    assert "<script>" not in svg and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in svg
