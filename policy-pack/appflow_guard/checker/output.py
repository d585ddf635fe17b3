"""Rendering a report as text (like the Policies section of `pulumi preview`), JSON or SARIF 2.1.0."""

from __future__ import annotations

import json
import os
import re
from typing import Optional

from .evaluate import Report

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
    summary = (f"{report.count('mandatory')} mandatory, {report.count('advisory')} advisory, "
               f"{report.count('remediate')} remediated on {report.resources} resources ({report.phase})")
    verdict = "blocked: mandatory policy violations" if report.blocked else "passed"
    if report.notes:
        lines += ["", "Not checked as under the engine:"] + [f"    - {note}" for note in report.notes]
    lines += ["", f"{verdict}; {summary}"]
    return "\n".join(lines) + "\n"


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
