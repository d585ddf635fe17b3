"""Figures with the real Pulumi engine (make bench): what the pack costs a stack owner.

- Rollout: `pulumi policy publish` from the repository root to the stand-in Pulumi Cloud
  (tests/e2e/standins/cloud.py): the tarball's size and file count; then, on a fresh PULUMI_HOME,
  the first `pulumi preview` of a stack of the organisation, which downloads the pack and installs it
  (the language host creates its virtualenv and pip installs requirements.txt from the package index,
  pinned to the project's versions), next to the second preview of the same stack: the difference is
  what a fresh runner waits for once.
- Everyday cost: `pulumi preview` (stand-in provider, local backend) of generated compliant programs,
  with no pack, with the control pack (bench/control.py: the SDK's own cost) and with appflow-guard,
  interleaved; what each pack adds is its median minus the median without a pack.
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tarfile
import time

import yaml

from .programs import write_pulumi_program

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "tests", "e2e"))

from org_workspace import ORGANIZATION, CloudStandIn, OrgWorkspace  # noqa: E402
from pulumi_engine import EngineUnavailable, EngineWorkspace, build_engine  # noqa: E402


def engine_binary() -> tuple[str | None, str]:
    try:
        return build_engine(), ""
    except EngineUnavailable as error:
        return None, f"the engine could not be built: {str(error).splitlines()[-1] if str(error) else 'no detail'}"


def timed(workspace: EngineWorkspace, args: list[str], cwd: str) -> tuple[float, int]:
    started = time.perf_counter()
    run = workspace.run(args, cwd, timeout=3600)
    return round(time.perf_counter() - started, 3), run.exit_code


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
        first_s, first_exit = timed(workspace, ["preview"], program)
        second_s, second_exit = timed(workspace, ["preview"], program)
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
        exits: dict[str, set[int]] = {name: set() for name in packs}
        for _ in range(reps.get(pairs, 1)):
            for name, pack in packs.items():
                seconds, exit_code = timed(workspace, ["preview", *(["--policy-pack", pack] if pack else [])],
                                           program)
                runs[name].append(seconds)
                exits[name].add(exit_code)
        medians = {name: round(statistics.median(values), 3) for name, values in runs.items()}
        added = {name: round(medians[name] - medians["none"], 3) for name in ("control", "ours")}
        results[str(2 * pairs + 2)] = {
            "resources": 2 * pairs + 2, "reps": reps.get(pairs, 1), "median_s": medians, "runs_s": runs,
            "exit_codes": {name: sorted(codes) for name, codes in exits.items()}, "added_s": added,
            "added_ratio": round(added["ours"] / added["control"], 3) if added["control"] > 0 else None}
    return results


def bench_engine(workdir: str, everyday_pairs: int, large_pairs: int, reps: dict[int, int], control_pack: str,
                 log) -> dict:
    pulumi, reason = engine_binary()
    if pulumi is None:
        return {"measured": False, "reason": reason}
    log("engine: publish to the stand-in Cloud, first preview on a fresh runner (installs the pack) ...")
    result: dict = {"measured": True, "rollout": measure_rollout(pulumi, workdir, everyday_pairs)}
    rollout = result["rollout"]
    if rollout.get("measured"):
        log(f"  tarball {rollout['tarball']['bytes'] / 1e6:.2f} MB, {rollout['tarball']['files']} files; first preview "
            f"{rollout['first_preview_s']:.1f} s, second {rollout['second_preview_s']:.1f} s")
    log("engine: pulumi preview with no pack, the control pack and appflow-guard ...")
    result["previews"] = measure_previews(pulumi, workdir, sorted({everyday_pairs, large_pairs}), reps, control_pack)
    for entry in result["previews"].values():
        log(f"  {entry['resources']:>5} resources: none {entry['median_s']['none']:.2f} s, control "
            f"{entry['median_s']['control']:.2f} s (+{entry['added_s']['control']:.2f}), ours "
            f"{entry['median_s']['ours']:.2f} s (+{entry['added_s']['ours']:.2f})")
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
        lines.append(f"  fresh runner, {rollout['resources']} resources: first preview {rollout['first_preview_s']:.2f} s "
                     f"(downloads and installs the pack), second {rollout['second_preview_s']:.2f} s: the install "
                     f"costs {rollout['install_s']:.1f} s once")
    else:
        lines.append(f"  fresh runner: not measured ({rollout.get('reason')})")
    lines.append(f"  {'resources':>9} | {'no pack':>8} | {'control':>16} | {'appflow-guard':>16} | {'added ours/control':>18}")
    for entry in engine["previews"].values():
        ratio = "-" if entry["added_ratio"] is None else f"{entry['added_ratio']:.2f}x"
        lines.append(f"  {entry['resources']:>9,} | {entry['median_s']['none']:>6.2f} s | "
                     f"{entry['median_s']['control']:>6.2f} s (+{entry['added_s']['control']:.2f}) | "
                     f"{entry['median_s']['ours']:>6.2f} s (+{entry['added_s']['ours']:.2f}) | {ratio:>18}")
    return lines
