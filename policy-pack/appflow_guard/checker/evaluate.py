"""Evaluating a policy pack on a stack's resources the way the Pulumi engine does.

For each resource in registration order: Remediate (policies at level remediate rewrite the
inputs; skipped when no policy is at that level, as it would answer nothing), then Analyze on
the result; then one AnalyzeStack over every resource. The requests go to the pack's processes
through one PackPool (pack_pool.py). Diagnostics become findings that name the policy, level,
severity and the resource they are about.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from google.protobuf import json_format, struct_pb2

from .analyzer_proto import analyzer_pb2
from .config import reconcile
from .pack_folder import PackFolder
from .pack_pool import PackPool
from .pack_process import PackProcess, Resource, stack_entry
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
    notes: list[str] = field(default_factory=list)  # what was not checked as under the engine, and why

    def count(self, level: str) -> int:
        return sum(1 for finding in self.findings if finding.enforcementLevel == level)

    @property
    def blocked(self) -> bool:
        return self.count("mandatory") > 0

    def as_json(self) -> dict[str, Any]:
        return {
            "phase": self.phase,
            "pack": {"name": self.pack_name, "version": self.pack_version},
            "findings": [dict(vars(finding)) for finding in self.findings],
            "summary": {
                "resources": self.resources,
                "findings": len(self.findings),
                "mandatory": self.count("mandatory"),
                "advisory": self.count("advisory"),
                "remediate": self.count("remediate"),
                "blocked": self.blocked,
            },
            **({"notes": list(self.notes)} if self.notes else {}),
        }


def _resource_name(urn: str) -> str:
    return urn.rsplit("::", 1)[-1]


def _strip_description(message: str, description: str) -> str:
    prefix = description + "\n"
    return message[len(prefix):] if description and message.startswith(prefix) else message


def _as_dict(properties) -> dict:
    return json_format.MessageToDict(properties) if isinstance(properties, struct_pb2.Struct) else properties


def _changed_properties(before: dict, after: dict) -> list[str]:
    return sorted(key for key in set(before) | set(after) if before.get(key) != after.get(key))


class Evaluation:
    """One pass of a pack over a stack, in the order the engine speaks to an analyzer: GetAnalyzerInfo
    and Configure (the reconciled config) here; per resource, Remediate then Analyze (``analyze``);
    AnalyzeStack, then the report (``finish``).

    The pack's process must be started; it stays the caller's. Each resource's AnalyzeStack entry is
    encoded as it comes, so that little is left after the last.
    """

    def __init__(self, process: PackProcess, pack: PackFolder, config: dict, phase: str) -> None:
        info = process.analyzer_info()
        self.reconciled = reconcile(info, config)
        process.configure(self.reconciled)
        # pulumi-policy's Remediate runs only the policies at level remediate: with none, it answers
        # nothing for any resource, so the call (a full decode of the resource) is skipped.
        self.remediating = any(entry.get("enforcementLevel") == "remediate" for entry in self.reconciled.values())
        self.policies = {policy.name: {"description": policy.description,
                                       "severity": SEVERITY_NAMES.get(policy.severity, ""),
                                       "remediationSteps": policy.remediation_steps, "url": policy.url}
                         for policy in info.policies}
        self.report = Report(phase, info.name, pack.version, pack.path, resources=0, policies=self.policies)
        self.by_urn: dict[str, Resource] = {}
        self.stack_urn = ""
        self._stack_entries: list = []
        self.pool = PackPool(process, self.reconciled, [policy.name for policy in info.policies
                                                        if policy.policy_type == analyzer_pb2.POLICY_TYPE_STACK])

    def analyze(self, resource: Resource, state: Resource) -> None:
        """Remediate (when a policy is at that level) and Analyze ``resource``; ``state`` is its AnalyzeStack twin."""
        self.report.resources += 1
        self.by_urn[state.urn] = state
        if state.type == "pulumi:pulumi:Stack" and not self.stack_urn:
            self.stack_urn = state.urn
        if self.remediating:
            self._add_answers(self.pool.drain())  # the resources before it come first, as the engine reports them
            self._remediated(resource, state, self.pool.remediate(resource))
        self._add_answers(self.pool.analyze(resource))
        self._stack_entries.append(stack_entry(state))

    def finish(self) -> Report:
        """AnalyzeStack over every analyzed resource's state; the report is complete after this."""
        self._add_answers(self.pool.drain())
        request = analyzer_pb2.AnalyzeStackRequest(resources=self._stack_entries)
        for diagnostic in self.pool.analyze_stack(request):
            self._add(diagnostic, None)
        return self.report

    def close(self) -> None:
        self.pool.close()

    def _severity(self, policy: str) -> str:
        return self.policies.get(policy, {}).get("severity", "")

    def _add_answers(self, answered: list) -> None:
        for resource, answer in answered:
            for diagnostic in answer.diagnostics:
                self._add(diagnostic, resource)

    def _add(self, diagnostic, resource: Optional[Resource]) -> None:
        urn = diagnostic.urn or (resource.urn if resource else self.stack_urn)
        subject = self.by_urn.get(urn, resource)
        description = diagnostic.description or self.policies.get(diagnostic.policyName, {}).get("description", "")
        self.report.findings.append(Finding(
            policy=diagnostic.policyName,
            enforcementLevel=ENFORCEMENT_LEVEL_NAMES[diagnostic.enforcementLevel],
            severity=SEVERITY_NAMES.get(diagnostic.severity) or self._severity(diagnostic.policyName),
            resourceType=subject.type if subject else "",
            resourceName=subject.name if subject else _resource_name(urn),
            urn=urn,
            message=_strip_description(diagnostic.message, description)))

    def _remediated(self, resource: Resource, state: Resource, remediation) -> None:
        """What the policies at level remediate changed reaches ``resource``'s Analyze and its
        AnalyzeStack entry (``state``), and the report."""
        for remediated in remediation.remediations if remediation is not None else ():
            if remediated.diagnostic:
                self.report.findings.append(Finding(
                    remediated.policyName, "advisory", self._severity(remediated.policyName),
                    resource.type, resource.name, resource.urn, remediated.diagnostic))
                continue
            after = json_format.MessageToDict(remediated.properties)
            changed = _changed_properties(_as_dict(resource.properties), after)
            resource.properties = after
            state.properties = {**_as_dict(state.properties), **{key: after.get(key) for key in changed}}
            self.report.findings.append(Finding(
                remediated.policyName, "remediate", self._severity(remediated.policyName),
                resource.type, resource.name, resource.urn,
                f"Remediated: set {', '.join(changed)}." if changed else "Remediated."))


def evaluate(resources: list[Resource], stack_resources: list[Resource], pack: PackFolder, config: dict,
             phase: str, timeout: float = 60.0) -> Report:
    """Run the pack on ``resources`` (Analyze inputs) and ``stack_resources`` (AnalyzeStack states, same order)."""
    with PackProcess(pack.path, timeout=timeout, python=pack.python) as process:
        evaluation = Evaluation(process, pack, config, phase)
        try:
            for resource, state in zip(resources, stack_resources):
                evaluation.analyze(resource, state)
            return evaluation.finish()
        finally:
            evaluation.close()
