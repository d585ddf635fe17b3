"""The real Pulumi engine and `appflow-guard check` agree on every program we ship.

The engine is pulumi v3.274.1 built from the Go module proxy (scripts/build-engine); the pack,
pulumi-policy and the Python SDK are the real ones; the Python language host and the AWS providers
are this project's stand-ins (tests/e2e/standins). Each comparison is on the findings a user sees:
policy, resource type and name, enforcement level and message, and on the verdict.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import asdict

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pulumi_engine import REPO_ROOT, EngineRun, EngineWorkspace, build_engine, policy_findings  # noqa: E402
from shared_runs import check_program, program_file  # noqa: E402

pytestmark = pytest.mark.e2e

PROGRAM_ROOTS = [os.path.join(REPO_ROOT, "examples"), os.path.join(REPO_ROOT, "tests", "programs")]
PROGRAMS = sorted(
    os.path.join(root, name) for root in PROGRAM_ROOTS if os.path.isdir(root) for name in os.listdir(root)
    if os.path.isfile(os.path.join(root, name, "Pulumi.yaml")))


def program_id(path: str) -> str:
    return os.path.relpath(path, REPO_ROOT)


def expected(program: str) -> dict:
    with open(os.path.join(program, "expected.json"), encoding="utf-8") as handle:
        return json.load(handle)


def checker_options(program: str) -> dict:
    """Extra arguments and environment a program's check needs (checker.json beside it), if any."""
    return program_file(program, "checker.json")


def policy_config(program: str) -> str | None:
    name = expected(program).get("config")
    return os.path.join(program, name) if name else None


@pytest.fixture(scope="session")
def pulumi_binary() -> str:
    return build_engine()  # fails the tests (never skips them) when the engine cannot be built


@pytest.fixture(scope="session")
def descriptions() -> dict[str, str]:
    from appflow_guard.pack import POLICIES

    return {policy.name: policy.description for policy in POLICIES}


@pytest.fixture()
def workspace(pulumi_binary, tmp_path) -> EngineWorkspace:
    return EngineWorkspace(pulumi_binary, str(tmp_path))


def checker_findings(report: dict) -> list[tuple]:
    return sorted((f["policy"], f["resourceType"], f["resourceName"], f["enforcementLevel"], f["message"])
                  for f in report["findings"])


def check(runs, program: str, phase: str) -> tuple[int, dict]:
    """`appflow-guard check` on a program with its policy config and checker.json's flags and environment
    (once per test run: tests/checker compares the same check with expected.json)."""
    completed = check_program(runs, program, phase)
    if completed.returncode not in (0, 1):
        raise AssertionError(f"appflow-guard check failed ({completed.returncode}): {completed.stderr}")
    return completed.returncode, json.loads(completed.stdout)


def engine_findings(run, descriptions: dict[str, str]) -> list[tuple]:
    return sorted(finding.key() for finding in policy_findings(run, descriptions))


def engine_errors(run) -> list[str]:
    """Error diagnostics other than the engine's own "preview failed" / "update failed" verdicts."""
    return [message for message in run.diagnostics("error")
            if message.strip() not in ("preview failed", "update failed")]


def publish_stack(workspace: EngineWorkspace, reference: str, outputs_file: str) -> None:
    """The stack a program references (organization/PROJECT/STACK), deployed with the outputs the
    checker reads from ``outputs_file`` (its --stack-reference file), so the engine reads the same."""
    import yaml

    _, project_name, stack = reference.split("/")
    with open(outputs_file, encoding="utf-8") as handle:
        outputs = yaml.safe_load(handle) or {}
    folder = os.path.join(workspace.root, "referenced", project_name)
    if os.path.isdir(folder):
        return
    os.makedirs(folder)
    with open(os.path.join(folder, "Pulumi.yaml"), "w", encoding="utf-8") as handle:
        handle.write(f"name: {project_name}\nruntime: python\n")
    with open(os.path.join(folder, "__main__.py"), "w", encoding="utf-8") as handle:
        handle.write("import json\nimport pulumi\n\n"
                     f"for key, value in json.loads({json.dumps(outputs)!r}).items():\n"
                     "    pulumi.export(key, value)\n")
    workspace.init_stack(folder, stack)
    done = workspace.run(["up", "--yes", "--skip-preview"], folder)
    if done.exit_code != 0:
        raise AssertionError(f"deploying the referenced stack {reference} failed: {done.stdout}{done.stderr}")


