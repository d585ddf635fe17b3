"""`make bench`: measure appflow-guard and write build/bench.json with a printed summary.

Figures (all from one invocation, on this machine):
  1. pack start-up: spawn (``python -u -m pulumi.policy <engine> <repo>``) to GetAnalyzerInfo answered;
  2. analyzer throughput over gRPC on generated stacks: Analyze for every resource, one AnalyzeStack;
  3. peak RSS of the pack process on the largest stack;
  4. the same on a control pack of the same shape whose rules only read one property (the SDK floor);
  5. the offline checker end to end on a generated program next to checkov on the same estate in Terraform;
  6. papermill time of every guide in notebooks/;
  7. with the real engine (bench/engine.py): the published tarball, the first preview on a fresh runner
     (installs the pack), and what the pack and the control pack add to `pulumi preview`.
There are no timing assertions: targets are reported as met or missed.
"""

from __future__ import annotations

import argparse
import datetime
import glob
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from importlib import metadata

from appflow_guard import GC_THRESHOLDS

from .analyzer import Requests, measure_stack, measure_startup
from .checkov import ensure_checkov, run_checkov
from .control import write_control_pack
from .engine import bench_engine, summary_lines
from .programs import write_pulumi_program, write_terraform
from .stackgen import generate

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV_BIN = os.path.dirname(os.path.abspath(sys.executable))
DEFAULT_GC = "control_default_gc"

TARGETS = {
    "startup_s": 1.0,
    "cost_ratio": 1.5,
    "growth_ratio": 11.0,
    "peak_rss_mb": 400.0,
    "checkov_speedup": 2.0,
    "everyday_checkov_speedup": 4.0,
    "notebooks_s": 60.0,
    "engine_added_ratio": 1.1,
}


def log(message: str) -> None:
    print(message, flush=True)


