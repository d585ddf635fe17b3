"""Timing a policy pack over the analyzer gRPC protocol, started exactly as the engine starts it."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass

from pulumi.runtime.proto import analyzer_pb2

from appflow_guard.checker.config import reconcile
from appflow_guard.checker.pack_process import PackProcess, Resource
from appflow_guard.checker.protocol import struct

from .stackgen import Stack

TIMEOUT = 600.0


def analyze_request(resource: Resource) -> analyzer_pb2.AnalyzeRequest:
    """The AnalyzeRequest PackProcess.analyze sends (built ahead, so encoding is not timed)."""
    return analyzer_pb2.AnalyzeRequest(
        type=resource.type, properties=struct(resource.properties), urn=resource.urn, name=resource.name,
        options=resource.options(), provider=resource.provider_message())


def analyze_stack_request(resources: list[Resource]) -> analyzer_pb2.AnalyzeStackRequest:
    """The AnalyzeStackRequest PackProcess.analyze_stack sends."""
    return analyzer_pb2.AnalyzeStackRequest(resources=[analyzer_pb2.AnalyzerResource(
        type=resource.type, properties=struct(resource.properties), urn=resource.urn, name=resource.name,
        options=resource.options(), provider=resource.provider_message(), parent=resource.parent,
        dependencies=resource.dependencies,
        propertyDependencies={prop: analyzer_pb2.AnalyzerPropertyDependencies(urns=urns)
                              for prop, urns in resource.property_dependencies.items()})
        for resource in resources])


@dataclass
class Requests:
    analyze: list
    analyze_stack: analyzer_pb2.AnalyzeStackRequest

    @classmethod
    def of(cls, stack: Stack) -> "Requests":
        return cls([analyze_request(resource) for resource in stack.inputs], analyze_stack_request(stack.states))


def proc_status(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (peak RSS) of ``pid`` in kB, from /proc/<pid>/status."""
    found = {}
    with open(f"/proc/{pid}/status", encoding="ascii") as handle:
        for line in handle:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                found[key] = int(value.split()[0])
    return found


def start_pack(pack_dir: str, python: str) -> tuple[PackProcess, object, float]:
    """Start the pack; (process, GetAnalyzerInfo answer, seconds from spawn to that answer)."""
    process = PackProcess(pack_dir, python=python, timeout=TIMEOUT)
    started = time.perf_counter()
    process.start()
    info = process.analyzer_info()
    return process, info, time.perf_counter() - started


def measure_startup(pack_dir: str, python: str, runs: int) -> dict:
    """Start-up to GetAnalyzerInfo answered, ``runs`` times, each a fresh process."""
    times = []
    for _ in range(runs):
        process, _, seconds = start_pack(pack_dir, python)
        process.stop()
        times.append(seconds)
    return {"runs_s": [round(value, 4) for value in times], "median_s": round(statistics.median(times), 4),
            "min_s": round(min(times), 4)}


def measure_stack(pack_dir: str, python: str, requests: Requests, config: dict | None = None) -> dict:
    """A fresh pack: Configure, then Analyze for every resource and one AnalyzeStack, timed.

    Returns the times, the diagnostics per policy, and the pack process's peak RSS (VmHWM).
    """
    process, info, _ = start_pack(pack_dir, python)
    try:
        process.configure(reconcile(info, config or {}))
        pid = process._process.pid
        baseline = proc_status(pid)
        stub = process.stub
        diagnostics: dict[str, int] = {}
        started = time.perf_counter()
        for request in requests.analyze:
            for diagnostic in stub.Analyze(request, timeout=TIMEOUT).diagnostics:
                diagnostics[diagnostic.policyName] = diagnostics.get(diagnostic.policyName, 0) + 1
        analyzed = time.perf_counter()
        for diagnostic in stub.AnalyzeStack(requests.analyze_stack, timeout=TIMEOUT).diagnostics:
            diagnostics[diagnostic.policyName] = diagnostics.get(diagnostic.policyName, 0) + 1
        finished = time.perf_counter()
        memory = proc_status(pid)
    finally:
        process.stop()
    resources = len(requests.analyze)
    total = finished - started
    return {
        "resources": resources,
        "analyze_s": round(analyzed - started, 4),
        "analyze_stack_s": round(finished - analyzed, 4),
        "total_s": round(total, 4),
        "us_per_resource": round(total / resources * 1e6, 1),
        "diagnostics": dict(sorted(diagnostics.items())),
        "rss_after_start_mb": round(baseline["VmRSS"] / 1024, 1),
        "peak_rss_mb": round(memory["VmHWM"] / 1024, 1),
    }
