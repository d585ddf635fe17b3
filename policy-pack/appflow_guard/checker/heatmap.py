"""The heat map of findings per policy (rows) and resource (columns), one panel per report.

One grid serves every picture: the HTML report draws it as inline SVG with plain string formatting
(the checker needs no plotting library, so `--format html` works wherever the pack is installed),
and the guides draw the same grid with matplotlib.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING, Sequence

if TYPE_CHECKING:
    from .evaluate import Report

# A cell's colour is the most severe level among its findings.
LEVEL_RANK = {"remediate": 1, "advisory": 2, "mandatory": 3}
RANK_COLOURS = ("#eeeeee", "#4e79a7", "#f1a340", "#d7301f")  # no finding, remediate, advisory, mandatory
TITLE = "appflow-guard findings per policy and resource"


@dataclass(frozen=True)
class Cell:
    count: int
    level: str  # the most severe enforcement level of the cell's findings


@dataclass(frozen=True)
class Panel:
    title: str
    cells: dict[tuple[str, str], Cell]  # (policy, resource name) -> cell; empty cells are absent


@dataclass(frozen=True)
class Grid:
    policies: list[str]   # rows, sorted
    resources: list[str]  # columns, in the order the findings name them
    panels: list[Panel]

    def alt_text(self) -> str:
        """What the picture shows, in words: for screen readers and for an image that does not load."""
        described = []
        for panel in self.panels:
            cells = "; ".join(f"{policy} on {resource}: {cell.count} {cell.level}"
                              for (policy, resource), cell in panel.cells.items())
            described.append(f"{panel.title}" + (f" ({cells})" if cells else ""))
        return "Heat map of findings per policy (rows) and resource (columns): " + "; ".join(described)


def panel_title(label: str, report: Report) -> str:
    return f"{label}: {len(report.findings)} finding(s), {'blocked' if report.blocked else 'not blocked'}"


def build_grid(panels: Sequence[tuple[str, Report]]) -> Grid:
    """The grid of (title, report) panels: shared rows and columns, counts and worst level per cell."""
    policies = sorted({f.policy for _, report in panels for f in report.findings})
    resources = list(dict.fromkeys(f.resourceName for _, report in panels for f in report.findings))
    built = []
    for title, report in panels:
        cells: dict[tuple[str, str], Cell] = {}
        for finding in report.findings:
            key = (finding.policy, finding.resourceName)
            previous = cells.get(key, Cell(0, ""))
            worse = LEVEL_RANK.get(finding.enforcementLevel, 0) > LEVEL_RANK.get(previous.level, 0)
            cells[key] = Cell(previous.count + 1, finding.enforcementLevel if worse else previous.level)
        built.append(Panel(title, cells))
    return Grid(policies, resources, built)


# SVG layout, in pixels. Text widths are estimated (no font metrics without a renderer): 7 px per
# character at 12 px sans-serif is generous, so labels do not overlap the cells.
CELL_WIDTH, CELL_HEIGHT, CHAR_WIDTH, GAP = 46, 26, 7, 24


def render_svg(grid: Grid) -> str:
    """The grid as an inline SVG element (role img, labelled by its title and alt text)."""
    labels = [policy.removeprefix("aws-appflow-") for policy in grid.policies]
    label_width = CHAR_WIDTH * max((len(label) for label in labels), default=0) + 10
    longest = max((len(name) for name in grid.resources), default=0)
    header = int(0.6 * CHAR_WIDTH * longest) + 30  # column labels rise at 35 degrees: sin 35 = 0.57
    panel_width = CELL_WIDTH * max(len(grid.resources), 1)
    width = label_width + len(grid.panels) * (panel_width + GAP) + int(0.82 * CHAR_WIDTH * longest) + 10
    top = 50
    height = top + header + CELL_HEIGHT * max(len(grid.policies), 1) + 40
    alt = grid.alt_text()
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(alt)}" '
             f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
             f'font-family="sans-serif" font-size="12">',
             f"<title>{escape(TITLE)}</title>", f"<desc>{escape(alt)}</desc>",
             f'<text x="4" y="16" font-size="14" font-weight="bold">{escape(TITLE)}</text>']
    for index, name in enumerate(("mandatory", "advisory", "remediate")):
        x = 4 + index * 100
        parts.append(f'<rect x="{x}" y="26" width="12" height="12" fill="{RANK_COLOURS[LEVEL_RANK[name]]}"/>'
                     f'<text x="{x + 16}" y="36">{name}</text>')
    grid_top = top + header
    for row, label in enumerate(labels):
        y = grid_top + row * CELL_HEIGHT + CELL_HEIGHT / 2 + 4
        parts.append(f'<text x="{label_width - 6}" y="{y:g}" text-anchor="end">{escape(label)}</text>')
    for index, panel in enumerate(grid.panels):
        left = label_width + index * (panel_width + GAP)
        parts.append(f'<text x="{left}" y="{top + 4}" font-weight="bold">{escape(panel.title)}</text>')
        for column, resource in enumerate(grid.resources):
            x = left + column * CELL_WIDTH + CELL_WIDTH / 2
            parts.append(f'<text x="{x:g}" y="{grid_top - 6}" transform="rotate(-35 {x:g} {grid_top - 6})">'
                         f"{escape(resource)}</text>")
        if not grid.policies:
            parts.append(f'<text x="{left}" y="{grid_top + CELL_HEIGHT / 2 + 4:g}">no findings</text>')
        for row, policy in enumerate(grid.policies):
            for column, resource in enumerate(grid.resources):
                cell = panel.cells.get((policy, resource))
                x, y = left + column * CELL_WIDTH, grid_top + row * CELL_HEIGHT
                colour = RANK_COLOURS[LEVEL_RANK.get(cell.level, 0) if cell else 0]
                parts.append(f'<rect x="{x + 1}" y="{y + 1}" width="{CELL_WIDTH - 2}" height="{CELL_HEIGHT - 2}" '
                             f'fill="{colour}">')
                if cell:
                    parts.append(f"<title>{escape(policy)} on {escape(resource)}: {cell.count} {cell.level}</title>")
                parts.append("</rect>")
                if cell:
                    parts.append(f'<text x="{x + CELL_WIDTH / 2:g}" y="{y + CELL_HEIGHT / 2 + 4:g}" '
                                 f'text-anchor="middle" fill="white" font-weight="bold">{cell.count}</text>')
    parts.append("</svg>")
    return "\n".join(parts)
