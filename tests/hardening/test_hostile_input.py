"""Hostile and broken input for the tools, beyond tests/checker/test_cli_errors.py and test_audit.py.

Each case runs the real CLI (`python -m appflow_guard.checker.cli`) in a subprocess with its own
working directory, TMPDIR and HOME, and must end with exit code 2 and one line naming the cause,
within a bounded time, leaving every one of those folders and the inputs exactly as they were
(only a requested --output file may appear).

Unreadable folders: the tests run as root, for whom chmod 000 changes nothing, so when run as root
those cases start the CLI under `setpriv --bounding-set -dac_override,-dac_read_search`: still
root, but without the capabilities that bypass file permissions, so chmod 000 is enforced (as
another user, the CLI could not even run the interpreter under /root). As any other user they run
as they are.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import textwrap
import time

import pytest

from conftest import REPO_ROOT

COMPLIANT = os.path.join(REPO_ROOT, "examples", "compliant-salesforce-to-s3")
PACKAGE = os.path.join(REPO_ROOT, "policy-pack")
STATE = os.path.join(REPO_ROOT, "tests", "data", "states", "compliant-salesforce-to-s3.json")
BOUND = 60.0  # seconds any hostile case may take, program and pack start-up included


@pytest.fixture
def sandbox():
    """A scratch folder with the CLI's working directory, TMPDIR, HOME and inputs."""
    root = tempfile.mkdtemp(prefix="appflow-guard-hostile-")
    for name in ("cwd", "tmp", "home", "in"):
        os.mkdir(os.path.join(root, name))
    yield root
    for path, dirs, _ in os.walk(root):
        for name in dirs:
            os.chmod(os.path.join(path, name), 0o755)
    shutil.rmtree(root, ignore_errors=True)


def snapshot(*roots: str) -> dict:
    state = {}
    for root in roots:
        for path, dirs, files in os.walk(root):
            for name in dirs + files:
                full = os.path.join(path, name)
                try:
                    info = os.lstat(full)
                except OSError:
                    continue
                state[full] = (stat.S_IFMT(info.st_mode), info.st_size, info.st_mtime_ns)
    return state


def run_cli(sandbox: str, *argv: str, enforce_permissions: bool = False, output: str | None = None,
            watch: tuple = (), network: bool = True):
    """(exit code, stdout, stderr, seconds) of the CLI; asserts nothing else was written."""
    directories = [os.path.join(sandbox, name) for name in ("cwd", "tmp", "home", "in")]
    before = snapshot(*directories, *watch)
    env = {**os.environ, "TMPDIR": directories[1], "HOME": directories[2], "PYTHONPATH": PACKAGE, "NO_COLOR": "1"}
    command = [sys.executable, "-m", "appflow_guard.checker.cli", *argv]
    if enforce_permissions and os.geteuid() == 0:
        if not shutil.which("setpriv"):
            pytest.skip("running as root without setpriv: file permissions cannot be enforced")
        command = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search", *command]
    if not network:  # a network namespace of its own, with only the loopback interface up
        command = ["unshare", "--net", "sh", "-c", 'ip link set lo up && exec "$@"', "sh", *command]
    started = time.monotonic()
    completed = subprocess.run(command, cwd=directories[0], env=env, capture_output=True, text=True,
                               timeout=BOUND * 2)
    elapsed = time.monotonic() - started
    after = snapshot(*directories, *watch)
    created = {path for path in after if path not in before}
    changed = {path for path in before if after.get(path) != before[path] and path in after}
    removed = {path for path in before if path not in after}
    allowed = {output} if output else set()
    assert created - allowed == set() and changed - allowed == set() and removed == set(), (created, changed, removed)
    return completed.returncode, completed.stdout, completed.stderr, elapsed


def assert_one_line_error(result, expected: str, bound: float = BOUND) -> None:
    code, out, err, elapsed = result
    assert code == 2, (code, out, err)
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("appflow-guard: "), err
    assert expected in err, err
    assert elapsed < bound, f"took {elapsed:.1f}s"


def write(sandbox: str, name: str, content: str | bytes) -> str:
    path = os.path.join(sandbox, "in", name)
    with open(path, "wb") as handle:
        handle.write(content.encode() if isinstance(content, str) else content)
    return path


def program(sandbox: str, source: str, name: str = "program") -> str:
    directory = os.path.join(sandbox, "in", name)
    os.mkdir(directory)
    with open(os.path.join(directory, "Pulumi.yaml"), "w") as handle:
        handle.write("name: hostile\nruntime: python\n")
    with open(os.path.join(directory, "__main__.py"), "w") as handle:
        handle.write(textwrap.dedent(source))
    return directory


