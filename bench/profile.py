"""Profile where the time goes, with cProfile, and sum it by package.

Two subjects:
  * a pack's Analyze and AnalyzeStack in-process: pulumi-policy's own analyzer (the servicer the
    pack process runs), fed our policies or the control's, gets the same requests `make bench`
    sends over gRPC, without the transport; the pack process's GC settings apply unless
    --default-gc. This shows the SDK's decoding of properties next to our rules.
  * --program DIR: the checker's program run (runner.run under pulumi's mocks) in-process. The
    SDK sends each registration to the mock monitor from a worker thread, which cProfile does not
    see; the main thread (resource constructors, the event loop) is most of it.

    .venv/bin/python -m bench.profile --size 10000 [--pack control] [--phase analyze|stack|both]
                                      [--default-gc] [--top 30] [--output build/bench/ours.prof]
    .venv/bin/python -m bench.profile --program build/bench/checker-program
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import os
import pstats
import runpy
import sys
import time

from pulumi_policy import EnforcementLevel
from pulumi_policy.policy import _PolicyAnalyzerServicer

from appflow_guard import GC_THRESHOLDS

from .analyzer import Requests
from .control import write_control_pack
from .stackgen import generate

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

PACKAGES = (  # (label, path fragment), first match wins
    ("appflow_guard (our rules and checker)", f"{os.sep}appflow_guard{os.sep}"),
    ("bench (the control pack's rules, the driver)", f"{os.sep}bench{os.sep}"),
    ("pulumi_policy (SDK analyzer: decoding, proxies)", f"{os.sep}pulumi_policy{os.sep}"),
    ("pulumi_aws (resource classes)", f"{os.sep}pulumi_aws{os.sep}"),
    ("pulumi (SDK runtime, mocks)", f"{os.sep}pulumi{os.sep}"),
    ("google.protobuf (json_format)", f"{os.sep}google{os.sep}protobuf{os.sep}"),
    ("grpc", f"{os.sep}grpc{os.sep}"),
    ("asyncio (event loop)", f"{os.sep}asyncio{os.sep}"),
)


def by_package(stats: pstats.Stats) -> list[tuple[str, float, float]]:
    """(package, own time in s, share) summed over every function, largest first."""
    totals: dict[str, float] = {}
    for (filename, _, _), (_, _, tottime, _, _) in stats.stats.items():  # type: ignore[attr-defined]
        label = next((name for name, fragment in PACKAGES if fragment in filename), None)
        if label is None:
            label = "built-ins (C functions)" if filename == "~" else "other (stdlib, program)"
        totals[label] = totals.get(label, 0.0) + tottime
    grand = sum(totals.values()) or 1.0
    return sorted(((name, seconds, seconds / grand) for name, seconds in totals.items()), key=lambda row: -row[1])


def print_by_package(stats: pstats.Stats) -> None:
    print("own time by package (cProfile inflates call-heavy code; compare shares, not seconds):")
    for name, seconds, share in by_package(stats):
        print(f"  {share:6.1%}  {seconds:8.2f} s  {name}")


def servicer(pack: str) -> _PolicyAnalyzerServicer:
    if pack == "ours":
        from appflow_guard.pack import POLICIES
        policies = list(POLICIES)
    else:
        directory = os.path.join(REPO, "build", "bench", "control-pack")
        write_control_pack(directory, GC_THRESHOLDS)
        namespace = runpy.run_path(os.path.join(directory, "__main__.py"), run_name="control")
        policies = [namespace["policy"](index, *entry) for index, entry in enumerate(namespace["SHAPE"])]
    return _PolicyAnalyzerServicer(pack, "0.0.1", policies, EnforcementLevel.ADVISORY)


def run(service: _PolicyAnalyzerServicer, requests: Requests, phase: str) -> None:
    if phase in ("analyze", "both"):
        for request in requests.analyze:
            service.Analyze(request, None)
    if phase in ("stack", "both"):
        service.AnalyzeStack(requests.analyze_stack, None)


def profile_program(program_dir: str) -> cProfile.Profile:
    """cProfile of the checker's runner on ``program_dir`` (preview), in this process."""
    from appflow_guard.checker.in_program import runner
    from appflow_guard.checker.project import load_project

    project = load_project(program_dir, "dev")
    profiler = cProfile.Profile()
    started = time.perf_counter()
    registrations: list[dict] = []
    profiler.runcall(runner.run, os.path.dirname(project.main), project.main, project.name, "dev",
                     "preview", project.config, registrations.append)
    print(f"program {program_dir}: {len(registrations)} registrations in {time.perf_counter() - started:.2f} s (profiled)")
    return profiler


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--pack", choices=("ours", "control"), default="ours")
    parser.add_argument("--phase", choices=("analyze", "stack", "both"), default="both")
    parser.add_argument("--program", help="profile the checker's program run on this Pulumi program instead")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--output", help="write the raw profile (pstats) here")
    parser.add_argument("--default-gc", action="store_true",
                        help="keep CPython's GC thresholds instead of the pack process's (appflow_guard.GC_THRESHOLDS)")
    options = parser.parse_args(argv)
    if options.program:
        profiler = profile_program(os.path.abspath(options.program))
    else:
        requests = Requests.of(generate(options.size))
        service = servicer(options.pack)
        if not options.default_gc:  # as the pack's entry point does before serving
            gc.collect()
            gc.freeze()
            gc.set_threshold(*GC_THRESHOLDS)
        started = time.perf_counter()
        run(service, requests, options.phase)
        print(f"{options.pack} {options.phase} at {options.size} resources, unprofiled: "
              f"{time.perf_counter() - started:.3f} s")
        profiler = cProfile.Profile()
        profiler.runcall(run, service, requests, options.phase)
    if options.output:
        profiler.dump_stats(options.output)
    stats = pstats.Stats(profiler, stream=sys.stdout)
    print_by_package(stats)
    stats.strip_dirs().sort_stats(options.sort).print_stats(options.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
