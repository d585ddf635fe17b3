"""Evaluating a policy pack on a stack's resources the way the Pulumi engine does.

For each resource in registration order: Remediate (policies at level remediate rewrite the
inputs; skipped when no policy is at that level, as it would answer nothing), then Analyze on
the result; then one AnalyzeStack over every resource. Diagnostics
become findings that name the policy, level, severity and the resource they are about.
"""

from __future__ import annotations

import os
import threading
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Optional

import yaml
from google.protobuf import json_format, struct_pb2

from .analyzer_proto import analyzer_pb2
from .config import reconcile
from .pack_process import PackError, PackProcess, Resource, stack_entry
from .protocol import ENFORCEMENT_LEVEL_NAMES, SEVERITY_NAMES


# A second process of the pack shares the work on two cores: it analyzes every other resource and
# runs half of the stack policies. It starts when the stack reaches this many resources, or when the
# program is still running this long after the pack started (a large program declares its resources
# before it registers the first); an everyday stack is done before either, and pays nothing.
SECOND_PROCESS_MIN_RESOURCES = 200
SECOND_PROCESS_AFTER_S = 0.5
# Analyze requests in flight at once, over both processes (2,000 resources, six runs each: 8 in flight
# 5.7 s, 32 in flight 5.5 s: the packs never wait for the next request).
ANALYZE_IN_FLIGHT = 32


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


def _as_dict(properties) -> dict:
    return json_format.MessageToDict(properties) if isinstance(properties, struct_pb2.Struct) else properties


def _changed_properties(before: dict, after: dict) -> list[str]:
    return sorted(key for key in set(before) | set(after) if before.get(key) != after.get(key))


class SecondProcess:
    """A second process of the pack, started in the background and configured as the first."""

    def __init__(self, process: PackProcess, config: dict[str, dict]) -> None:
        self.process = PackProcess(process.pack_dir, python=process.python, timeout=process.timeout, env=process.env)
        self.ready = threading.Event()
        self.answer = None
        self.error: Optional[PackError] = None
        self._thread = threading.Thread(target=self._start, args=(config,), daemon=True)
        self._thread.start()

    def _start(self, config: dict[str, dict]) -> None:
        try:
            self.process.start()
            self.process.configure(config)
        except PackError as error:
            self.error = error
        finally:
            self.ready.set()  # whatever happened: nobody waits for it forever

    @property
    def usable(self) -> bool:
        return self.ready.is_set() and self.error is None

    def analyze_stack(self, request, config: dict[str, dict]) -> None:
        """Configure this process's share and send AnalyzeStack, without waiting for the answer."""
        self._thread = threading.Thread(target=self._analyze_stack, args=(request, config), daemon=True)
        self._thread.start()

    def _analyze_stack(self, request, config: dict[str, dict]) -> None:
        try:
            self.process.configure(config)
            self.answer = self.process.analyze_stack(request)
        except PackError as error:
            self.error = error

    def result(self):
        self._thread.join()
        if self.error is not None:
            raise self.error
        return self.answer

    def close(self) -> None:
        self.process.stop()