# State files ---------------------------------------------------------------------------------

@pytest.mark.parametrize("content,expected", [
    ("null", "is not a `pulumi stack export` document"),
    ("3", "is not a `pulumi stack export` document"),
    ("\"deployment\"", "is not a `pulumi stack export` document"),
    ("{\"deployment\": []}", "is not a `pulumi stack export` document"),
    ("{\"deployment\": \"x\"}", "is not a `pulumi stack export` document"),
    ("{\"deployment\": {\"resources\": [5]}}", "deployment.resources[0] has no urn or type"),
    ("{\"deployment\": {\"resources\": [{\"urn\": 5, \"type\": \"t\"}]}}", "deployment.resources[0] has no urn or type"),
    ("{\"deployment\": {\"resources\": [{\"urn\": \"u\", \"type\": \"t\", \"outputs\": \"x\"}]}}",
     "deployment.resources[0] has inputs or outputs that are not objects"),
    ("{\"deployment\": {\"resources\": [{\"urn\": \"u\", \"type\": \"t\", \"dependencies\": \"u\"}]}}",
     "deployment.resources[0].dependencies must be a list of URNs"),
    ("{\"deployment\": {\"resources\": [{\"urn\": \"u\", \"type\": \"t\", \"propertyDependencies\": {\"a\": 5}}]}}",
     "deployment.resources[0].propertyDependencies must map property names to lists of URNs"),
    ("{\"deployment\": {\"resources\": [{\"urn\": \"u\", \"type\": \"t\", \"propertyDependencies\": [[\"a\"]]}]}}",
     "deployment.resources[0].propertyDependencies must map property names to lists of URNs"),
    ("{\"deployment\": {\"resources\": [{\"urn\": \"u\", \"type\": \"t\", \"provider\": 5}]}}",
     "deployment.resources[0].provider must be a provider reference"),
    ("{\"deployment\": {\"resources\": [{\"urn\": \"u\", \"type\": \"t\", \"parent\": [\"p\"]}]}}",
     "deployment.resources[0].parent must be a URN"),
    ("\ufeff{}", "is not valid JSON"),
    # an id of its own: pytest up to 9.1 puts the whole string in the test's id, and PYTEST_CURRENT_TEST,
    # an environment variable of every subprocess, may not exceed 128 KiB
    pytest.param("{\"deployment\": {\"resources\": [" + "[" * 100_000 + "]" * 100_000 + "]}}", "is not valid JSON",
                 id="resources-nested-100000-lists-deep"),
    ("\xff\xfe not utf-8", "is not valid JSON"),
])
def test_state_files_of_the_wrong_shape(sandbox, content, expected):
    state = write(sandbox, "state.json", content.encode("latin-1") if "\xff" in content else content)
    assert_one_line_error(run_cli(sandbox, "audit", state), expected, bound=20)


def test_state_file_nested_deeper_than_any_stack(sandbox):
    value: object = "leaf"
    for _ in range(500):
        value = {"n": value}
    state = write(sandbox, "state.json", json.dumps({"deployment": {"resources": [
        {"urn": "urn:pulumi:dev::p::aws:appflow/flow:Flow::f", "type": "aws:appflow/flow:Flow",
         "inputs": {"tags": value}}]}}))
    assert_one_line_error(run_cli(sandbox, "audit", state),
                          "deployment.resources[0] nests its properties deeper than 28 levels", bound=20)


def test_unexpected_fields_in_a_state_file_are_ignored(sandbox):
    with open(STATE, encoding="utf-8") as handle:
        document = json.load(handle)
    document["checkpointFormat"] = {"future": True}
    document["deployment"]["manifest"] = {"magic": 42, "plugins": "not a list"}
    for resource in document["deployment"]["resources"]:
        resource["fromTheFuture"] = [1, {"x": None}]
        resource["sequenceNumber"] = "seven"
    state = write(sandbox, "state.json", json.dumps(document))
    code, out, err, elapsed = run_cli(sandbox, "audit", state, "--format", "json")
    assert (code, err) == (0, ""), err
    assert json.loads(out)["findings"] == []
    assert elapsed < BOUND


