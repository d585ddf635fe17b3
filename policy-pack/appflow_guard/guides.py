"""What the guides in notebooks/ share, so that their cells hold only what a reader would write.

    from appflow_guard.guides import Guide
    guide = Guide(program_dir, phase, strict, config_path, results_path, repo_root)  # the papermill parameters
    program = guide.new_program("keys-before")       # then %%writefile {program}/__main__.py
    report = guide.check(program, guide.config({}))  # the offline checker, as the CLI runs it
    guide.show(report, TOPIC)                        # an HTML table in Jupyter, text elsewhere

A guide checks its own programs ("teaching"), or the reader's program when ``program_dir`` is set;
what it recorded goes to ``results_path`` as JSON, which the notebook tests read back.
matplotlib is imported only when a guide draws its heat map.
"""

from __future__ import annotations

import base64
import io
import json
import shutil
import sys
import tempfile
import textwrap
from collections import Counter
from html import escape
from pathlib import Path
from typing import Iterable, Mapping, Optional

from . import catalog
from .checker.api import REPOSITORY_PACK, check_program
from .checker.evaluate import Report
from .checker.heatmap import LEVEL_RANK, RANK_COLOURS, TITLE, Grid, build_grid, panel_title


def find_checkout(start: Path) -> Path:
    """The appflow-guard checkout at or above ``start``, else the one this package was installed from."""
    for folder in (start, *start.parents, Path(REPOSITORY_PACK)):
        if (folder / "PulumiPolicy.yaml").is_file() and (folder / "examples" / "shared").is_dir():
            return folder
    raise FileNotFoundError(f"no appflow-guard checkout at or above {start}; pass -p repo_root PATH")


def summary(report: Report) -> dict:
    """What a guide records about a report: verdict, counts per level and per policy, the (masked) findings."""
    return {"blocked": report.blocked,
            "levels": dict(Counter(f.enforcementLevel for f in report.findings)),
            "counts": dict(Counter(f.policy for f in report.findings)),
            "findings": [{"policy": f.policy, "resourceName": f.resourceName,
                          "enforcementLevel": f.enforcementLevel, "message": f.message} for f in report.findings]}


def _display(shown) -> None:
    """Jupyter's rich display (HTML, PNG) in a kernel; plain text anywhere else."""
    try:
        from IPython import get_ipython
    except ImportError:
        get_ipython = None
    if get_ipython is not None and get_ipython() is not None:
        from IPython.display import display

        display(shown)
    else:
        print(shown)


class FindingsTable:
    """A report's findings as a guide shows them: the verdict, then the findings of the guide's topic
    (the others only counted). Renders as an HTML table in Jupyter (``_repr_html_``), as text elsewhere."""

    def __init__(self, report: Report, phase: str, policies: Optional[Iterable[str]] = None) -> None:
        topic = None if policies is None else set(policies)
        self.shown = [f for f in report.findings if topic is None or f.policy in topic]
        levels = ", ".join(f"{count} {name}" for name, count in sorted(Counter(
            f.enforcementLevel for f in report.findings).items())) or "none"
        verdict = "would be BLOCKED" if report.blocked else "would go ahead"
        self.headline = f"{len(report.findings)} finding(s): {levels}. The {phase} {verdict}."
        self.others = sorted(Counter(f.policy for f in report.findings if f not in self.shown).items())

    def _others_line(self) -> str:
        return "Not listed, covered by other guides: " + ", ".join(
            f"{policy} ({count})" for policy, count in self.others)

    def __str__(self) -> str:
        lines = [self.headline]
        if self.shown:
            width = max(len(f.policy) for f in self.shown)
            lines.append(f"\n{'level':<10} {'policy':<{width}}  resource")
            for f in self.shown:
                lines.append(f"{f.enforcementLevel:<10} {f.policy:<{width}}  {f.resourceName}")
                lines += textwrap.wrap(f.message, 100, initial_indent=" " * 11, subsequent_indent=" " * 11,
                                       break_long_words=False, break_on_hyphens=False)
        if self.others:
            lines.append("\n" + self._others_line())
        return "\n".join(lines)

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(str(self))

    @property
    def html(self) -> str:
        # Jupyter's stylesheet right-aligns table cells; messages read better from the left.
        cell, header = '<td style="text-align: left">', '<th style="text-align: left">'
        rows = "".join(f"<tr>{cell}{escape(f.enforcementLevel)}</td>{cell}<code>{escape(f.policy)}</code></td>"
                       f"{cell}<code>{escape(f.resourceName)}</code></td>{cell}{escape(f.message)}</td></tr>"
                       for f in self.shown)
        headers = "".join(f"{header}{name}</th>" for name in ("level", "policy", "resource", "message"))
        table = f"<table><thead><tr>{headers}</tr></thead><tbody>{rows}</tbody></table>" if self.shown else ""
        others = f"<p>{escape(self._others_line())}</p>" if self.others else ""
        return f"<p><strong>{escape(self.headline)}</strong></p>{table}{others}"

    def _repr_html_(self) -> str:
        return self.html