class Evaluation:
    """One pass of a pack over a stack: ``analyze`` each resource as it comes, then ``finish``.

    The pack's process must be started; Configure is sent here with the reconciled config. Each
    resource's AnalyzeStack entry is encoded as it comes, so that little is left after the last.
    """

    def __init__(self, process: PackProcess, pack_dir: str, config: dict, phase: str) -> None:
        self.process = process
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
        self.report = Report(phase, info.name, pack_version(pack_dir), os.path.abspath(pack_dir),
                             resources=0, policies=self.policies)
        self.by_urn: dict[str, Resource] = {}
        self.stack_urn = ""
        self._stack_entries: list = []
        # pulumi-policy decodes every resource once per stack policy, so their time splits by count:
        # the second process runs the later half of the stack policies and the first process the rest.
        enabled = [policy.name for policy in info.policies if policy.policy_type == analyzer_pb2.POLICY_TYPE_STACK
                   and self.reconciled.get(policy.name, {}).get("enforcementLevel") != "disabled"]
        middle = len(enabled) - len(enabled) // 2
        self.kept, self.shared = enabled[:middle], enabled[middle:]
        self.second: Optional[SecondProcess] = None
        self._in_flight: deque = deque()  # (resource, process, Analyze future), in the order analyzed
        self._turn = 0
        self._lock = threading.Lock()  # the timer's start against finish and close
        self._finished = False
        self._timer = threading.Timer(SECOND_PROCESS_AFTER_S, self.start_second_process)
        self._timer.daemon = True
        self._timer.start()

    def start_second_process(self) -> None:
        """Start the second process (once, on two cores or more) while the first runs and the stack is
        not analyzed yet."""
        with self._lock:
            if self.second is None and not self._finished and self.process.running and (os.cpu_count() or 1) >= 2:
                self.second = SecondProcess(self.process, self.reconciled)

    def _severity(self, policy: str) -> str:
        return self.policies.get(policy, {}).get("severity", "")

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

    def analyze(self, resource: Resource, state: Resource) -> None:
        """Remediate (when a policy is at that level) and Analyze ``resource``; ``state`` is its AnalyzeStack twin."""
        self.report.resources += 1
        self.by_urn[state.urn] = state
        if state.type == "pulumi:pulumi:Stack" and not self.stack_urn:
            self.stack_urn = state.urn
        if self.remediating:
            self._remediate(resource, state)
        # Resources alternate between the processes once the second is up; answers are taken in order.
        process = self.process
        if self.second is not None and self.second.usable:
            self._turn ^= 1
            process = self.second.process if self._turn else self.process
        self._in_flight.append((resource, process, process.analyze_future(resource)))
        self._collect(ANALYZE_IN_FLIGHT)
        self._stack_entries.append(stack_entry(state))
        if self.report.resources >= SECOND_PROCESS_MIN_RESOURCES:
            self.start_second_process()

    def _remediate(self, resource: Resource, state: Resource) -> None:
        """Remediate ``resource`` in the first process; what a policy changed reaches its Analyze and its
        AnalyzeStack entry (``state``)."""
        self._collect(0)  # the findings of the resources before it come first, as the engine reports them
        remediation = self.process.remediate(resource)
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

    def _collect(self, keep: int) -> None:
        """Take the answers of analyzed resources, oldest first, until at most ``keep`` are in flight
        (and those still in flight are not answered yet)."""
        while self._in_flight and (len(self._in_flight) > keep or self._in_flight[0][2].done()):
            resource, process, future = self._in_flight.popleft()
            for diagnostic in process.answer(future).diagnostics:
                self._add(diagnostic, resource)

    def finish(self) -> Report:
        """AnalyzeStack over every analyzed resource's state; the report is complete after this."""
        self._collect(0)
        with self._lock:
            self._finished = True
            self._timer.cancel()
        request = analyzer_pb2.AnalyzeStackRequest(resources=self._stack_entries)
        if self.second is not None and self.report.resources >= SECOND_PROCESS_MIN_RESOURCES:
            self.second.ready.wait()  # a large stack: worth the rest of its start-up
        second = self.second if self.second is not None and self.second.usable and self.shared else None
        if second is None:
            diagnostics = list(self.process.analyze_stack(request).diagnostics)
        else:
            # Each process runs its share, the other's disabled in its config (Configure only
            # replaces config); answers are merged in the pack's policy order, as one process gives them.
            second.analyze_stack(request, _disabled(self.reconciled, self.kept))
            self.process.configure(_disabled(self.reconciled, self.shared))
            mine = self.process.analyze_stack(request)
            order = {name: index for index, name in enumerate(self.policies)}
            diagnostics = sorted([*mine.diagnostics, *second.result().diagnostics],
                                 key=lambda diagnostic: order.get(diagnostic.policyName, len(order)))
        for diagnostic in diagnostics:
            self._add(diagnostic, None)
        return self.report

    def close(self) -> None:
        with self._lock:
            self._finished = True
            self._timer.cancel()
        for _, _, future in self._in_flight:
            future.cancel()
        self._in_flight.clear()
        if self.second is not None:
            self.second.close()


def _disabled(reconciled: dict[str, dict], names: list[str]) -> dict[str, dict]:
    return {name: {**entry, "enforcementLevel": "disabled"} if name in names else entry
            for name, entry in reconciled.items()}


def evaluate(resources: list[Resource], stack_resources: list[Resource], pack_dir: str, config: dict,
             phase: str, timeout: float = 60.0, python: Optional[str] = None) -> Report:
    """Run the pack on ``resources`` (Analyze inputs) and ``stack_resources`` (AnalyzeStack states, same order)."""
    with PackProcess(pack_dir, timeout=timeout, **({"python": python} if python else {})) as process:
        evaluation = Evaluation(process, pack_dir, config, phase)
        try:
            for resource, state in zip(resources, stack_resources):
                evaluation.analyze(resource, state)
            return evaluation.finish()
        finally:
            evaluation.close()
