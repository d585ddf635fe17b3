"""Evaluating a policy pack on a stack's resources the way the Pulumi engine does.

For each resource in registration order: Remediate (policies at level remediate rewrite the
inputs; skipped when no policy is at that level, as it would answer nothing), then Analyze on
the result; then one AnalyzeStack over every resource. Diagnostics
become findings that name the policy, level, severity and the resource they are about.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from typing import Any, Optional

import yaml
from google.protobuf import json_format

from .config import reconcile
from .pack_process import PackProcess, Resource
from .protocol import ENFORCEMENT_LEVEL_NAMES, SEVERITY_NAMES


@dataclass
class Finding:
    policy: str
    enforcementLevel: str
    severity: str
    resourceType: str
    resourceName: str
    urn: str
    message: str


@dataclass
class Report:
    phase: str
    pack_name: str
    pack_version: str
    pack_dir: str
    resources: int
    findings: list[Finding] = field(default_factory=list)
    policies: dict[str, dict] = field(default_factory=dict)
    program_files: list[str] = field(default_factory=list)

    def count(self, level: str) -> int:
        return sum(1 for finding in self.findings if finding.enforcementLevel == level)

    @property
    def blocked(self) -> bool:
        return self.count("mandatory") > 0

    def as_json(self) -> dict[str, Any]:
        return {
            "phase": self.phase,
            "pack": {"name": self.pack_name, "version": self.pack_version},
            "findings": [asdict(finding) for finding in self.findings],
            "summary": {
                "resources": self.resources,
                "findings": len(self.findings),
                "mandatory": self.count("mandatory"),
                "advisory": self.count("advisory"),
                "remediate": self.count("remediate"),
                "blocked": self.blocked,
            },
        }


def pack_version(pack_dir: str) -> str:
    try:
        with open(os.path.join(pack_dir, "PulumiPolicy.yaml"), encoding="utf-8") as handle:
            version = (yaml.safe_load(handle) or {}).get("version")
    except (OSError, yaml.YAMLError):
        return "0.0.1"
    return str(version) if version else "0.0.1"


def _resource_name(urn: str) -> str:
    return urn.rsplit("::", 1)[-1]


def _strip_description(message: str, description: str) -> str:
    prefix = description + "\n"
    return message[len(prefix):] if description and message.startswith(prefix) else message


def _changed_properties(before: dict, after: dict) -> list[str]:
    return sorted(key for key in set(before) | set(after) if before.get(key) != after.get(key))


def evaluate(resources: list[Resource], stack_resources: list[Resource], pack_dir: str, config: dict,
             phase: str, timeout: float = 60.0, python: Optional[str] = None,
             process: Optional[PackProcess] = None) -> Report:
    """Run the pack on ``resources`` (Analyze inputs) and ``stack_resources`` (AnalyzeStack states).

    ``process``: the pack's process for ``pack_dir``, possibly already spawned (it is stopped here).
    """
    by_urn = {resource.urn: resource for resource in stack_resources}
    stack_urn = next((resource.urn for resource in stack_resources if resource.type == "pulumi:pulumi:Stack"), "")
    if process is None:
        process = PackProcess(pack_dir, timeout=timeout, **({"python": python} if python else {}))
    with process:
        info = process.analyzer_info()
        reconciled = reconcile(info, config)
        process.configure(reconciled)
        # pulumi-policy's Remediate runs only the policies at level remediate: with none, it answers
        # nothing for any resource, so the call (a full decode of the resource) is skipped.
        remediating = any(entry.get("enforcementLevel") == "remediate" for entry in reconciled.values())
        policies = {policy.name: {"description": policy.description,
                                  "severity": SEVERITY_NAMES.get(policy.severity, ""),
                                  "remediationSteps": policy.remediation_steps, "url": policy.url}
                    for policy in info.policies}
        report = Report(phase, info.name, pack_version(pack_dir), os.path.abspath(pack_dir),
                        resources=len(resources), policies=policies)

        def add(diagnostic, resource: Optional[Resource]) -> None:
            urn = diagnostic.urn or (resource.urn if resource else stack_urn)
            subject = by_urn.get(urn, resource)
            description = diagnostic.description or policies.get(diagnostic.policyName, {}).get("description", "")
            report.findings.append(Finding(
                policy=diagnostic.policyName,
                enforcementLevel=ENFORCEMENT_LEVEL_NAMES[diagnostic.enforcementLevel],
                severity=SEVERITY_NAMES.get(diagnostic.severity) or policies.get(diagnostic.policyName, {}).get("severity", ""),
                resourceType=subject.type if subject else "",
                resourceName=subject.name if subject else _resource_name(urn),
                urn=urn,
                message=_strip_description(diagnostic.message, description)))

        for resource in resources:
            remediation = process.remediate(resource) if remediating else None
            for remediated in remediation.remediations if remediation is not None else ():
                if remediated.diagnostic:
                    report.findings.append(Finding(
                        remediated.policyName, "advisory", policies.get(remediated.policyName, {}).get("severity", ""),
                        resource.type, resource.name, resource.urn, remediated.diagnostic))
                    continue
                after = json_format.MessageToDict(remediated.properties)
                changed = _changed_properties(resource.properties, after)
                resource.properties = after
                if resource.urn in by_urn:
                    by_urn[resource.urn].properties.update({key: after.get(key) for key in changed})
                report.findings.append(Finding(
                    remediated.policyName, "remediate", policies.get(remediated.policyName, {}).get("severity", ""),
                    resource.type, resource.name, resource.urn,
                    f"Remediated: set {', '.join(changed)}." if changed else "Remediated."))
            for diagnostic in process.analyze(resource).diagnostics:
                add(diagnostic, resource)
        for diagnostic in process.analyze_stack(stack_resources).diagnostics:
            add(diagnostic, None)
    return report

