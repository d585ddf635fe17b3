"""Figures with the real Pulumi engine (make bench): what the pack costs a stack owner.

- Rollout: `pulumi policy publish` from the repository root to the stand-in Pulumi Cloud
  (tests/e2e/standins/cloud.py): the tarball's size and file count; then, on a fresh PULUMI_HOME,
  the first `pulumi preview` of a stack of the organisation, which downloads the pack and installs it
  (the language host creates its virtualenv and pip installs requirements.txt from the package index,
  pinned to the project's versions), next to the second preview of the same stack: the difference is
  what a fresh runner waits for once.
- Everyday cost: `pulumi preview` (stand-in provider, local backend) of generated compliant programs,
  with no pack, with the control pack (bench/control.py: the SDK's own cost) and with appflow-guard,
  interleaved; what each pack adds is its median minus the median without a pack, in wall time and
  in CPU time (the engine, its plugins and the pack process, all reaped children): on a machine
  shared with other jobs the wall times move by more than a pack adds, the CPU times much less.
"""

from __future__ import annotations

import ctypes
import os
import resource
import shutil
import statistics
import sys
import tarfile
import time

import yaml

from .programs import write_pulumi_program

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PR_SET_CHILD_SUBREAPER = 36  # linux/prctl.h
sys.path.insert(0, os.path.join(REPO, "tests", "e2e"))

from org_workspace import ORGANIZATION, CloudStandIn, OrgWorkspace  # noqa: E402
from pulumi_engine import EngineUnavailable, EngineWorkspace, build_engine  # noqa: E402


def engine_binary() -> tuple[str | None, str]:
    try:
        return build_engine(), ""
    except EngineUnavailable as error:
        return None, f"the engine could not be built: {str(error).splitlines()[-1] if str(error) else 'no detail'}"