def test_gigantic_state_file_is_refused_at_once(sandbox):
    """50 MB: one resource whose description is 50 MB long (state files are read whole)."""
    path = os.path.join(sandbox, "in", "state.json")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write('{"deployment": {"resources": [{"urn": "urn:pulumi:dev::p::aws:appflow/flow:Flow::f", '
                     '"type": "aws:appflow/flow:Flow", "inputs": {"description": "')
        chunk = "A" * (1 << 20)
        for _ in range(50):
            handle.write(chunk)
        handle.write('"}}]}}')
    assert_one_line_error(run_cli(sandbox, "audit", path), "MB; the checker reads state files of up to 32 MB",
                          bound=20)


# Config files ---------------------------------------------------------------------------------

@pytest.mark.parametrize("content,expected", [
    ("", "is not valid JSON"),
    ("{\"aws-appflow-flow-missing-tags\": ", "is not valid JSON"),
    ("null", "must hold a JSON object of policy names, not NoneType"),
    ("\"mandatory\"", "must hold a JSON object of policy names, not str"),
    ("7", "must hold a JSON object of policy names, not int"),
    ("{\"aws-appflow-flow-missing-tags\": {\"enforcementLevel\": 3}}", "3 is not a valid enforcement level"),
    ("{\"aws-appflow-flow-missing-tags\": {\"exemptions\": [{\"resource\": \"x\"}]}}",
     "exemptions.0: 'reason' is a required property"),
    ("{\"aws-appflow-flow-missing-tags\": {\"exemptions\": [{\"resource\": \"x\", \"reason\": \"r\", \"colour\": 1}]}}",
     "Additional properties are not allowed ('colour' was unexpected)"),
    ("\xff\xfe", "is not valid JSON"),
])
def test_config_files_of_the_wrong_shape(sandbox, content, expected):
    config = write(sandbox, "config.json", content.encode("latin-1") if "\xff" in content else content)
    assert_one_line_error(run_cli(sandbox, "audit", STATE, "--config", config), expected, bound=30)


def test_gigantic_config_file_is_refused_at_once(sandbox):
    config = os.path.join(sandbox, "in", "config.json")
    with open(config, "w", encoding="utf-8") as handle:
        handle.write('{"aws-appflow-flow-missing-tags": {"requiredTags": [')
        chunk = ", ".join(f'"tag-{index:06d}"' for index in range(80_000))
        for _ in range(46):
            handle.write(chunk + ", ")
        handle.write('"last"]}}')
    assert os.path.getsize(config) > 50_000_000
    assert_one_line_error(run_cli(sandbox, "audit", STATE, "--config", config),
                          "MB; policy config files are limited to", bound=20)


def test_unknown_policies_and_keys_in_a_config_are_tolerated_as_the_cli_does(sandbox):
    """The Pulumi CLI validates the config of the pack's own policies only and ignores other names."""
    config = write(sandbox, "config.json", json.dumps({"aws-appflow-flow-missing-tags": {"colour": "red"},
                                                        "no-such-policy": "mandatory"}))
    code, out, err, elapsed = run_cli(sandbox, "audit", STATE, "--config", config, "--format", "json")
    assert (code, err) == (0, "")
    assert elapsed < BOUND


# Program folders --------------------------------------------------------------------------------

def test_unreadable_program_folder(sandbox):
    directory = program(sandbox, "import pulumi\n")
    os.chmod(directory, 0)
    assert_one_line_error(run_cli(sandbox, "check", directory, enforce_permissions=True),
                          f"cannot read folder {directory}: permission denied")


def test_unreadable_pulumi_yaml(sandbox):
    directory = program(sandbox, "import pulumi\n")
    os.chmod(os.path.join(directory, "Pulumi.yaml"), 0)
    assert_one_line_error(run_cli(sandbox, "check", directory, enforce_permissions=True),
                          f"cannot read {os.path.join(directory, 'Pulumi.yaml')}: Permission denied")


def test_unreadable_program(sandbox):
    directory = program(sandbox, "import pulumi\n")
    os.chmod(os.path.join(directory, "__main__.py"), 0)
    assert_one_line_error(run_cli(sandbox, "check", directory, enforce_permissions=True),
                          "the program failed: PermissionError: [Errno 13] Permission denied")


def test_pulumi_yaml_that_is_a_folder(sandbox):
    directory = os.path.join(sandbox, "in", "program")
    os.makedirs(os.path.join(directory, "Pulumi.yaml"))
    assert_one_line_error(run_cli(sandbox, "check", directory), "is not a Pulumi project (no Pulumi.yaml)", bound=20)


