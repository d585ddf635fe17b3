"""Organisation-wide enforcement, with the real engine and a stand-in Pulumi Cloud.

`pulumi policy publish` from the repository root, `pulumi policy enable <org>/appflow-guard` with a
config, and from then on every `pulumi preview` of a stack of the organisation downloads the pack,
installs it into a fresh PULUMI_HOME (the engine's own install path: the language host's
InstallDependencies, virtualenv plus requirements.txt) and enforces it, with no --policy-pack flag.
The engine (v3.274.1), pulumi-policy, the SDK and the pack are real; the Cloud service, the
language host and the AWS providers are this project's stand-ins (tests/e2e/standins).

The module shares one service, one PULUMI_HOME and one published pack (a session fixture of this
module, one xdist group: `make test --dist loadgroup` runs it on one worker); each test enables the
pack with the config it needs, so each also holds alone.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import tarfile

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from org_workspace import ORGANIZATION, PACK, CloudStandIn, OrgWorkspace  # noqa: E402
from pulumi_engine import REPO_ROOT, build_engine, policy_findings  # noqa: E402
from shared_runs import SharedRuns  # noqa: E402

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("org-policy")]

COMPLIANT = os.path.join(REPO_ROOT, "examples", "compliant-salesforce-to-s3")
NON_COMPLIANT = os.path.join(REPO_ROOT, "examples", "aws-managed-keys")
# The compliant example's flow is tagged team and data-classification (examples/shared/appflow_stack.py),
# so requiring cost-centre as well, at mandatory, blocks it: a config given to `enable` changes the verdict.
STRICT_TAGS = {"aws-appflow-flow-missing-tags": {"enforcementLevel": "mandatory",
                                                 "requiredTags": ["team", "cost-centre"]}}
ADVISORY_FIRST = {"all": "advisory"}
VERSION = "0.1.0"


@pytest.fixture(scope="module")
def descriptions() -> dict[str, str]:
    from appflow_guard.pack import POLICIES

    return {policy.name: policy.description for policy in POLICIES}


@pytest.fixture(scope="session")  # not module: an xdist worker may tear module fixtures down between two tests
def org(tmp_path_factory):
    """A logged-in runner, the pack published from the repository root, and one stack per example."""
    root = tmp_path_factory.mktemp("org")
    cloud = CloudStandIn(str(root / "cloud"), ORGANIZATION)
    server = cloud.serve()
    workspace = OrgWorkspace(build_engine(), str(root / "runner"), cloud)
    workspace.use_wheelhouse(str(root / "wheelhouse"), os.path.join(REPO_ROOT, "requirements.txt"))
    workspace.login()
    workspace.published = workspace.publish(REPO_ROOT)
    workspace.stacks = {}
    for program in (COMPLIANT, NON_COMPLIANT):
        project = workspace.project(program)
        workspace.init_stack(project)
        workspace.stacks[program] = project
    yield workspace
    server.shutdown()


def engine_findings(run, descriptions) -> list[tuple]:
    return sorted(finding.key() for finding in policy_findings(run, descriptions))


def checker_findings(program: str, config: dict | None, tmp_path) -> tuple[int, list[tuple]]:
    path = None
    if config is not None:
        path = str(tmp_path / "checker-config.json")
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(config, handle)
    completed = SharedRuns(str(tmp_path)).check(program, "preview", path)
    assert completed.returncode in (0, 1), completed.stderr
    report = json.loads(completed.stdout)
    return completed.returncode, sorted((f["policy"], f["resourceType"], f["resourceName"], f["enforcementLevel"], f["message"])
                             for f in report["findings"])


def preview(org, program: str):
    return org.run(["preview"], org.stacks[program], events=True)


def pack_versions(run) -> set[str]:
    return {f"{event['policyPackName']}@{event['policyPackVersion']}" for event in run.of_kind("policyEvent")}


def tracked_files() -> set[str]:
    """What .gitignore lets through: tracked files and untracked ones that are not ignored."""
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], cwd=REPO_ROOT,
                            capture_output=True, text=True, check=True).stdout.split("\0")
    return {name for name in listed if name and os.path.isfile(os.path.join(REPO_ROOT, name))}


def test_publish_stores_the_clone_minus_what_gitignore_excludes(org):
    assert f'Publishing "{PACK}" - version {VERSION} to "{ORGANIZATION}"' in org.published.stdout
    tarball = org.stored_tarball(VERSION)
    with tarfile.open(tarball) as archive:
        names = {member.name for member in archive.getmembers() if member.isfile()}
    assert all(name.startswith("package/") for name in names)
    files = {name[len("package/"):] for name in names}
    assert {"PulumiPolicy.yaml", "__main__.py", "requirements.txt", "policy-pack/appflow_guard/pack.py"} <= files
    assert [name for name in files if name.split("/")[0] in (".venv", ".cache", "build", ".git")
            or "__pycache__" in name or ".egg-info" in name] == []
    assert files == tracked_files()
    # Bounds: the clone's text (rules, tests, examples, guides) and nothing heavy.
    assert 200 <= len(files) <= 1000
    assert os.path.getsize(tarball) <= 2_000_000


def test_enabled_pack_is_installed_on_a_fresh_runner_and_enforced_with_the_enable_config(org, descriptions, tmp_path):
    org.enable("latest", STRICT_TAGS)
    assert not os.path.exists(org.installed_pack(VERSION))

    run = preview(org, COMPLIANT)  # the first preview on this PULUMI_HOME downloads and installs the pack

    installed = org.installed_pack(VERSION)
    assert os.path.isfile(os.path.join(installed, "PulumiPolicy.yaml"))
    # The language host's InstallDependencies: the pack's own virtualenv (`.venv`, PulumiPolicy.yaml) with
    # requirements.txt installed, not the repository's.
    site_packages = [os.path.join(installed, ".venv", "lib", name, "site-packages")
                     for name in os.listdir(os.path.join(installed, ".venv", "lib"))]
    assert [path for path in site_packages if os.path.isdir(os.path.join(path, "pulumi_policy"))] != []
    assert f"Installing policy pack {PACK}@v{VERSION} dependencies" in run.stdout
    # What the stack owner sees: the pack, the level, the policy, the resource and the reason.
    assert f"❌ {PACK}@v{VERSION}" in run.stdout
    assert ("[mandatory] [severity: low]  aws-appflow-flow-missing-tags  (aws:appflow:Flow: accounts-to-s3)"
            in run.stdout)

    assert run.exit_code == 1, run.stdout + run.stderr
    assert pack_versions(run) == {f"{PACK}@{VERSION}"}
    exit_code, expected = checker_findings(COMPLIANT, STRICT_TAGS, tmp_path)
    assert exit_code == 1
    assert engine_findings(run, descriptions) == expected
    assert [finding[:4] for finding in expected if finding[3] == "mandatory"] == [
        ("aws-appflow-flow-missing-tags", "aws:appflow/flow:Flow", "accounts-to-s3", "mandatory")]

    blocked = preview(org, NON_COMPLIANT)
    exit_code, expected = checker_findings(NON_COMPLIANT, STRICT_TAGS, tmp_path)
    assert blocked.exit_code == exit_code == 1, blocked.stdout
    assert engine_findings(blocked, descriptions) == expected

    org.enable("latest")  # no --config: the pack's defaults
    passed = preview(org, COMPLIANT)
    exit_code, expected = checker_findings(COMPLIANT, None, tmp_path)
    assert passed.exit_code == exit_code == 0, passed.stdout + passed.stderr
    assert engine_findings(passed, descriptions) == expected

    # Rolling out advisory first: every policy reports, nothing blocks.
    org.enable("latest", ADVISORY_FIRST)
    reported = preview(org, NON_COMPLIANT)
    exit_code, expected = checker_findings(NON_COMPLIANT, ADVISORY_FIRST, tmp_path)
    assert reported.exit_code == exit_code == 0, reported.stdout + reported.stderr
    assert engine_findings(reported, descriptions) == expected
    assert expected and {finding[3] for finding in expected} == {"advisory"}


def test_invalid_config_is_accepted_by_enable_and_refused_at_the_first_preview(org):
    """`pulumi policy enable` sends the config as it is and the stand-in stores it (see its docstring);
    `pulumi policy validate-config` refuses it against the published schema without saying where;
    the engine checks required packs' config against their schemas when it loads them, so the next
    preview of every stack fails, naming the policy and the key."""
    invalid = {"aws-appflow-flow-missing-tags": {"requiredTags": "team"}}
    org.enable("latest", invalid)
    # `pulumi policy validate-config` reads the published schema from the service and refuses the file,
    # but (v3.274.1) names neither the policy nor the key: only the schema's complaint.
    path = os.path.join(org.root, "invalid-config.json")
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(invalid, handle)
    validated = org.run(["policy", "validate-config", f"{ORGANIZATION}/{PACK}", VERSION, "--config", path], org.root)
    assert validated.exit_code != 0
    assert validated.stderr.strip() == ("error: policy pack configuration is invalid: "
                                        "Invalid type. Expected: array, given: string")
    run = preview(org, COMPLIANT)
    text = run.stdout + run.stderr
    assert run.exit_code != 0
    assert "aws-appflow-flow-missing-tags" in text and "requiredTags" in text, text
    assert run.of_kind("resourcePreEvent") == []  # refused before any resource is planned


def pack_copy_with_version(org, version: str) -> str:
    """The published tarball, extracted, with another version: what a team publishes next. Its
    .venv (gitignored, so never published) reuses the project's packages through a .pth file."""
    folder = os.path.join(org.root, f"pack-{version}")
    with tarfile.open(org.stored_tarball(VERSION)) as archive:
        archive.extractall(folder, filter="data")
    folder = os.path.join(folder, "package")
    manifest = os.path.join(folder, "PulumiPolicy.yaml")
    with open(manifest, encoding="utf-8") as handle:
        text = handle.read()
    assert f"version: {VERSION}\n" in text
    with open(manifest, "w", encoding="utf-8") as handle:
        handle.write(text.replace(f"version: {VERSION}\n", f"version: {version}\n"))
    venv = os.path.join(folder, ".venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", venv], check=True)
    purelib = subprocess.run([os.path.join(venv, "bin", "python"), "-c",
                              "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    with open(os.path.join(purelib, "project.pth"), "w", encoding="utf-8") as handle:
        handle.write(sysconfig.get_paths()["purelib"] + "\n")
    return folder


def test_a_second_version_replaces_the_first_and_disable_lets_the_preview_pass(org, descriptions, tmp_path):
    newer = "0.1.1"
    org.publish(pack_copy_with_version(org, newer))
    with tarfile.open(org.stored_tarball(newer)) as archive:
        assert not [name for name in archive.getnames() if name.startswith("package/.venv/")]

    enabled = org.enable(newer, STRICT_TAGS)  # prints the group as the service returns it
    assert "Applied policy packs:  1\n" in enabled.stdout and f"  - {PACK} ({newer})\n" in enabled.stdout, \
        enabled.stdout
    run = preview(org, NON_COMPLIANT)
    assert run.exit_code == 1, run.stdout + run.stderr
    assert pack_versions(run) == {f"{PACK}@{newer}"}  # only the newer version ran
    assert os.path.isdir(org.installed_pack(newer))
    _, expected = checker_findings(NON_COMPLIANT, STRICT_TAGS, tmp_path)
    assert engine_findings(run, descriptions) == expected

    listed = org.checked(["policy", "ls", ORGANIZATION])
    assert f"{PACK}  {newer}, {VERSION}" in listed.stdout or f"{PACK}  {VERSION}, {newer}" in listed.stdout, \
        listed.stdout
    org.checked(["policy", "rm", f"{ORGANIZATION}/{PACK}", VERSION, "--yes"])  # not enabled any more
    assert VERSION not in org.checked(["policy", "ls", ORGANIZATION]).stdout

    org.disable()
    passed = preview(org, NON_COMPLIANT)
    assert passed.exit_code == 0, passed.stdout + passed.stderr
    assert passed.of_kind("policyEvent") == []
    assert PACK not in passed.stdout