def machine() -> dict:
    model = ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            model = next((line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")), "")
    except OSError:
        pass
    versions = {}
    for package in ("pulumi", "pulumi-policy", "pulumi-aws", "grpcio", "protobuf", "papermill"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    memory_mb = None
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            memory_mb = int(next(line for line in handle if line.startswith("MemTotal")).split()[1]) // 1024
    except (OSError, StopIteration):
        pass
    return {"nproc": os.cpu_count(), "cpu_model": model, "memory_mb": memory_mb,
            "python": platform.python_version(), "platform": platform.platform(), "packages": versions}


def loadavg() -> list[float]:
    return [round(value, 2) for value in os.getloadavg()]


# 1-4. The pack over gRPC -----------------------------------------------------------------------

def bench_startup(python: str, packs: dict[str, str], runs: int) -> dict:
    log(f"pack start-up ({runs} runs each) ...")
    result = {"ours": measure_startup(packs["ours"], python, runs),
              "control": measure_startup(packs["control"], python, runs)}
    log(f"  ours median {result['ours']['median_s']:.3f} s, control median {result['control']['median_s']:.3f} s")
    return result


def bench_throughput(python: str, packs: dict[str, str], sizes: list[int], reps: dict[int, int]) -> dict:
    """Each size: every pack in turn (interleaved, fresh process each), median of the repetitions."""
    results = {}
    for size in sizes:
        stack = generate(size)
        requests = Requests.of(stack)
        runs: dict[str, list[dict]] = {name: [] for name in packs}
        for _ in range(reps.get(size, 1)):
            for name, directory in packs.items():
                runs[name].append(measure_stack(directory, python, requests))
        entry: dict = {"resources": size, "mix": stack.mix(), "reps": reps.get(size, 1)}
        for pack, measured in runs.items():
            median_total = statistics.median(run["total_s"] for run in measured)
            chosen = min(measured, key=lambda run: abs(run["total_s"] - median_total))
            entry[pack] = {**chosen, "total_s_runs": [run["total_s"] for run in measured],
                           "peak_rss_mb": max(run["peak_rss_mb"] for run in measured)}
        entry["cost_ratio"] = round(entry["ours"]["total_s"] / entry["control"]["total_s"], 3)
        results[str(size)] = entry
        log(f"  {size:>6} resources: ours {entry['ours']['total_s']:8.2f} s ({entry['ours']['us_per_resource']:7.0f} us/res), "
            f"control {entry['control']['total_s']:8.2f} s ({entry['control']['us_per_resource']:7.0f} us/res), "
            f"ratio {entry['cost_ratio']:.2f}"
            + (f"; control with default GC {entry[DEFAULT_GC]['total_s']:.2f} s" if DEFAULT_GC in entry else ""))
    return results


# 5. The offline checker next to checkov --------------------------------------------------------

def bench_checker(pairs: int, workdir: str, with_checkov: bool, checkov_venv: str, reps: int,
                  control_pack: str, name: str = "checker") -> dict:
    """The checker and checkov on one estate, each run cold (a new process) ``reps`` times, interleaved."""
    program = write_pulumi_program(os.path.join(workdir, f"{name}-program"), pairs)
    terraform = write_terraform(os.path.join(workdir, f"{name}-terraform"), pairs)
    report_path = os.path.join(workdir, f"{name}-report.json")
    result: dict = {"flows": pairs, "connector_profiles": pairs, "program": os.path.relpath(program, REPO),
                    "terraform": os.path.relpath(terraform, REPO)}
    checkov = None
    if with_checkov:
        checkov, detail = ensure_checkov(checkov_venv)
        if checkov is None:
            result["checkov"] = {"measured": False, "reason": detail}
            log(f"  checkov not measured: {detail}")
        else:
            result["checkov_version"] = detail
    else:
        result["checkov"] = {"measured": False, "reason": "skipped (--no-checkov)"}
    checker_runs, floor_runs, checkov_runs = [], [], []
    command = [os.path.join(VENV_BIN, "appflow-guard"), "check", program, "--format", "json", "--output", report_path]
    # The same check with the control pack (same shape, rules that read one property): the cost of
    # the pulumi SDK (the program under mocks, pulumi-policy's decoding) with next to no rules.
    floor_command = [*command[:-1], os.path.join(workdir, f"{name}-control-report.json"), "--policy-pack",
                     control_pack]
    for _ in range(reps):
        log(f"  appflow-guard check on {pairs} flows + {pairs} connector profiles ...")
        started = time.perf_counter()
        completed = subprocess.run(command, capture_output=True, text=True, cwd=REPO)
        seconds = time.perf_counter() - started
        if completed.returncode not in (0, 1):
            detail = (completed.stderr or completed.stdout).strip().splitlines()
            result["checker"] = {"measured": False, "reason": f"exit {completed.returncode}: {detail[-1] if detail else ''}"}
            return result
        checker_runs.append(round(seconds, 3))
        log("  the same check with the control pack ...")
        started = time.perf_counter()
        completed = subprocess.run(floor_command, capture_output=True, text=True, cwd=REPO)
        if completed.returncode == 0:
            floor_runs.append(round(time.perf_counter() - started, 3))
        if checkov is not None:
            log("  checkov --check CKV_AWS_263,CKV_AWS_264 on the same estate in Terraform ...")
            try:
                checkov_runs.append(run_checkov(checkov, terraform))
            except (RuntimeError, subprocess.TimeoutExpired) as error:
                result["checkov"] = {"measured": False, "reason": str(error)}
                checkov = None
    with open(report_path, encoding="utf-8") as handle:
        report = json.load(handle)
    result["checker"] = {"measured": True, "seconds": statistics.median(checker_runs), "runs_s": checker_runs,
                         "command": "appflow-guard check " + os.path.relpath(program, REPO) + " --format json",
                         "resources_analyzed": report["summary"]["resources"], "policies": len(report_policies()),
                         "findings": report["summary"]["findings"], "mandatory": report["summary"]["mandatory"],
                         "advisory": report["summary"]["advisory"]}
    log(f"  appflow-guard: {result['checker']['seconds']:.2f} s, {result['checker']['findings']} findings")
    if floor_runs:
        result["checker_with_control_pack"] = {"seconds": statistics.median(floor_runs), "runs_s": floor_runs,
                                               "pack": os.path.relpath(control_pack, REPO)}
    if checkov_runs:
        seconds = statistics.median(run["seconds"] for run in checkov_runs)
        chosen = min(checkov_runs, key=lambda run: abs(run["seconds"] - seconds))
        result["checkov"] = {"measured": True, **chosen, "seconds": seconds,
                             "runs_s": [run["seconds"] for run in checkov_runs]}
        result["speedup"] = round(seconds / result["checker"]["seconds"], 3)
        log(f"  checkov: {seconds:.2f} s; appflow-guard is {result['speedup']:.2f}x as fast")
        if floor_runs:
            result["floor_speedup"] = round(seconds / result["checker_with_control_pack"]["seconds"], 3)
    return result


def bench_checker_breakdown(program: str, packs: dict[str, str], python: str) -> dict:
    """Where the checker's time goes on the same program: each phase timed separately (a second run).

    The program under pulumi's mocks, then for our pack and the control pack (same shape, rules
    that read one property): start-up, Analyze for every resource, one AnalyzeStack; the control's
    figures are pulumi-policy's floor on these resources.
    """
    from appflow_guard.checker.config import reconcile
    from appflow_guard.checker.pack_process import PackProcess
    from appflow_guard.checker.project import load_project, run_program
    from appflow_guard.checker.sources import from_registrations

    log("  breakdown: the program under mocks, then each pack's phases ...")
    project = load_project(program, "dev")
    started = time.perf_counter()
    registrations = run_program(project, "dev", "preview", 1800.0)
    result: dict = {"program_under_mocks_s": round(time.perf_counter() - started, 3)}
    resources, states = from_registrations(registrations, project.name, "dev", project.config, "preview")
    result["resources"] = len(resources)
    for name in ("ours", "control"):
        process = PackProcess(packs[name], python=python, timeout=1800.0)
        started = time.perf_counter()
        with process:
            info = process.analyzer_info()
            process.configure(reconcile(info, {}))
            configured = time.perf_counter()
            for resource in resources:
                process.analyze(resource)
            analyzed = time.perf_counter()
            process.analyze_stack(states)
            finished = time.perf_counter()
        result[name] = {"start_and_configure_s": round(configured - started, 3),
                        "analyze_s": round(analyzed - configured, 3),
                        "analyze_stack_s": round(finished - analyzed, 3)}
    log(f"  breakdown: program {result['program_under_mocks_s']:.2f} s; ours start {result['ours']['start_and_configure_s']:.2f} s, "
        f"Analyze {result['ours']['analyze_s']:.2f} s, AnalyzeStack {result['ours']['analyze_stack_s']:.2f} s; "
        f"control Analyze {result['control']['analyze_s']:.2f} s, AnalyzeStack {result['control']['analyze_stack_s']:.2f} s")
    return result


def report_policies() -> list:
    from appflow_guard.pack import POLICIES

    return list(POLICIES)


# 6. The guides ---------------------------------------------------------------------------------

def bench_notebooks(workdir: str) -> dict:
    notebooks = sorted(glob.glob(os.path.join(REPO, "notebooks", "*.ipynb")))
    if not notebooks:
        return {"measured": False, "reason": "notebooks/ has no .ipynb yet"}
    papermill = os.path.join(VENV_BIN, "papermill")
    if not os.path.isfile(papermill):
        return {"measured": False, "reason": f"papermill is not installed in {VENV_BIN}"}
    output_dir = os.path.join(workdir, "notebooks")
    os.makedirs(output_dir, exist_ok=True)
    runs, failures = {}, []
    for notebook in notebooks:
        name = os.path.basename(notebook)
        log(f"  papermill {name} ...")
        command = [papermill, "--cwd", os.path.join(REPO, "notebooks"), "--kernel", "python3", "--no-progress-bar",
                   notebook, os.path.join(output_dir, name)]
        started = time.perf_counter()
        completed = subprocess.run(command, capture_output=True, text=True, cwd=REPO)
        runs[name] = round(time.perf_counter() - started, 3)
        if completed.returncode != 0:
            lines = [line for line in (completed.stderr or completed.stdout).strip().splitlines() if line.strip()]
            failures.append(f"{name}: {lines[-1][:300] if lines else 'exit ' + str(completed.returncode)}")
    total = round(sum(runs.values()), 3)
    if failures:
        return {"measured": False, "reason": f"{len(failures)} of {len(notebooks)} guides failed: " + "; ".join(failures),
                "runs_s": runs, "total_s_including_failures": total}
    return {"measured": True, "count": len(notebooks), "total_s": total, "runs_s": runs,
            "command": "papermill --cwd notebooks --kernel python3 <guide> build/bench/notebooks/<guide>"}


# Targets and summary ---------------------------------------------------------------------------

def evaluate_targets(result: dict, sizes: list[int]) -> list[dict]:
    targets = []

    def add(name: str, value, limit: float, met: bool | None, unit: str = "", note: str = "") -> None:
        targets.append({"target": name, "value": value, "limit": limit, "unit": unit,
                        "status": "not measured" if met is None else ("met" if met else "missed"), "note": note})

    startup = result["startup"]["ours"]["median_s"]
    add("pack start-up (median)", startup, TARGETS["startup_s"], startup <= TARGETS["startup_s"], "s", "<= 1.0 s")
    throughput = result["throughput"]
    for size in sizes:
        if size >= 1000 or size == max(sizes):
            ratio = throughput[str(size)]["cost_ratio"]
            add(f"per-resource cost vs control at {size:,}", ratio, TARGETS["cost_ratio"],
                ratio <= TARGETS["cost_ratio"], "x", "<= 1.5x the control pack")
    growth = result.get("growth")
    if growth:
        add(f"growth ratio time({growth['large']:,})/time({growth['small']:,})", growth["ours"],
            TARGETS["growth_ratio"], growth["ours"] <= TARGETS["growth_ratio"], "", "<= 11")
    memory = result["memory"]["ours_peak_rss_mb"]
    add(f"pack peak RSS at {max(sizes):,}", memory, TARGETS["peak_rss_mb"], memory <= TARGETS["peak_rss_mb"], "MB",
        "<= 400 MB")
    comparisons = (("checker", "offline checker vs checkov", "checkov_speedup", ">= 2.0x as fast"),
                   ("everyday", "everyday stack: checker vs checkov", "everyday_checkov_speedup",
                    ">= 4x as fast, both cold"))
    for key, name, target, note in comparisons:
        comparison = result.get(key, {})
        if comparison.get("speedup") is not None:
            add(name, comparison["speedup"], TARGETS[target], comparison["speedup"] >= TARGETS[target], "x", note)
        else:
            reason = (comparison.get("checkov", {}).get("reason") or comparison.get("checker", {}).get("reason")
                      or "not run")
            add(name, None, TARGETS[target], None, "x", reason)
    engine = result.get("engine", {})
    for entry in (engine.get("previews") or {}).values():
        ratio = entry["added_cpu_ratio"]
        add(f"pulumi preview at {entry['resources']:,} resources: CPU time the pack adds vs the control pack", ratio,
            TARGETS["engine_added_ratio"], None if ratio is None else ratio <= TARGETS["engine_added_ratio"], "x",
            "<= 1.1x what the control pack adds")
    notebooks = result.get("notebooks", {})
    if notebooks.get("measured"):
        add("notebooks together", notebooks["total_s"], TARGETS["notebooks_s"],
            notebooks["total_s"] < TARGETS["notebooks_s"], "s", "< 60 s")
    else:
        add("notebooks together", None, TARGETS["notebooks_s"], None, "s", notebooks.get("reason", "not run"))
    return targets


def summary(result: dict) -> str:
    lines = []
    info = result["machine"]
    lines.append("appflow-guard benchmark (make bench)")
    lines.append(f"machine: {info['nproc']} CPUs, {info['cpu_model']}, {info['memory_mb']} MB RAM, Python {info['python']}, "
                 f"pulumi {info['packages']['pulumi']}, pulumi-policy {info['packages']['pulumi-policy']}")
    lines.append(f"load average (1/5/15 min): start {result['load_average']['start']}, end {result['load_average']['end']}")
    startup = result["startup"]
    lines.append("")
    lines.append(f"pack start-up to GetAnalyzerInfo, median of {len(startup['ours']['runs_s'])}: "
                 f"ours {startup['ours']['median_s']:.3f} s, control {startup['control']['median_s']:.3f} s")
    lines.append("")
    lines.append("analyzer over gRPC (Analyze per resource + one AnalyzeStack); control = same shape, rules read one "
                 f"property, same GC settings {tuple(result['control_pack']['gc_thresholds'])}")
    header = f"{'resources':>9} | {'ours total':>10} | {'ours us/res':>11} | {'control total':>13} | {'control us/res':>14} | {'ratio':>5} | {'ours peak RSS':>13}"
    lines.append(header)
    lines.append("-" * len(header))
    for size, entry in result["throughput"].items():
        ours, control = entry["ours"], entry["control"]
        lines.append(f"{int(size):>9,} | {ours['total_s']:>8.2f} s | {ours['us_per_resource']:>11,.0f} | "
                     f"{control['total_s']:>11.2f} s | {control['us_per_resource']:>14,.0f} | {entry['cost_ratio']:>5.2f} | "
                     f"{ours['peak_rss_mb']:>10.1f} MB")
    growth = result.get("growth")
    if growth:
        lines.append(f"growth time({growth['large']:,})/time({growth['small']:,}): ours {growth['ours']:.2f}, "
                     f"control {growth['control']:.2f}"
                     + (f", control with default GC {growth[DEFAULT_GC]:.2f}" if DEFAULT_GC in growth else ""))
    if any(DEFAULT_GC in entry for entry in result["throughput"].values()):
        lines.append("control with CPython's default GC thresholds (what the SDK costs without the pack's GC settings): "
                     + ", ".join(f"{int(size):,}: {entry[DEFAULT_GC]['total_s']:.2f} s"
                                 for size, entry in result["throughput"].items() if DEFAULT_GC in entry))
    lines.append(f"pack peak RSS at {result['memory']['resources']:,} resources: ours {result['memory']['ours_peak_rss_mb']:.1f} MB, "
                 f"control {result['memory']['control_peak_rss_mb']:.1f} MB")
    for key, title in (("checker", "offline checker vs checkov"), ("everyday", "everyday stack, cold: checker vs checkov")):
        checker = result.get(key, {})
        if not checker:
            continue
        lines.append("")
        lines.append(f"{title} on {checker['flows']:,} flows + {checker['connector_profiles']:,} connector profiles")
        ours = checker.get("checker", {})
        if ours.get("measured"):
            lines.append(f"  appflow-guard check (program under mocks + all {ours['policies']} policies): {ours['seconds']:.2f} s, "
                         f"{ours['resources_analyzed']:,} resources, {ours['findings']:,} findings")
        else:
            lines.append(f"  appflow-guard check: not measured ({ours.get('reason', 'not run')})")
        theirs = checker.get("checkov", {})
        if theirs.get("measured"):
            lines.append(f"  checkov {checker.get('checkov_version', '')} (CKV_AWS_263, CKV_AWS_264 only): {theirs['seconds']:.2f} s, "
                         f"{theirs.get('resource_count', 0):,} resources, {theirs.get('passed', 0)} passed, {theirs.get('failed', 0)} failed")
            lines.append(f"  appflow-guard is {checker['speedup']:.2f}x as fast as checkov")
            floor = checker.get("checker_with_control_pack")
            if floor:
                lines.append(f"  the same check with the control pack (the SDK's cost, rules that read one property): "
                             f"{floor['seconds']:.2f} s, {checker['floor_speedup']:.2f}x as fast as checkov")
        else:
            lines.append(f"  checkov: not measured ({theirs.get('reason', 'not run')})")
        breakdown = checker.get("breakdown")
        if breakdown:
            ours, control = breakdown["ours"], breakdown["control"]
            lines.append(f"  where the checker's time goes (phases one after another, {breakdown['resources']:,} resources; `check` "
                         "overlaps Analyze with the program and shares AnalyzeStack between two pack processes): program under "
                         f"pulumi's mocks {breakdown['program_under_mocks_s']:.2f} s; pack start-up + Configure "
                         f"{ours['start_and_configure_s']:.2f} s; Analyze {ours['analyze_s']:.2f} s (control "
                         f"{control['analyze_s']:.2f} s); AnalyzeStack {ours['analyze_stack_s']:.2f} s (control "
                         f"{control['analyze_stack_s']:.2f} s)")
    lines.extend(summary_lines(result.get("engine", {})))
    notebooks = result.get("notebooks", {})
    lines.append("")
    if notebooks.get("measured"):
        lines.append(f"notebooks: {notebooks['count']} guides in {notebooks['total_s']:.1f} s ("
                     + ", ".join(f"{name.split('-')[0]} {seconds:.1f} s" for name, seconds in notebooks["runs_s"].items()) + ")")
    else:
        lines.append(f"notebooks: not measured ({notebooks.get('reason', 'not run')})")
    lines.append("")
    lines.append("targets")
    for target in result["targets"]:
        value = "-" if target["value"] is None else f"{target['value']}{(' ' + target['unit']) if target['unit'] in ('s', 'MB') else target['unit']}"
        lines.append(f"  [{target['status']:^12}] {target['target']}: {value} (target {target['note']})")
    lines.append("")
    lines.append(f"total benchmark time {result['duration_s']:.0f} s; figures in {result['output']}")
    return "\n".join(lines)


def parse_sizes(text: str) -> list[int]:
    return sorted({int(part) for part in text.split(",") if part.strip()})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description="appflow-guard benchmark")
    parser.add_argument("--sizes", default="100,1000,10000", help="stack sizes (default 100,1000,10000)")
    parser.add_argument("--reps", default="100:5,1000:3,10000:2",
                        help="repetitions per size, SIZE:N pairs (median is reported; default 100:5,1000:3,10000:2)")
    parser.add_argument("--startup-runs", type=int, default=7)
    parser.add_argument("--checker-pairs", type=int, default=1000,
                        help="flows (and as many connector profiles) in the checker/checkov comparison")
    parser.add_argument("--checker-reps", type=int, default=3,
                        help="runs of the checker and of checkov, interleaved (the median is reported)")
    parser.add_argument("--everyday-pairs", type=int, default=25,
                        help="flows (and as many connector profiles) of the everyday stack (default 25: 50 resources)")
    parser.add_argument("--everyday-reps", type=int, default=5,
                        help="cold runs of the checker and of checkov on the everyday stack (median reported)")
    parser.add_argument("--no-default-gc-control", action="store_true",
                        help="skip the second control pack that keeps CPython's default GC settings")
    parser.add_argument("--no-checker", action="store_true")
    parser.add_argument("--no-checkov", action="store_true")
    parser.add_argument("--no-breakdown", action="store_true", help="skip the checker's phase breakdown (a second run)")
    parser.add_argument("--no-notebooks", action="store_true")
    parser.add_argument("--no-engine", action="store_true", help="skip the real engine's figures (bench/engine.py)")
    parser.add_argument("--engine-pairs", default="25,500",
                        help="flows (and as many connector profiles) of the engine's everyday and large programs "
                             "(default 25,500: 52 and 1,002 resources with the stack and the provider)")
    parser.add_argument("--engine-reps", default="25:5,500:2",
                        help="interleaved previews per program and pack, PAIRS:N (median reported; default 25:5,500:2)")
    parser.add_argument("--checkov-venv", default=os.path.join(REPO, "build", "checkov-venv"))
    parser.add_argument("--workdir", default=os.path.join(REPO, "build", "bench"))
    parser.add_argument("--output", default=os.path.join(REPO, "build", "bench.json"))
    options = parser.parse_args(argv)

    sizes = parse_sizes(options.sizes)
    reps = {int(size): int(count) for size, count in (pair.split(":") for pair in options.reps.split(",") if pair)}
    python = os.path.abspath(sys.executable)  # the interpreter the engine would use: the pack's .venv
    os.makedirs(options.workdir, exist_ok=True)
    packs = {"ours": REPO, "control": os.path.join(options.workdir, "control-pack")}
    if not options.no_default_gc_control:
        packs[DEFAULT_GC] = os.path.join(options.workdir, "control-pack-default-gc")
    started = time.perf_counter()
    result: dict = {"command": "make bench", "started_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
                    "machine": machine(), "load_average": {"start": loadavg()}}
    log(f"load average at start: {result['load_average']['start']} on {result['machine']['nproc']} CPUs")
    result["control_pack"] = {"path": os.path.relpath(packs["control"], REPO),
                              **write_control_pack(packs["control"], GC_THRESHOLDS)}
    if DEFAULT_GC in packs:
        result["control_pack_default_gc"] = {"path": os.path.relpath(packs[DEFAULT_GC], REPO),
                                             **write_control_pack(packs[DEFAULT_GC], None)}
    result["startup"] = bench_startup(python, packs, options.startup_runs)
    log("analyzer throughput over gRPC ...")
    result["throughput"] = bench_throughput(python, packs, sizes, reps)
    if len(sizes) >= 2:
        small, large = sizes[-2], sizes[-1]
        result["growth"] = {"small": small, "large": large, **{
            name: round(result["throughput"][str(large)][name]["total_s"] /
                        result["throughput"][str(small)][name]["total_s"], 2) for name in packs}}
    largest = result["throughput"][str(sizes[-1])]
    result["memory"] = {"resources": sizes[-1], "ours_peak_rss_mb": largest["ours"]["peak_rss_mb"],
                        "control_peak_rss_mb": largest["control"]["peak_rss_mb"], "source": "/proc/<pack pid>/status VmHWM"}
    if not options.no_checker:
        log("offline checker vs checkov ...")
        result["checker"] = bench_checker(options.checker_pairs, options.workdir, not options.no_checkov,
                                          options.checkov_venv, options.checker_reps, packs["control"])
        if result["checker"].get("checker", {}).get("measured") and not options.no_breakdown:
            result["checker"]["breakdown"] = bench_checker_breakdown(
                os.path.join(REPO, result["checker"]["program"]), packs, python)
        log(f"everyday stack ({2 * options.everyday_pairs} resources): checker vs checkov, cold ...")
        result["everyday"] = bench_checker(options.everyday_pairs, options.workdir, not options.no_checkov,
                                           options.checkov_venv, options.everyday_reps, packs["control"], "everyday")
    if options.no_engine:
        result["engine"] = {"measured": False, "reason": "skipped (--no-engine)"}
    else:
        everyday, large = (int(part) for part in options.engine_pairs.split(","))
        engine_reps = {int(size): int(count) for size, count in
                       (pair.split(":") for pair in options.engine_reps.split(",") if pair)}
        result["engine"] = bench_engine(options.workdir, everyday, large, engine_reps, packs["control"], log)
    if options.no_notebooks:
        result["notebooks"] = {"measured": False, "reason": "skipped (--no-notebooks)"}
    else:
        log("notebooks ...")
        result["notebooks"] = bench_notebooks(options.workdir)
    result["load_average"]["end"] = loadavg()
    result["duration_s"] = round(time.perf_counter() - started, 1)
    result["output"] = os.path.relpath(options.output, REPO) if options.output.startswith(REPO) else options.output
    result["targets"] = evaluate_targets(result, sizes)
    os.makedirs(os.path.dirname(os.path.abspath(options.output)), exist_ok=True)
    with open(options.output, "w", encoding="utf-8") as handle:
        json.dump(result, handle, indent=2)
        handle.write("\n")
    text = summary(result)
    with open(os.path.splitext(options.output)[0] + ".txt", "w", encoding="utf-8") as handle:
        handle.write(text + "\n")
    print()
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