def engine_preview(workspace: EngineWorkspace, program: str):
    project = workspace.project(program)
    options = checker_options(program)
    if options.get("stackFile"):  # the program's own stack config (encrypted secrets): the engine decrypts it
        shutil.copy(os.path.join(program, options["stackFile"]), project)
    arguments = options.get("args", [])
    for flag, value in zip(arguments, arguments[1:]):
        if flag == "--stack-reference":
            name, _, path = value.partition("=")
            publish_stack(workspace, name, os.path.join(program, path))
    workspace.init_stack(project, config=options.get("stackConfig"))
    return project, workspace.preview(project, policy_config(program))


def program_workspace(pulumi_binary: str, runs, program: str) -> tuple[EngineWorkspace, str]:
    """The program's own workspace in the run's shared folder, with checker.json's environment, and
    where its project is copied."""
    workspace = EngineWorkspace(pulumi_binary, os.path.join(runs.folder, "engine", program_id(program).replace("/", "+")))
    workspace.env.update(checker_options(program).get("env", {}))
    return workspace, os.path.join(workspace.root, "programs", os.path.basename(program))


def engine_run(pulumi_binary: str, runs, program: str, phase: str) -> EngineRun:
    """`pulumi preview`, or `pulumi up` after it on the same stack, of a program with its policy config,
    once per test run (several tests read the same run)."""
    def preview() -> dict:
        workspace, _ = program_workspace(pulumi_binary, runs, program)
        return asdict(engine_preview(workspace, program)[1])

    def up() -> dict:
        engine_run(pulumi_binary, runs, program, "preview")
        workspace, project = program_workspace(pulumi_binary, runs, program)
        return asdict(workspace.up(project, policy_config(program)))

    return EngineRun(**runs.once(f"engine-{program_id(program).replace('/', '+')}-{phase}",
                                 preview if phase == "preview" else up))


def deployed_state(pulumi_binary: str, runs, program: str) -> str:
    """The file `pulumi stack export` writes after the program's `pulumi up`."""
    def export() -> dict:
        assert engine_run(pulumi_binary, runs, program, "update").exit_code == 0
        workspace, project = program_workspace(pulumi_binary, runs, program)
        path = os.path.join(workspace.root, "state.json")
        assert workspace.run(["stack", "export", "--file", path], project).exit_code == 0
        return {"path": path}

    return runs.once(f"engine-{program_id(program).replace('/', '+')}-state", export)["path"]


def test_every_example_is_compared():
    names = {program_id(program) for program in PROGRAMS}
    assert "examples/compliant-salesforce-to-s3" in names
    assert len([name for name in names if name.startswith("examples/")]) >= 10


@pytest.mark.parametrize("program", PROGRAMS, ids=program_id)
def test_preview_findings_and_verdict_agree(pulumi_binary, shared_runs, descriptions, program):
    run = engine_run(pulumi_binary, shared_runs, program, "preview")
    assert engine_errors(run) == [], run.stdout
    exit_code, report = check(shared_runs, program, "preview")
    assert engine_findings(run, descriptions) == checker_findings(report)
    assert run.exit_code == exit_code == expected(program)["preview"]["exitCode"], run.stdout


DEPLOYABLE = [program for program in PROGRAMS if expected(program)["update"]["exitCode"] == 0]


@pytest.mark.parametrize("program", DEPLOYABLE, ids=program_id)
def test_up_findings_and_remediations_agree(pulumi_binary, shared_runs, descriptions, program):
    assert engine_run(pulumi_binary, shared_runs, program, "preview").exit_code == 0
    run = engine_run(pulumi_binary, shared_runs, program, "update")
    assert engine_errors(run) == [], run.stdout
    assert run.exit_code == 0, run.stdout + run.stderr
    _, report = check(shared_runs, program, "update")
    assert engine_findings(run, descriptions) == checker_findings(report)


def test_the_engine_suite_needs_no_network(workspace, descriptions):
    """With no network interface but loopback, the engine gives the same findings as anywhere."""
    program = os.path.join(REPO_ROOT, "examples", "aws-managed-keys")
    project = workspace.project(program)
    workspace.init_stack(project)
    run = workspace.run(["preview", "--policy-pack", REPO_ROOT], project, events=True, offline=True)
    assert engine_errors(run) == [], run.stdout + run.stderr
    assert run.exit_code == 1
    assert sorted((f.policy, f.resourceName) for f in policy_findings(run, descriptions)) == sorted(
        (f["policy"], f["resourceName"]) for f in expected(program)["preview"]["findings"])


