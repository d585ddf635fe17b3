"""Rendering a report as text (like the Policies section of `pulumi preview`), JSON, SARIF 2.1.0,
Markdown (a pull request comment or a CI job summary) or one self-contained HTML page."""

from __future__ import annotations

import json
import os
import re
from html import escape
from itertools import groupby
from typing import Optional

from .evaluate import Finding, Report
from .heatmap import build_grid, panel_title, render_svg

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_LEVELS = {"mandatory": "error", "advisory": "warning", "remediate": "note"}
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0", "": "5.0"}
ICONS = {"mandatory": "❌", "advisory": "⚠️ ", "remediate": "🔧"}
COLOURS = {"mandatory": "\033[31m", "advisory": "\033[33m", "remediate": "\033[36m"}
RESET = "\033[0m"


def render_json(report: Report) -> str:
    return json.dumps(report.as_json(), indent=2) + "\n"


def render_text(report: Report, colour: bool = False) -> str:
    def paint(level: str, text: str) -> str:
        return f"{COLOURS[level]}{text}{RESET}" if colour else text

    pack = f"{report.pack_name}@v{report.pack_version}"
    lines = ["Policies:"]
    if not report.findings:
        lines.append(f"    ✅ {pack} (local: {report.pack_dir})")
    else:
        icon = "❌" if report.blocked else "⚠️ "
        lines.append(f"    {icon} {pack} (local: {report.pack_dir})")
        for finding in report.findings:
            level = paint(finding.enforcementLevel, f"[{finding.enforcementLevel}]")
            lines.append(f"        - {level}  {finding.policy}  ({finding.resourceType}: {finding.resourceName})")
            description = report.policies.get(finding.policy, {}).get("description", "")
            if description:
                lines.append(f"          {description}")
            lines.extend(f"          {line}" for line in finding.message.splitlines())
    if report.notes:
        lines += ["", "Not checked as under the engine:"] + [f"    - {note}" for note in report.notes]
    lines += ["", verdict_line(report)]
    return "\n".join(lines) + "\n"


def verdict_line(report: Report) -> str:
    """The last line of the text report, also the verdict of the Markdown and HTML ones."""
    verdict = "blocked: mandatory policy violations" if report.blocked else "passed"
    return (f"{verdict}; {report.count('mandatory')} mandatory, {report.count('advisory')} advisory, "
            f"{report.count('remediate')} remediated on {report.resources} resources ({report.phase})")


def _heading(report: Report) -> str:
    icon = "❌" if report.blocked else ("⚠️" if report.findings else "✅")
    return f"{icon} appflow-guard: {'blocked' if report.blocked else 'passed'} ({report.phase})"


def _by_policy(report: Report) -> list[tuple[str, list[Finding]]]:
    """The findings grouped by policy, in the order the report lists them (the pack's policy order)."""
    order = {name: index for index, name in enumerate(dict.fromkeys(f.policy for f in report.findings))}
    ordered = sorted(report.findings, key=lambda finding: order[finding.policy])
    return [(policy, list(group)) for policy, group in groupby(ordered, key=lambda finding: finding.policy)]


# Characters that Markdown or a GFM table would interpret inside a cell or a list item; `<`, `>` and
# `&` become entities, because GitHub renders HTML in Markdown.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def _md(text: str) -> str:
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", escape(text, quote=False))
    return text.replace("\r\n", "\n").replace("\n", "<br>")


