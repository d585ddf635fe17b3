"""Evaluating a policy pack on a stack's resources the way the Pulumi engine does.

For each resource in registration order: Remediate (policies at level remediate rewrite the
inputs; skipped when no policy is at that level, as it would answer nothing), then Analyze on
the result; then one AnalyzeStack over every resource. Diagnostics
become findings that name the policy, level, severity and the resource they are about.
"""

from __future__ import annotations

import os
import threading
from dataclasses import asdict, dataclass, field
from typing import Any, Optional

import yaml
from google.protobuf import json_format
from pulumi.runtime.proto import analyzer_pb2

from .config import reconcile
from .pack_process import PackError, PackProcess, Resource, stack_request
from .protocol import ENFORCEMENT_LEVEL_NAMES, SEVERITY_NAMES


# From about this many resources, AnalyzeStack is shared between two processes of the pack.
PARALLEL_STACK_MIN_RESOURCES = 1000


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


class Evaluation:
    """One pass of a pack over a stack: ``analyze`` each resource as it comes, then ``finish``.

    The pack's process must be started; Configure is sent here with the reconciled config.
    """

    def __init__(self, process: PackProcess, pack_dir: str, config: dict, phase: str) -> None:
        self.process = process
        info = process.analyzer_info()
        self.reconciled = reconcile(info, config)
        process.configure(self.reconciled)
        # pulumi-policy's Remediate runs only the policies at level remediate: with none, it answers
        # nothing for any resource, so the call (a full decode of the resource) is skipped.
        self.remediating = any(entry.get("enforcementLevel") == "remediate" for entry in self.reconciled.values())
        self.policy_types = {policy.name: policy.policy_type for policy in info.policies}
        self.policies = {policy.name: {"description": policy.description,
                                       "severity": SEVERITY_NAMES.get(policy.severity, ""),
                                       "remediationSteps": policy.remediation_steps, "url": policy.url}
                         for policy in info.policies}
        self.report = Report(phase, info.name, pack_version(pack_dir), os.path.abspath(pack_dir),
                             resources=0, policies=self.policies)
        self.by_urn: dict[str, Resource] = {}

    def _severity(self, policy: str) -> str:
        return self.policies.get(policy, {}).get("severity", "")

    def _add(self, diagnostic, resource: Optional[Resource], stack_urn: str = "") -> None:
        urn = diagnostic.urn or (resource.urn if resource else stack_urn)
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

    def analyze(self, resource: Resource, state: Resource) -> None:
        """Remediate (when a policy is at that level) and Analyze ``resource``; ``state`` is its AnalyzeStack twin."""
        self.report.resources += 1
        self.by_urn[state.urn] = state
        remediation = self.process.remediate(resource) if self.remediating else None
        for remediated in remediation.remediations if remediation is not None else ():
            if remediated.diagnostic:
                self.report.findings.append(Finding(
                    remediated.policyName, "advisory", self._severity(remediated.policyName),
                    resource.type, resource.name, resource.urn, remediated.diagnostic))
                continue
            after = json_format.MessageToDict(remediated.properties)
            changed = _changed_properties(resource.properties, after)
            resource.properties = after
            state.properties.update({key: after.get(key) for key in changed})
            self.report.findings.append(Finding(
                remediated.policyName, "remediate", self._severity(remediated.policyName),
                resource.type, resource.name, resource.urn,
                f"Remediated: set {', '.join(changed)}." if changed else "Remediated."))
        for diagnostic in self.process.analyze(resource).diagnostics:
            self._add(diagnostic, resource)

    def finish(self, stack_resources: list[Resource]) -> Report:
        """AnalyzeStack over every resource's state; the report is complete after this."""
        for resource in stack_resources:
            self.by_urn.setdefault(resource.urn, resource)
        stack_urn = next((resource.urn for resource in stack_resources if resource.type == "pulumi:pulumi:Stack"), "")
        request = stack_request(stack_resources)
        kept, shared = self._split_stack_policies(len(stack_resources))
        diagnostics = self._analyze_stack_in_two(request, kept, shared) if shared else \
            list(self.process.analyze_stack(request).diagnostics)
        for diagnostic in diagnostics:
            self._add(diagnostic, None, stack_urn)
        return self.report

    def _split_stack_policies(self, resources: int) -> tuple[list[str], list[str]]:
        """(stack policies this process runs, those a second process runs: none when one is as fast).

        pulumi-policy decodes every resource once per stack policy, so on a large stack the stack
        policies' time is split by count; a second process pays off once its start-up is the
        smaller cost.
        """
        enabled = [name for name, entry in self.reconciled.items()
                   if self.policy_types.get(name) == analyzer_pb2.POLICY_TYPE_STACK
                   and entry.get("enforcementLevel") != "disabled"]
        if resources < PARALLEL_STACK_MIN_RESOURCES or (os.cpu_count() or 1) < 2:
            return enabled, []
        middle = len(enabled) - len(enabled) // 2  # the second process starts later: it gets the smaller half
        return enabled[:middle], enabled[middle:]

    def _analyze_stack_in_two(self, request, kept: list[str], shared: list[str]) -> list:
        """AnalyzeStack with ``kept`` run here and ``shared`` by a second process of the pack, in parallel.

        Each process has the other's share disabled in its config (Configure only replaces config);
        their diagnostics are merged in the pack's policy order, as one process would have answered.
        """
        helper = PackProcess(self.process.pack_dir, python=self.process.python, timeout=self.process.timeout,
                             env=self.process.env)
        helper.spawn()
        answers: dict[str, Any] = {}

        def run_share() -> None:
            try:
                helper.start()
                helper.configure(_disabled(self.reconciled, kept))
                answers["helper"] = helper.analyze_stack(request)
            except PackError as error:
                answers["error"] = error
            finally:
                helper.stop()

        thread = threading.Thread(target=run_share, daemon=True)
        thread.start()
        try:
            self.process.configure(_disabled(self.reconciled, shared))
            mine = self.process.analyze_stack(request)
        finally:
            thread.join()
        if "error" in answers:
            raise answers["error"]
        order = {name: index for index, name in enumerate(self.policies)}
        return sorted([*mine.diagnostics, *answers["helper"].diagnostics],
                      key=lambda diagnostic: order.get(diagnostic.policyName, len(order)))


def _disabled(reconciled: dict[str, dict], names: list[str]) -> dict[str, dict]:
    return {name: {**entry, "enforcementLevel": "disabled"} if name in names else entry
            for name, entry in reconciled.items()}


def evaluate(resources: list[Resource], stack_resources: list[Resource], pack_dir: str, config: dict,
             phase: str, timeout: float = 60.0, python: Optional[str] = None) -> Report:
    """Run the pack on ``resources`` (Analyze inputs) and ``stack_resources`` (AnalyzeStack states, same order)."""
    process = PackProcess(pack_dir, timeout=timeout, **({"python": python} if python else {}))
    with process:
        evaluation = Evaluation(process, pack_dir, config, phase)
        for resource, state in zip(resources, stack_resources):
            evaluation.analyze(resource, state)
        return evaluation.finish(stack_resources)