class HeatMap:
    """The findings per policy (rows) and resource (columns) of one or more reports, drawn with
    matplotlib as a PNG with alt text; shown as the picture in Jupyter, as its alt text elsewhere."""

    def __init__(self, grid: Grid) -> None:
        self.grid = grid
        self.alt = grid.alt_text()
        self.png = self._draw()

    def _draw(self) -> bytes:
        import matplotlib

        matplotlib.use("Agg")  # render to PNG, no display needed
        import matplotlib.pyplot as plt
        from matplotlib.colors import BoundaryNorm, ListedColormap
        from matplotlib.patches import Patch

        grid, panels = self.grid, self.grid.panels
        if not grid.policies:
            figure, axes = plt.subplots(1, len(panels), figsize=(4 * len(panels), 1.6), squeeze=False)
            for ax, panel in zip(axes[0], panels):
                ax.set_title(panel.title)
                ax.text(0.5, 0.5, "no findings", ha="center", va="center")
                ax.axis("off")
        else:
            figure, axes = plt.subplots(1, len(panels), sharey=True, squeeze=False, figsize=(
                3.5 + 0.9 * len(grid.resources) * len(panels), 1.6 + 0.42 * len(grid.policies)))
            for ax, panel in zip(axes[0], panels):
                worst = [[LEVEL_RANK.get(panel.cells[(policy, resource)].level, 0)
                          if (policy, resource) in panel.cells else 0 for resource in grid.resources]
                         for policy in grid.policies]
                ax.imshow(worst, cmap=ListedColormap(RANK_COLOURS), norm=BoundaryNorm([0, 1, 2, 3, 4], 4),
                          aspect="auto")
                for (policy, resource), cell in panel.cells.items():
                    ax.text(grid.resources.index(resource), grid.policies.index(policy), cell.count,
                            ha="center", va="center", color="white", fontweight="bold")
                ax.set_xticks(range(len(grid.resources)), grid.resources, rotation=35, ha="right")
                ax.set_yticks(range(len(grid.policies)), [policy.removeprefix("aws-appflow-")
                                                          for policy in grid.policies])
                ax.set_xticks([x - 0.5 for x in range(len(grid.resources) + 1)], minor=True)
                ax.set_yticks([y - 0.5 for y in range(len(grid.policies) + 1)], minor=True)
                ax.grid(which="minor", color="white", linewidth=2)
                ax.tick_params(which="minor", length=0)
                ax.set_title(panel.title)
            figure.legend(handles=[Patch(color=RANK_COLOURS[LEVEL_RANK[name]], label=name)
                                   for name in ("mandatory", "advisory", "remediate")],
                          loc="upper right", ncol=3, frameon=False)
        figure.suptitle(TITLE, x=0.01, ha="left")
        figure.tight_layout(rect=(0, 0, 1, 0.93))
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
        plt.close(figure)
        return buffer.getvalue()

    def as_dict(self) -> dict:
        """What the picture shows, for the guide's results: panel titles, rows, columns, counts per cell."""
        return {"panels": [panel.title for panel in self.grid.panels], "policies": self.grid.policies,
                "resources": self.grid.resources, "png_bytes": len(self.png), "alt": self.alt,
                "cells": {panel.title: {f"{policy} | {resource}": cell.count
                                        for (policy, resource), cell in panel.cells.items()}
                          for panel in self.grid.panels if panel.cells}}

    def _repr_png_(self):
        return self.png, {"alt": self.alt}

    def _repr_html_(self) -> str:
        """The PNG with its alt text as an attribute (nbconvert's HTML ignores the PNG's alt metadata)."""
        return f'<img src="data:image/png;base64,{base64.b64encode(self.png).decode()}" alt="{escape(self.alt)}">'

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(self.alt)

    def __str__(self) -> str:
        return self.alt