def render_markdown(report: Report) -> str:
    """For a pull request comment or $GITHUB_STEP_SUMMARY: verdict, counts, findings, details collapsed."""
    lines = [f"### {_heading(report)}", "", _md(verdict_line(report)), "",
             "| mandatory | advisory | remediated | resources | phase |", "|---:|---:|---:|---:|---|",
             f"| {report.count('mandatory')} | {report.count('advisory')} | {report.count('remediate')} "
             f"| {report.resources} | {report.phase} |", ""]
    if report.findings:
        lines += ["| Policy | Resource | Level | Message |", "|---|---|---|---|"]
        lines += [f"| {_md(f.policy)} | {_md(f.resourceName)} | {f.enforcementLevel} | {_md(f.message)} |"
                  for f in report.findings]
        lines += ["", "<details>", f"<summary>Details: what each policy checks, how to fix it, the resources' "
                  f"URNs ({len(report.findings)} finding(s))</summary>", ""]
        for policy, findings in _by_policy(report):
            metadata = report.policies.get(policy, {})
            lines += [f"#### {_md(policy)}", ""]
            if metadata.get("description"):
                lines += [_md(metadata["description"]) + (f" Severity: {_md(metadata['severity'])}."
                                                          if metadata.get("severity") else ""), ""]
            lines += [f"- {f.enforcementLevel}: {_md(f.resourceType)} {_md(f.resourceName)} "
                      f"({_md(f.urn)}): {_md(f.message)}" for f in findings]
            if metadata.get("remediationSteps"):
                lines += ["", "How to fix it: " + _md(metadata["remediationSteps"])]
            if metadata.get("url"):
                lines += ["", f"More: <{metadata['url']}>"]
            lines.append("")
        lines.append("</details>")
    else:
        lines.append("No findings.")
    if report.notes:
        lines += ["", "**Not checked as under the engine:**", ""] + [f"- {_md(note)}" for note in report.notes]
    lines += ["", f"<sub>{_md(report.pack_name)}@v{_md(report.pack_version)}</sub>"]
    return "\n".join(lines) + "\n"


