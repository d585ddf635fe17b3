"""Driving the real Pulumi engine in the tests: a workspace of its own, stand-in plugins, events.

Everything the engine needs stays in a temporary folder: PULUMI_HOME, a local file backend, the
program (copied, because `pulumi stack init` writes Pulumi.<stack>.yaml beside it) and the event
log. The stand-in language host and providers are installed into PULUMI_HOME's plugin folder the
way `pulumi plugin install` leaves a downloaded plugin, so the engine loads them as it would load
the real ones. Policy findings are read from the engine's structured event log (policyEvent,
policyRemediationEvent), not from its terminal output.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from typing import Optional

import yaml

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO_ROOT, "tests", "e2e", "standins"))
from plugin_versions import SDK_MODULES, installed_plugin_version  # noqa: E402

STANDIN_BIN = os.path.join(REPO_ROOT, "tests", "e2e", "bin")
VENV_PYTHON = os.path.join(REPO_ROOT, ".venv", "bin", "python")
PASSPHRASE = "appflow-guard-e2e"  # the local backend's secrets provider; not a secret of anyone's
ENGINE_VERSION = "3.274.1"


class EngineUnavailable(Exception):
    """The engine could not be built here; the message says why."""


def build_engine() -> str:
    """The path of the `pulumi` binary, built by scripts/build-engine on first use."""
    completed = subprocess.run([os.path.join(REPO_ROOT, "scripts", "build-engine")], capture_output=True,
                               text=True)
    if completed.returncode != 0:
        raise EngineUnavailable(completed.stderr.strip()[-2000:])
    return completed.stdout.strip().splitlines()[-1]


@dataclass
class EngineFinding:
    policy: str
    resourceType: str
    resourceName: str
    enforcementLevel: str
    message: str

    def key(self) -> tuple:
        return (self.policy, self.resourceType, self.resourceName, self.enforcementLevel, self.message)


@dataclass
class EngineRun:
    command: list[str]
    exit_code: int
    stdout: str
    stderr: str
    events: list[dict] = field(default_factory=list)

    def of_kind(self, kind: str) -> list[dict]:
        return [event[kind] for event in self.events if kind in event]

    def diagnostics(self, severity: str = "error") -> list[str]:
        return [event["message"] for event in self.of_kind("diagnosticEvent") if event.get("severity") == severity]


def urn_type_and_name(urn: str) -> tuple[str, str]:
    """(type, name) of a URN: urn:pulumi:<stack>::<project>::<parent types$>type::name."""
    qualified, name = urn.split("::", 3)[2:4]
    return qualified.rsplit("$", 1)[-1], name


def policy_findings(run: EngineRun, descriptions: dict[str, str]) -> list[EngineFinding]:
    """The engine's policy violations, and its remediations in the checker's words.

    A policyEvent's message is the policy's description, a newline, the violation's message and
    a newline; the description is taken off so the message compares with the checker's.
    """
    findings = []
    for event in run.of_kind("policyEvent"):
        resource_type, name = urn_type_and_name(event["resourceUrn"])
        message = event["message"]
        description = descriptions.get(event["policyName"], "")
        if description and message.startswith(description + "\n"):
            message = message[len(description) + 1:]
        findings.append(EngineFinding(event["policyName"], resource_type, name, event["enforcementLevel"],
                                      message.rstrip("\n")))
    for event in run.of_kind("policyRemediationEvent"):
        resource_type, name = urn_type_and_name(event["resourceUrn"])
        before, after = event.get("before") or {}, event.get("after") or {}
        changed = sorted(key for key in set(before) | set(after) if before.get(key) != after.get(key))
        message = f"Remediated: set {', '.join(changed)}." if changed else "Remediated."
        findings.append(EngineFinding(event["policyName"], resource_type, name, "remediate", message))
    return findings


class EngineWorkspace:
    """One PULUMI_HOME and local backend, with the stand-in plugins installed."""

    def __init__(self, pulumi: str, root: str) -> None:
        self.pulumi = pulumi
        self.root = root
        self.home = os.path.join(root, "home")
        self.backend = os.path.join(root, "state")
        self._templates: dict[str, dict] = {}  # stack name -> the files of a real `pulumi stack init`
        os.makedirs(self.backend, exist_ok=True)
        self.env = {
            **{key: value for key, value in os.environ.items() if not key.startswith("PULUMI_")},
            "PATH": os.pathsep.join([os.path.dirname(pulumi), os.environ.get("PATH", "")]),
            "PULUMI_HOME": self.home,
            "PULUMI_BACKEND_URL": "file://" + self.backend,
            "PULUMI_CONFIG_PASSPHRASE": PASSPHRASE,
            "PULUMI_SKIP_UPDATE_CHECK": "true",
            "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
            "PULUMI_DEBUG_COMMANDS": "true",  # --event-log needs it
            "PULUMI_PYTHON_CMD": VENV_PYTHON,
            "PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK": "true",
            "NO_COLOR": "1",
        }
        self.install_plugin("language", "python", ENGINE_VERSION)
        for package in SDK_MODULES:
            version = installed_plugin_version(package)
            if version:
                self.install_plugin("resource", package, version)

    def install_plugin(self, kind: str, name: str, version: str) -> None:
        """A stand-in plugin where `pulumi plugin install <kind> <name> <version>` puts the real one."""
        folder = os.path.join(self.home, "plugins", f"{kind}-{name}-v{version}")
        os.makedirs(folder, exist_ok=True)
        binary = os.path.join(folder, f"pulumi-{kind}-{name}")
        if not os.path.exists(binary):
            os.symlink(os.path.join(STANDIN_BIN, f"pulumi-{kind}-{name}"), binary)

    def project(self, source: str, name: Optional[str] = None) -> str:
        """A copy of a program folder (with examples/shared beside it, which examples import)."""
        name = name or os.path.basename(os.path.normpath(source))
        parent = os.path.join(self.root, "programs")
        target = os.path.join(parent, name)
        shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "Pulumi.*.yaml"))
        shared = os.path.join(os.path.dirname(os.path.normpath(source)), "shared")
        if os.path.isdir(shared) and not os.path.exists(os.path.join(parent, "shared")):
            shutil.copytree(shared, os.path.join(parent, "shared"), ignore=shutil.ignore_patterns("__pycache__"))
        return target

    def run(self, args: list[str], cwd: str, events: bool = False, timeout: float = 300,
            offline: bool = False) -> EngineRun:
        """``pulumi <args>``; ``offline`` runs it in a network namespace with only loopback up."""
        command = [self.pulumi, *args, "--non-interactive"]
        log = None
        if events:
            log = os.path.join(self.root, f"events-{len(os.listdir(self.root))}.jsonl")
            command += ["--event-log", log]
        if offline:
            command = ["unshare", "--net", "sh", "-c", 'ip link set lo up && exec "$@"', "sh", *command]
        completed = subprocess.run(command, cwd=cwd, env=self.env, capture_output=True, text=True, timeout=timeout,
                                   stdin=subprocess.DEVNULL)
        run = EngineRun(command, completed.returncode, completed.stdout, completed.stderr)
        if log and os.path.exists(log):
            with open(log, encoding="utf-8") as handle:
                run.events = [json.loads(line) for line in handle if line.strip()]
        return run

    def analyze(self, state_file: str, cwd: str, pack: str = REPO_ROOT) -> EngineRun:
        """`pulumi policy analyze` on an exported state; its --json output is the event stream."""
        run = self.run(["policy", "analyze", "--file", state_file, "--policy-pack", pack, "--json"], cwd)
        run.events = [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]
        return run

    def init_stack(self, program: str, stack: str = "dev", config: Optional[dict] = None) -> None:
        done = self.run(["stack", "init", stack], program)
        if done.exit_code != 0:
            raise AssertionError(f"pulumi stack init failed: {done.stderr or done.stdout}")
        self.set_config(program, stack, config)

    def set_config(self, program: str, stack: str, config: Optional[dict]) -> None:
        for key, value in (config or {}).items():
            done = self.run(["config", "set", "--stack", stack, key, str(value)], program)
            if done.exit_code != 0:
                raise AssertionError(f"pulumi config set {key} failed: {done.stderr or done.stdout}")

    def new_stack(self, program: str, stack: str = "dev", config: Optional[dict] = None) -> None:
        """A new stack of the program's project, the files `pulumi stack init` writes, without running it.

        The workspace's first stack is made by `pulumi stack init` (in a project of its own); each later
        one is its checkpoint and its Pulumi.<stack>.yaml (the passphrase's salt) under the program's
        project name. `pulumi stack init` spends 0.4 s of CPU, most of it deriving the passphrase's key
        (a million PBKDF2 rounds); the verdict corpus makes a stack for each of its ~100 programs.
        Unlike `pulumi stack init`, it selects no stack: commands name it (``--stack``).
        tests/e2e/test_engine_workspace.py holds these files against a real `pulumi stack init`'s.
        """
        template = self._stack_template(stack)
        project = project_name(program)
        folder = os.path.join(self.backend, ".pulumi", "stacks", project)
        os.makedirs(folder, exist_ok=True)
        checkpoint = template["checkpoint"].replace(json.dumps(template["name"]),
                                                    json.dumps(f"organization/{project}/{stack}"))
        with open(os.path.join(folder, f"{stack}.json"), "w", encoding="utf-8") as handle:
            handle.write(checkpoint)
        attributes = {**template["attributes"], "md5": base64.b64encode(hashlib.md5(checkpoint.encode()).digest()).decode()}
        with open(os.path.join(folder, f"{stack}.json.attrs"), "w", encoding="utf-8") as handle:
            json.dump(attributes, handle, separators=(",", ":"))
        shutil.copyfile(template["settings"], os.path.join(program, f"Pulumi.{stack}.yaml"))
        self.set_config(program, stack, config)

    def _stack_template(self, stack: str) -> dict:
        """The files of a stack made by `pulumi stack init` in this workspace's template project."""
        if stack not in self._templates:
            project = os.path.join(self.root, f"stack-template-{stack}")
            os.makedirs(project)
            with open(os.path.join(project, "Pulumi.yaml"), "w", encoding="utf-8") as handle:
                handle.write("name: stack-template\nruntime: python\n")
            self.init_stack(project, stack)
            path = os.path.join(self.backend, ".pulumi", "stacks", "stack-template", f"{stack}.json")
            with open(path, encoding="utf-8") as handle, open(path + ".attrs", encoding="utf-8") as attributes:
                self._templates[stack] = {"checkpoint": handle.read(), "attributes": json.load(attributes),
                                          "name": f"organization/stack-template/{stack}",
                                          "settings": os.path.join(project, f"Pulumi.{stack}.yaml")}
        return self._templates[stack]

    def preview(self, program: str, policy_config: Optional[str] = None, pack: str = REPO_ROOT,
                stack: Optional[str] = None) -> EngineRun:
        """`pulumi preview` of ``stack``, else of the stack `pulumi stack init` selected."""
        return self.run(["preview", *(["--stack", stack] if stack else []), *policy_arguments(pack, policy_config)],
                        program, events=True)

    def up(self, program: str, policy_config: Optional[str] = None, pack: str = REPO_ROOT) -> EngineRun:
        return self.run(["up", "--yes", "--skip-preview", *policy_arguments(pack, policy_config)], program,
                        events=True)


def project_name(program: str) -> str:
    """The project name in a program's Pulumi.yaml."""
    with open(os.path.join(program, "Pulumi.yaml"), encoding="utf-8") as handle:
        return str(yaml.safe_load(handle)["name"])


def policy_arguments(pack: str, policy_config: Optional[str]) -> list[str]:
    return ["--policy-pack", pack, *(["--policy-pack-config", policy_config] if policy_config else [])]