class Guide:
    """One run of a guide: its parameters, a temporary folder for its programs, what it records."""

    def __init__(self, program_dir: Optional[str] = None, phase: str = "preview", strict: bool = False,
                 config_path: Optional[str] = None, results_path: Optional[str] = None,
                 repo_root: Optional[str] = None) -> None:
        if config_path is not None and program_dir is None:
            raise ValueError("config_path is for your own program: pass program_dir too")
        self.phase, self.strict, self.config_path, self.results_path = phase, strict, config_path, results_path
        self.teaching = program_dir is None  # False: the reader's program; claims about the guide's own are skipped
        self.repo = Path(repo_root).expanduser().resolve() if repo_root else find_checkout(Path.cwd().resolve())
        self.policies = {entry["name"]: entry for entry in catalog.entries()}
        self.work = Path(tempfile.mkdtemp(prefix="appflow-guide-"))
        self.results: dict = {"python": sys.prefix, "phase": phase, "strict": strict, "teaching": self.teaching,
                              "program_dir": None if self.teaching else str(Path(program_dir).expanduser().resolve()),
                              "before": None, "after": None}

    def config(self, guide_config: Mapping) -> dict:
        """The config to check with: the guide's example, or the reader's config_path file; strict sets "all"
        to mandatory (a level set for one policy still wins, as in the Pulumi engine)."""
        config = json.loads(Path(self.config_path).read_text()) if self.config_path else dict(guide_config)
        return {**config, "all": "mandatory"} if self.strict else config

    def describe(self, topic: Iterable[str], config: Mapping) -> None:
        """Print the topic's policies as the pack describes them (a renamed policy fails here), and the config."""
        for name in topic:
            entry = self.policies[name]
            print(f"{name}  [{entry['enforcementLevel']} by default, severity {entry['severity']}]")
            print(f"    {entry['description']}")
        print("\nconfig for this run:", json.dumps(config))

    def new_program(self, name: str) -> Path:
        """An empty Pulumi project folder, with examples/shared/appflow_stack.py copied beside its __main__.py."""
        folder = self.work / name
        folder.mkdir()
        (folder / "Pulumi.yaml").write_text(f"name: {name}\nruntime: python\n")
        shutil.copy(self.repo / "examples" / "shared" / "appflow_stack.py", folder)
        return folder

    def check(self, program, config: Mapping) -> Report:
        """The offline checker: run the program under mocks, then the pack exactly as the engine starts it."""
        return check_program(str(program), phase=self.phase, config=dict(config))

    def level(self, policy: str) -> str:
        """The level a finding of ``policy`` has in this run: its default level, or mandatory when strict."""
        return "mandatory" if self.strict else self.policies[policy]["enforcementLevel"]

    @staticmethod
    def findings(report: Report, policies: Optional[Iterable[str]] = None) -> list[tuple[str, str, str]]:
        """Sorted (policy, resource, level) of the report's findings; only those of ``policies`` when given."""
        topic = None if policies is None else set(policies)
        return sorted((f.policy, f.resourceName, f.enforcementLevel) for f in report.findings
                      if topic is None or f.policy in topic)

    def expected(self, *pairs: tuple[str, str]) -> list[tuple[str, str, str]]:
        """Sorted (policy, resource, level) for (policy, resource) pairs, at the level this run gives them."""
        return sorted((policy, resource, self.level(policy)) for policy, resource in pairs)

    @staticmethod
    def messages(report: Report, policies: Optional[Iterable[str]] = None) -> str:
        """The findings' messages (only those of ``policies`` when given), one per line."""
        topic = None if policies is None else set(policies)
        return "\n".join(f.message for f in report.findings if topic is None or f.policy in topic)

    def table(self, report: Report, policies: Optional[Iterable[str]] = None) -> FindingsTable:
        return FindingsTable(report, self.phase, policies)

    def show(self, report: Report, policies: Optional[Iterable[str]] = None) -> None:
        """Display the findings (those of ``policies`` listed, the others counted) under the verdict."""
        _display(self.table(report, policies))

    def record(self, name: str, report: Report) -> None:
        self.results[name] = summary(report)

    @staticmethod
    def heat_map(reports: Mapping[str, Report]) -> HeatMap:
        """One panel per labelled report, titled with its finding count and verdict."""
        return HeatMap(build_grid([(panel_title(label, report), report) for label, report in reports.items()]))

    def finish(self) -> None:
        """Write what this run recorded to results_path, remove the guide's programs, print the verdicts."""
        if self.results_path:
            Path(self.results_path).write_text(json.dumps(self.results, indent=2, sort_keys=True) + "\n")
        shutil.rmtree(self.work, ignore_errors=True)
        for name, value in self.results.items():
            if isinstance(value, dict) and "blocked" in value:
                print(f"{name:12} {len(value['findings'])} finding(s), blocked={value['blocked']}")