HTML_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem; color: #1b1b1b; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { border: 1px solid #ccc; padding: 0.3rem 0.6rem; text-align: left; vertical-align: top; }
td.number { text-align: right; }
tr.mandatory td.level { color: #b2182b; font-weight: bold; }
tr.advisory td.level { color: #a35c00; }
tr.remediate td.level { color: #2b5c8a; }
code { font-size: 0.9em; }
figure { margin: 1rem 0; overflow-x: auto; }
details { margin: 1rem 0; }
"""


HEAT_MAP_CAPTION = ("Each coloured cell is a policy (row) that reports a resource (column): the number counts its "
                    "findings, the colour is the most severe level.")


def render_html(report: Report) -> str:
    """One self-contained page: the Markdown report's content and the heat map as inline SVG."""
    grid = build_grid([(panel_title(report.phase, report), report)])
    counts = "".join(f'<td class="number">{value}</td>' for value in (
        report.count("mandatory"), report.count("advisory"), report.count("remediate"), report.resources))
    parts = [
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        # Nothing is loaded from anywhere: the page works offline and as a CI artifact.
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        f"<title>{escape(_heading(report))}</title>", f"<style>{HTML_STYLE}</style>", "</head>", "<body>", "<main>",
        f"<h1>{escape(_heading(report))}</h1>", f'<p class="verdict">{escape(verdict_line(report))}</p>',
        "<table><thead><tr><th>mandatory</th><th>advisory</th><th>remediated</th><th>resources</th><th>phase</th>"
        f"</tr></thead><tbody><tr>{counts}<td>{escape(report.phase)}</td></tr></tbody></table>",
        f"<figure>{render_svg(grid)}<figcaption>{escape(HEAT_MAP_CAPTION)}</figcaption></figure>"]
    if report.findings:
        parts.append("<table><thead><tr><th>Policy</th><th>Resource</th><th>Level</th><th>Message</th></tr></thead>"
                     "<tbody>")
        parts += [f'<tr class="{escape(f.enforcementLevel)}"><td><code>{escape(f.policy)}</code></td>'
                  f"<td><code>{escape(f.resourceName)}</code></td><td class=\"level\">{escape(f.enforcementLevel)}</td>"
                  f"<td>{escape(f.message)}</td></tr>" for f in report.findings]
        parts += ["</tbody></table>", "<details>",
                  f"<summary>Details: what each policy checks, how to fix it, the resources' URNs "
                  f"({len(report.findings)} finding(s))</summary>"]
        for policy, findings in _by_policy(report):
            metadata = report.policies.get(policy, {})
            parts.append(f"<h2><code>{escape(policy)}</code></h2>")
            if metadata.get("description"):
                severity = f" Severity: {escape(metadata['severity'])}." if metadata.get("severity") else ""
                parts.append(f"<p>{escape(metadata['description'])}{severity}</p>")
            parts.append("<ul>" + "".join(
                f"<li>{escape(f.enforcementLevel)}: <code>{escape(f.resourceType)}</code> <code>"
                f"{escape(f.resourceName)}</code> (<code>{escape(f.urn)}</code>): {escape(f.message)}</li>"
                for f in findings) + "</ul>")
            if metadata.get("remediationSteps"):
                parts.append(f"<p>How to fix it: {escape(metadata['remediationSteps'])}</p>")
            if metadata.get("url"):
                parts.append(f'<p>More: <a href="{escape(metadata["url"])}">{escape(metadata["url"])}</a></p>')
        parts.append("</details>")
    else:
        parts.append("<p>No findings.</p>")
    if report.notes:
        parts.append("<h2>Not checked as under the engine</h2><ul>" +
                     "".join(f"<li>{escape(note)}</li>" for note in report.notes) + "</ul>")
    parts += [f"<footer><small>{escape(report.pack_name)}@v{escape(report.pack_version)}</small></footer>",
              "</main>", "</body>", "</html>"]
    return "\n".join(parts) + "\n"


def _source_line(program_files: list[str], resource_name: str) -> tuple[Optional[str], int]:
    """The program file and line where the resource's logical name appears as a string literal."""
    literal = re.compile(r"""(["'])""" + re.escape(resource_name) + r"\1")
    for path in program_files:
        try:
            with open(path, encoding="utf-8") as handle:
                for number, line in enumerate(handle, start=1):
                    if literal.search(line):
                        return path, number
        except OSError:
            continue
    return (program_files[0] if program_files else None), 1


def render_sarif(report: Report, program_files: list[str], base_dir: str) -> str:
    used = sorted({finding.policy for finding in report.findings})
    rules = []
    for name in used:
        metadata = report.policies.get(name, {})
        rules.append({
            "id": name, "name": name,
            "shortDescription": {"text": metadata.get("description") or name},
            "fullDescription": {"text": metadata.get("description") or name},
            "helpUri": metadata.get("url") or "https://docs.aws.amazon.com/appflow/latest/userguide/data-protection.html",
            "help": {"text": metadata.get("remediationSteps") or metadata.get("description") or name},
            "properties": {"security-severity": SECURITY_SEVERITY.get(metadata.get("severity", ""), "5.0"),
                           "tags": ["security", "appflow", "pulumi"]},
        })
    results = []
    for finding in report.findings:
        path, line = _source_line(program_files, finding.resourceName)
        location = {"logicalLocations": [{"fullyQualifiedName": finding.urn or finding.resourceName,
                                          "name": finding.resourceName, "kind": "resource"}]}
        if path:
            location["physicalLocation"] = {
                "artifactLocation": {"uri": os.path.relpath(path, base_dir).replace(os.sep, "/")},
                "region": {"startLine": line}}
        results.append({
            "ruleId": finding.policy,
            "ruleIndex": used.index(finding.policy),
            "level": SARIF_LEVELS[finding.enforcementLevel],
            "message": {"text": f"{finding.resourceType} '{finding.resourceName}': {finding.message}"},
            "locations": [location],
            "partialFingerprints": {"appflowGuard/v1": f"{finding.policy}:{finding.urn}"},
        })
    document = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": report.pack_name, "version": report.pack_version,
                                "informationUri": "https://docs.aws.amazon.com/appflow/latest/userguide/data-protection.html",
                                "rules": rules}},
            "results": results,
            "properties": {"phase": report.phase},
        }],
    }
    return json.dumps(document, indent=2) + "\n"