def test_program_folder_that_is_a_file(sandbox):
    path = write(sandbox, "Pulumi.yaml", "name: x\nruntime: python\n")
    assert_one_line_error(run_cli(sandbox, "check", path), f"no such folder: {path}", bound=20)


@pytest.mark.parametrize("source,expected", [
    ("import sys\nsys.exit(3)\n", "the program failed: SystemExit: 3"),
    ("import os\nos._exit(7)\n", "the program could not be run: no output"),
    ("raise KeyboardInterrupt\n", "the program failed: KeyboardInterrupt"),
    ("import sys\nsys.setrecursionlimit(100000)\ndef f(n):\n    return f(n + 1)\nf(0)\n", "the program"),
    ("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)\n", "the program could not be run"),
    ("print('x' * 50_000_000)\nraise RuntimeError('after a flood of output')\n",
     "the program failed: RuntimeError: after a flood of output (__main__.py:2)"),
])
def test_programs_that_die_in_odd_ways(sandbox, source, expected):
    assert_one_line_error(run_cli(sandbox, "check", program(sandbox, source)), expected)


def test_a_hanging_program_leaves_no_process_behind(sandbox):
    marker = f"appflow-guard-hostile-{os.getpid()}-{time.monotonic_ns()}"
    directory = program(sandbox, f"""\
        import subprocess, sys, time
        subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)", "{marker}"],
                         stdout=sys.stdout, stderr=sys.stderr)
        time.sleep(300)
    """)
    assert_one_line_error(run_cli(sandbox, "check", directory, "--timeout", "4"),
                          "the program did not finish within 4s", bound=20)
    time.sleep(0.5)
    survivors = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as handle:
                if marker.encode() in handle.read():
                    survivors.append(int(pid))
        except OSError:
            continue
    for pid in survivors:
        os.kill(pid, signal.SIGKILL)
    assert survivors == []


# Policy packs --------------------------------------------------------------------------------------

def test_pack_whose_pulumipolicy_yaml_is_a_folder(sandbox):
    pack = os.path.join(sandbox, "in", "pack")
    os.makedirs(os.path.join(pack, "PulumiPolicy.yaml"))
    assert_one_line_error(run_cli(sandbox, "audit", STATE, "--policy-pack", pack),
                          "is not a policy pack (no PulumiPolicy.yaml)", bound=20)


def test_pack_folder_that_does_not_exist(sandbox):
    pack = os.path.join(sandbox, "in", "nope")
    assert_one_line_error(run_cli(sandbox, "audit", STATE, "--policy-pack", pack),
                          f"no such policy pack folder: {pack}", bound=20)


def test_output_is_the_only_file_written(sandbox):
    """Not in the program's folder (no __pycache__), the pack's, TMPDIR, HOME or the working directory."""
    target = os.path.join(sandbox, "cwd", "report.sarif")
    example = os.path.join(sandbox, "in", "example")
    shutil.copytree(os.path.join(REPO_ROOT, "examples"), example, ignore=shutil.ignore_patterns("__pycache__"))
    pack = os.path.join(sandbox, "in", "pack")  # a copy of the pack, so nothing else running here can touch it
    shutil.copytree(os.path.join(REPO_ROOT, "policy-pack"), os.path.join(pack, "policy-pack"),
                    ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    for name in ("PulumiPolicy.yaml", "__main__.py"):
        shutil.copy(os.path.join(REPO_ROOT, name), pack)
    code, out, err, elapsed = run_cli(sandbox, "check", os.path.join(example, "aws-managed-keys"), "--format", "sarif",
                                      "--output", target, "--policy-pack", pack, output=target)
    assert (code, out, err) == (1, "", "")
    assert json.load(open(target, encoding="utf-8"))["version"] == "2.1.0"
    assert elapsed < BOUND


def _can_isolate_network() -> bool:
    if os.geteuid() != 0 or not shutil.which("unshare") or not shutil.which("ip"):
        return False
    return subprocess.run(["unshare", "--net", "ip", "link", "set", "lo", "up"], capture_output=True).returncode == 0


@pytest.mark.skipif(not _can_isolate_network(), reason="needs root, unshare and ip to cut the network off")
def test_the_checker_needs_no_network(sandbox):
    """With no network interface but loopback, a check gives the same verdict as anywhere."""
    code, out, err, elapsed = run_cli(sandbox, "check", os.path.join(REPO_ROOT, "examples", "aws-managed-keys"),
                                      "--format", "json", network=False)
    assert (code, err) == (1, ""), err
    assert json.loads(out)["summary"]["mandatory"] == 3
    assert elapsed < BOUND