def test_remediation_example_is_deployed_with_the_remediated_values(pulumi_binary, shared_runs):
    program = os.path.join(REPO_ROOT, "examples", "remediation")
    with open(deployed_state(pulumi_binary, shared_runs, program), encoding="utf-8") as handle:
        state = json.load(handle)
    by_name = {resource["urn"].rsplit("::", 1)[-1]: resource for resource in state["deployment"]["resources"]}
    with open(policy_config(program), encoding="utf-8") as handle:
        key_arn = json.load(handle)["aws-appflow-flow-remediate-customer-managed-key"]["keyArn"]
    assert by_name["appflow-key"]["inputs"]["enableKeyRotation"] is True
    assert by_name["accounts-to-s3"]["inputs"]["kmsArn"] == key_arn


def test_invalid_policy_config_is_refused_by_both_naming_the_same_policy_and_key(workspace, tmp_path):
    program = os.path.join(REPO_ROOT, "examples", "compliant-salesforce-to-s3")
    config = tmp_path / "bad-config.json"
    config.write_text(json.dumps({"aws-appflow-flow-missing-tags": {"requiredTags": "team"}}))
    project = workspace.project(program)
    workspace.init_stack(project)
    run = workspace.preview(project, str(config))
    assert run.exit_code != 0
    engine_text = run.stdout + run.stderr
    assert "aws-appflow-flow-missing-tags" in engine_text and "requiredTags" in engine_text, engine_text

    completed = subprocess.run([sys.executable, "-m", "appflow_guard.checker.cli", "check", program,
                                "--config", str(config)], capture_output=True, text=True, timeout=300)
    assert completed.returncode == 2
    assert "aws-appflow-flow-missing-tags" in completed.stderr and "requiredTags" in completed.stderr


AUDITED = ["compliant-salesforce-to-s3", "remediation"] + [
    os.path.basename(program) for program in DEPLOYABLE
    if program.startswith(os.path.join(REPO_ROOT, "examples")) and expected(program)["update"]["findings"]][:1]


@pytest.mark.parametrize("name", AUDITED)
def test_audit_of_exported_state_equals_pulumi_policy_analyze(pulumi_binary, shared_runs, descriptions, name):
    program = os.path.join(REPO_ROOT, "examples", name)
    state = deployed_state(pulumi_binary, shared_runs, program)
    workspace, project = program_workspace(pulumi_binary, shared_runs, program)

    analyzed = workspace.analyze(state, project)

    completed = subprocess.run([sys.executable, "-m", "appflow_guard.checker.cli", "audit", str(state),
                                "--format", "json"], capture_output=True, text=True, timeout=300)
    assert completed.returncode in (0, 1), completed.stderr
    assert engine_findings(analyzed, descriptions) == checker_findings(json.loads(completed.stdout))
    assert analyzed.exit_code == completed.returncode


def test_the_engine_refuses_a_stack_whose_secrets_it_cannot_decrypt_where_the_checker_says_what_it_skipped(
        workspace, shared_runs):
    """tests/programs-checker-only/secure-config-no-passphrase: the engine needs the passphrase that
    encrypted the stack file; the checker checks the secure values as unknown secrets and says so."""
    program = os.path.join(REPO_ROOT, "tests", "programs-checker-only", "secure-config-no-passphrase")
    project = workspace.project(program)
    shutil.copy(os.path.join(program, "Pulumi.dev.yaml"), project)
    workspace.env["PULUMI_CONFIG_PASSPHRASE"] = "not the passphrase of this stack"
    init = workspace.run(["stack", "init", "dev"], project)
    run = workspace.run(["preview", "--policy-pack", REPO_ROOT], project) if init.exit_code == 0 else init
    assert run.exit_code != 0
    assert "incorrect passphrase" in (run.stdout + run.stderr).lower(), run.stdout + run.stderr
    exit_code, report = check(shared_runs, program, "preview")
    assert exit_code == expected(program)["preview"]["exitCode"]
    assert report["notes"] == checker_options(program)["notes"]


def test_the_engine_refuses_a_missing_referenced_stack_where_the_checker_says_what_it_skipped(workspace, shared_runs):
    program = os.path.join(REPO_ROOT, "tests", "programs-checker-only", "stack-reference-missing")
    project = workspace.project(program)
    workspace.init_stack(project)
    run = workspace.run(["preview", "--policy-pack", REPO_ROOT], project, events=True)
    assert run.exit_code != 0
    assert any("organization/shared-keys/prod" in message for message in engine_errors(run)), run.stdout
    exit_code, report = check(shared_runs, program, "preview")
    assert exit_code == expected(program)["preview"]["exitCode"]
    assert report["notes"] == checker_options(program)["notes"]
