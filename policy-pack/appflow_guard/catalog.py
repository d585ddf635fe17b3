"""The pack's catalog, generated from each policy's constructor metadata (the README tables too).

Run ``python -m appflow_guard.catalog`` for the Markdown tables, or ``--write README.md`` to
refresh the policy table and the traceability table (appflow_guard.traceability) between their markers.
"""

from __future__ import annotations

import argparse
import sys

from pulumi_policy import StackValidationPolicy

from . import traceability
from .core.types import is_native
from .pack import POLICIES, RULE_MODULES

TABLE_START = "<!-- policy-table:start -->"
TABLE_END = "<!-- policy-table:end -->"


def entries() -> list[dict]:
    """One plain dict per policy: everything the engine and Pulumi Cloud show about it."""
    result = []
    for module, policy in zip(RULE_MODULES, POLICIES):
        properties = policy.config_schema.properties if policy.config_schema else {}
        result.append({
            "name": policy.name,
            "displayName": policy.display_name,
            "description": policy.description,
            "type": "stack" if isinstance(policy, StackValidationPolicy) else "resource",
            "enforcementLevel": policy.enforcement_level.value,
            "severity": policy.severity.value if policy.severity else None,
            "tags": list(policy.tags or []),
            "remediationSteps": policy.remediation_steps,
            "url": policy.url,
            "config": {key: value.get("description", "") for key, value in properties.items()},
            "reads": sorted(getattr(module, "READS", ())),
            "enforces": list(module.ENFORCES),
        })
    return result


def markdown_table() -> str:
    lines = [
        "| Policy | Checks | Default level | Severity | Config keys |",
        "|---|---|---|---|---|",
    ]
    for entry in entries():
        config = ", ".join(f"`{key}`" for key in entry["config"])
        lines.append(f"| `{entry['name']}` | {entry['description']} | {entry['enforcementLevel']} | "
                     f"{entry['severity']} | {config} |")
    return "\n".join(lines)


def config_reference() -> str:
    """Every config key of every policy with its description, for the README."""
    lines = []
    for entry in entries():
        lines.append(f"- `{entry['name']}`")
        for key, description in entry["config"].items():
            lines.append(f"  - `{key}`: {description}")
    return "\n".join(lines)


def reads_table() -> str:
    """The resource types each policy reads, per provider (each rule module's READS)."""
    lines = [
        "| Policy | pulumi-aws types | aws-native types |",
        "|---|---|---|",
    ]
    for entry in entries():
        aws = ", ".join(f"`{token}`" for token in entry["reads"] if not is_native(token)) or "none"
        native = ", ".join(f"`{token}`" for token in entry["reads"] if is_native(token)) or "none"
        lines.append(f"| `{entry['name']}` | {aws} | {native} |")
    return "\n".join(lines)


def render_readme_section() -> str:
    return (f"{TABLE_START}\n{markdown_table()}\n\nResource types each policy reads (a policy is about a protection, "
            f"not a provider: the finding's resource type says which one):\n\n{reads_table()}\n\n"
            f"Config keys per policy:\n\n{config_reference()}\n{TABLE_END}")


README_SECTIONS = (
    (TABLE_START, TABLE_END, render_readme_section),
    (traceability.TABLE_START, traceability.TABLE_END, traceability.render_readme_section),
)


def replace_readme_sections(readme: str) -> str:
    for start_marker, end_marker, render in README_SECTIONS:
        start, end = readme.find(start_marker), readme.find(end_marker)
        if start < 0 or end < start:
            raise ValueError(f"README has no {start_marker} ... {end_marker} markers")
        readme = readme[:start] + render() + readme[end + len(end_marker):]
    return readme


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m appflow_guard.catalog", description=__doc__.splitlines()[0])
    parser.add_argument("--write", metavar="README", help="rewrite the tables between the markers of this file")
    options = parser.parse_args(argv)
    if not options.write:
        print("\n\n".join(render() for _, _, render in README_SECTIONS))
        return 0
    try:
        with open(options.write, encoding="utf-8") as handle:
            updated = replace_readme_sections(handle.read())
    except (OSError, ValueError) as error:
        print(f"catalog: {error}", file=sys.stderr)
        return 2
    with open(options.write, "w", encoding="utf-8") as handle:
        handle.write(updated)
    return 0


if __name__ == "__main__":
    sys.exit(main())
