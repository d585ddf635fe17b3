"""`make corpus SOURCES=DIR`: the checker on public Pulumi Python programs nobody here wrote.

Reads scripts/corpus/programs.txt, copies each program from DIR into build/corpus/programs (its
code is never committed), writes its stack config (Pulumi.dev.yaml) and points its Pulumi.yaml at
one throwaway virtualenv (build/corpus/venv) into which each program's own requirements.txt or
pyproject.toml dependencies are installed, then runs `appflow-guard check` on it in preview and in
update. Prints one line per program and phase (exit code, and the cause when it is 2) and the
figure: programs that ran (exit 0 or 1) out of those whose dependencies installed, and out of all.
A measurement run by hand; it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
BUILD = os.path.join(REPO, "build", "corpus")


def entries(path: str) -> list[tuple[str, dict, dict]]:
    """(program folder, config, files) per line of the list."""
    result = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            line = line.split("#", 1)[0].strip() if line.lstrip().startswith("#") else line.strip()
            if not line:
                continue
            folder, *settings = shlex.split(line)
            config, files = {}, {}
            for setting in settings:
                key, _, value = setting.partition("=")
                if key.startswith("file:"):
                    files[key[5:]] = value
                else:
                    config[key] = value
            result.append((folder, config, files))
    return result


def requirements(program: str) -> list[str]:
    """The program's own dependencies: requirements.txt, or pyproject.toml's (poetry or PEP 621)."""
    path = os.path.join(program, "requirements.txt")
    if os.path.isfile(path):
        with open(path, encoding="utf-8") as handle:
            return [line.strip() for line in handle if line.strip() and not line.startswith(("#", "-"))]
    path = os.path.join(program, "pyproject.toml")
    if os.path.isfile(path):
        import tomllib

        with open(path, "rb") as handle:
            project = tomllib.load(handle)
        poetry = project.get("tool", {}).get("poetry", {}).get("dependencies", {})
        if poetry:
            return [name if spec in ("*", "") else f"{name}{spec if spec[0] in '=<>!~' else '==' + spec}"
                    for name, spec in poetry.items() if name != "python" and isinstance(spec, str)]
        return list(project.get("project", {}).get("dependencies", []))
    return []


def materialize(sources: str, folder: str, config: dict, files: dict, venv: str) -> str:
    """A copy of the program, as `pulumi new` / `pulumi config set` would leave it, using ``venv``."""
    slug = folder.replace("/", "--")
    target = os.path.join(BUILD, "programs", slug)
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(os.path.join(sources, folder), target, symlinks=True)
    path = os.path.join(target, "Pulumi.yaml")
    with open(path, encoding="utf-8") as handle:
        text = handle.read().replace("${PROJECT}", slug.split("--")[-1]).replace("${DESCRIPTION}", "corpus program")
    settings = yaml.safe_load(text)
    defaults = {key: value.get("default") for key, value in
                ((settings.get("template") or {}).get("config") or {}).items()
                if isinstance(value, dict) and "default" in value}
    runtime = settings.get("runtime")
    runtime = {"name": runtime} if isinstance(runtime, str) else dict(runtime or {"name": "python"})
    runtime["options"] = {**(runtime.get("options") or {}), "virtualenv": venv}
    settings["runtime"] = runtime
    with open(path, "w", encoding="utf-8") as handle:
        yaml.safe_dump(settings, handle)
    stack = {"aws:region": "us-east-1", **{str(k): v for k, v in defaults.items()}, **config}
    with open(os.path.join(target, "Pulumi.dev.yaml"), "w", encoding="utf-8") as handle:
        yaml.safe_dump({"config": stack}, handle)
    for name, text in files.items():
        os.makedirs(os.path.dirname(os.path.join(target, name)), exist_ok=True)
        with open(os.path.join(target, name), "w", encoding="utf-8") as handle:
            handle.write(text + "\n")
    return target


def install(venv: str, wanted: list[str], log) -> str:
    """'' when the program's dependencies installed into the shared throwaway venv, else pip's last line."""
    if not wanted:
        return ""
    # --upgrade: each program gets the newest versions its own requirements allow, not whatever an earlier
    # program's pins left in the shared virtualenv.
    completed = subprocess.run([os.path.join(venv, "bin", "python"), "-m", "pip", "install", "--quiet", "--upgrade",
                                "--disable-pip-version-check", *wanted], capture_output=True, text=True)
    log.write(f"$ pip install {' '.join(wanted)}\n{completed.stdout}{completed.stderr}\n")
    if completed.returncode == 0:
        return ""
    lines = [line for line in completed.stderr.splitlines() if line.strip().startswith("ERROR")] or \
        completed.stderr.strip().splitlines() or ["pip failed"]
    conflict = [line for line in lines if "Cannot install" in line or "conflicting dependencies" in line]
    return (conflict or lines)[-1].strip()


def check(program: str, phase: str) -> tuple[int, str, float]:
    started = time.monotonic()
    env = {key: value for key, value in os.environ.items() if not key.startswith("PULUMI_CONFIG_PASSPHRASE")}
    completed = subprocess.run([sys.executable, "-m", "appflow_guard.checker.cli", "check", program, "--phase",
                                phase, "--format", "json", "--timeout", "300"],
                               capture_output=True, text=True, env=env)
    cause = completed.stderr.strip().splitlines()[-1] if completed.stderr.strip() else ""
    if completed.returncode in (0, 1):
        notes = json.loads(completed.stdout).get("notes", [])
        cause = f"{len(notes)} note(s)" if notes else ""
    return completed.returncode, cause, time.monotonic() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sources", help="folder holding the repositories' checkouts (DIR/pulumi/examples, ...)")
    parser.add_argument("--list", default=os.path.join(HERE, "programs.txt"))
    parser.add_argument("--only", help="a regular expression: run the matching programs only")
    options = parser.parse_args()
    if not os.path.isdir(options.sources):
        print(f"corpus: no such folder: {options.sources}", file=sys.stderr)
        return 2
    os.makedirs(BUILD, exist_ok=True)
    venv = os.path.join(BUILD, "venv")
    if not os.path.isfile(os.path.join(venv, "bin", "python")):
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    programs = [entry for entry in entries(options.list) if not options.only or re.search(options.only, entry[0])]
    missing = [folder for folder, _, _ in programs if not os.path.isfile(os.path.join(options.sources, folder, "Pulumi.yaml"))]
    if missing:
        print(f"corpus: {len(missing)} program(s) not found under {options.sources}: {', '.join(missing)}", file=sys.stderr)
        return 2
    results = []
    with open(os.path.join(BUILD, "pip.log"), "w", encoding="utf-8") as log:
        for folder, config, files in programs:
            target = materialize(options.sources, folder, config, files, venv)
            problem = install(venv, requirements(target), log)
            row = {"program": folder, "dependencies": problem or "installed"}
            for phase in ("preview", "update"):
                if problem:
                    row[phase] = None
                    continue
                code, cause, seconds = check(target, phase)
                row[phase] = {"exit": code, "cause": cause, "seconds": round(seconds, 1)}
                print(f"{folder:<62} {phase:<7} exit {code}  {seconds:5.1f}s  {cause}", flush=True)
            if problem:
                print(f"{folder:<62} dependencies did not install: {problem}", flush=True)
            results.append(row)
    with open(os.path.join(BUILD, "results.json"), "w", encoding="utf-8") as handle:
        json.dump(results, handle, indent=2)
    installed = [row for row in results if row["dependencies"] == "installed"]
    print()
    for phase in ("preview", "update"):
        ran = sum(1 for row in installed if row[phase]["exit"] in (0, 1))
        print(f"{phase}: {ran}/{len(installed)} programs ran (exit 0 or 1) of those whose dependencies installed; "
              f"{ran}/{len(results)} of all")
    failures = [(row["program"], phase, row[phase]["cause"]) for row in installed for phase in ("preview", "update")
                if row[phase]["exit"] not in (0, 1)]
    for program, phase, cause in failures:
        print(f"  not run: {program} ({phase}): {cause}")
    for row in results:
        if row["dependencies"] != "installed":
            print(f"  dependencies did not install: {row['program']}: {row['dependencies']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