def become_subreaper() -> bool:
    """Orphaned descendants (a pack process whose language host exited first) are reparented to this
    process, so their CPU time is counted once reaped; Linux only."""
    try:
        return ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def reap_orphans(grace_s: float = 5.0) -> None:
    deadline = time.monotonic() + grace_s
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return  # none left
        if pid == 0:
            if time.monotonic() > deadline:
                return
            time.sleep(0.05)


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(workspace: EngineWorkspace, args: list[str], cwd: str) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds of the command and every process under it, exit code)."""
    cpu, started = children_cpu(), time.perf_counter()
    run = workspace.run(args, cwd, timeout=3600)
    wall = time.perf_counter() - started
    reap_orphans()
    return round(wall, 3), round(children_cpu() - cpu, 3), run.exit_code


def measure_rollout(pulumi: str, workdir: str, pairs: int) -> dict:
    """Publish, enable, then the first (installing) and second preview on a fresh runner."""
    root = os.path.join(workdir, "engine-rollout")
    if os.path.isdir(root):
        shutil.rmtree(root)
    os.makedirs(root)
    cloud = CloudStandIn(os.path.join(root, "cloud"), ORGANIZATION)
    server = cloud.serve()
    try:
        workspace = OrgWorkspace(pulumi, os.path.join(root, "runner"), cloud)
        workspace.login()
        workspace.publish(REPO)
        with open(os.path.join(REPO, "PulumiPolicy.yaml"), encoding="utf-8") as handle:
            version = str(yaml.safe_load(handle)["version"])
        with tarfile.open(workspace.stored_tarball(version)) as archive:
            files = [member for member in archive.getmembers() if member.isfile()]
        tarball = {"bytes": os.path.getsize(workspace.stored_tarball(version)), "files": len(files),
                   "unpacked_bytes": sum(member.size for member in files)}
        workspace.enable("latest")
        program = workspace.project(write_pulumi_program(os.path.join(root, "source", "program"), pairs))
        workspace.init_stack(program)
        first_s, _, first_exit = timed(workspace, ["preview"], program)
        second_s, _, second_exit = timed(workspace, ["preview"], program)
        if first_exit != 0 or second_exit != 0:
            return {"measured": False, "tarball": tarball,
                    "reason": f"preview exited {first_exit} then {second_exit} (see {root})"}
        return {"measured": True, "version": version, "tarball": tarball, "resources": 2 * pairs + 2,
                "first_preview_s": first_s, "second_preview_s": second_s,
                "install_s": round(first_s - second_s, 2),
                "pip": "package index (PIP_CONSTRAINT: the project's .venv versions)"}
    finally:
        server.shutdown()


def measure_previews(pulumi: str, workdir: str, sizes: list[int], reps: dict[int, int], control_pack: str) -> dict:
    """`pulumi preview` with no pack, the control pack and ours, interleaved, at each program size (pairs)."""
    root = os.path.join(workdir, "engine-previews")
    os.makedirs(root, exist_ok=True)
    packs = {"none": None, "control": control_pack, "ours": REPO}
    results = {}
    for pairs in sizes:
        workspace = EngineWorkspace(pulumi, os.path.join(root, f"workspace-{pairs}-{time.time_ns()}"))
        program = workspace.project(write_pulumi_program(os.path.join(root, f"program-{pairs}"), pairs))
        workspace.init_stack(program)
        runs: dict[str, list[float]] = {name: [] for name in packs}
        cpu_runs: dict[str, list[float]] = {name: [] for name in packs}
        exits: dict[str, set[int]] = {name: set() for name in packs}
        for _ in range(reps.get(pairs, 1)):
            for name, pack in packs.items():
                seconds, cpu, exit_code = timed(workspace, ["preview", *(["--policy-pack", pack] if pack else [])],
                                                program)
                runs[name].append(seconds)
                cpu_runs[name].append(cpu)
                exits[name].add(exit_code)
        medians = {name: round(statistics.median(values), 3) for name, values in runs.items()}
        cpu_medians = {name: round(statistics.median(values), 3) for name, values in cpu_runs.items()}
        added = {name: round(medians[name] - medians["none"], 3) for name in ("control", "ours")}
        added_cpu = {name: round(cpu_medians[name] - cpu_medians["none"], 3) for name in ("control", "ours")}
        results[str(2 * pairs + 2)] = {
            "resources": 2 * pairs + 2, "reps": reps.get(pairs, 1), "median_s": medians, "runs_s": runs,
            "cpu_median_s": cpu_medians, "cpu_runs_s": cpu_runs,
            "exit_codes": {name: sorted(codes) for name, codes in exits.items()}, "added_s": added,
            "added_ratio": round(added["ours"] / added["control"], 3) if added["control"] > 0 else None,
            "added_cpu_s": added_cpu,
            "added_cpu_ratio": round(added_cpu["ours"] / added_cpu["control"], 3) if added_cpu["control"] > 0
            else None}
    return results


def bench_engine(workdir: str, everyday_pairs: int, large_pairs: int, reps: dict[int, int], control_pack: str,
                 log) -> dict:
    pulumi, reason = engine_binary()
    if pulumi is None:
        return {"measured": False, "reason": reason}
    subreaper = become_subreaper()
    log("engine: publish to the stand-in Cloud, first preview on a fresh runner (installs the pack) ...")
    result: dict = {"measured": True, "cpu_includes_orphans": subreaper,
                    "rollout": measure_rollout(pulumi, workdir, everyday_pairs)}
    rollout = result["rollout"]
    if rollout.get("measured"):
        log(f"  tarball {rollout['tarball']['bytes'] / 1e6:.2f} MB, {rollout['tarball']['files']} files; first preview "
            f"{rollout['first_preview_s']:.1f} s, second {rollout['second_preview_s']:.1f} s")
    log("engine: pulumi preview with no pack, the control pack and appflow-guard ...")
    result["previews"] = measure_previews(pulumi, workdir, sorted({everyday_pairs, large_pairs}), reps, control_pack)
    for entry in result["previews"].values():
        log(f"  {entry['resources']:>5} resources: none {entry['median_s']['none']:.2f} s, control "
            f"{entry['median_s']['control']:.2f} s ({entry['added_s']['control']:+.2f}), ours "
            f"{entry['median_s']['ours']:.2f} s ({entry['added_s']['ours']:+.2f}); CPU none "
            f"{entry['cpu_median_s']['none']:.2f} s, control {entry['added_cpu_s']['control']:+.2f}, ours "
            f"{entry['added_cpu_s']['ours']:+.2f}")
    return result


def summary_lines(engine: dict) -> list[str]:
    if not engine:
        return []
    if not engine.get("measured"):
        return ["", f"real engine: not measured ({engine.get('reason', 'not run')})"]
    lines = ["", "real engine (pulumi v3.274.1, stand-in provider and language host)"]
    rollout = engine["rollout"]
    tarball = rollout.get("tarball")
    if tarball:
        lines.append(f"  `pulumi policy publish` tarball: {tarball['bytes']:,} bytes, {tarball['files']} files "
                     f"({tarball['unpacked_bytes']:,} bytes unpacked)")
    if rollout.get("measured"):
        lines.append(f"  fresh runner, {rollout['resources']} resources: first preview "
                     f"{rollout['first_preview_s']:.2f} s "
                     f"(downloads and installs the pack), second {rollout['second_preview_s']:.2f} s: the install "
                     f"costs {rollout['install_s']:.1f} s once")
    else:
        lines.append(f"  fresh runner: not measured ({rollout.get('reason')})")
    lines.append("  pulumi preview, median wall [CPU] seconds; in parentheses what the pack adds to no pack")
    lines.append(f"  {'resources':>9} | {'no pack':>16} | {'control':>30} | {'appflow-guard':>30} | "
                 "added ours/control, CPU")
    for entry in engine["previews"].values():
        wall, cpu, added, added_cpu = (entry["median_s"], entry["cpu_median_s"], entry["added_s"],
                                       entry["added_cpu_s"])
        ratio = "-" if entry["added_cpu_ratio"] is None else f"{entry['added_cpu_ratio']:.2f}x"
        cells = [f"{wall[name]:>7.2f} [{cpu[name]:>7.2f}] ({added[name]:+.2f} [{added_cpu[name]:+.2f}])"
                 for name in ("control", "ours")]
        lines.append(f"  {entry['resources']:>9,} | {wall['none']:>7.2f} [{cpu['none']:>7.2f}] | {cells[0]:>30} | "
                     f"{cells[1]:>30} | {ratio}")
    return lines
