"""The stand-in Python language host: its own rules, over gRPC, and under the real engine."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time

import grpc
import pytest
from google.protobuf import empty_pb2, struct_pb2
from pulumi.runtime.proto import language_pb2, language_pb2_grpc

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pulumi_engine import REPO_ROOT, STANDIN_BIN, VENV_PYTHON, EngineWorkspace, build_engine  # noqa: E402

sys.path.insert(0, os.path.join(REPO_ROOT, "tests", "e2e", "standins"))
import language_host  # noqa: E402
from plugin_versions import installed_plugin_version  # noqa: E402

pytestmark = pytest.mark.e2e


# --- which interpreter a project runs with ---------------------------------------------------

def make_venv(path) -> str:
    os.makedirs(os.path.join(path, "bin"))
    python = os.path.join(path, "bin", "python")
    os.symlink(VENV_PYTHON, python)
    return python


def test_a_relative_virtualenv_is_resolved_against_the_project_root(tmp_path):
    python = make_venv(tmp_path / "venv")
    assert language_host.python_for(str(tmp_path), {"virtualenv": "venv"}, {"PATH": ""}) == python


def test_the_virtualenv_wins_over_pulumi_python_cmd(tmp_path):
    python = make_venv(tmp_path / "venv")
    environ = {"PULUMI_PYTHON_CMD": sys.executable, "PATH": ""}
    assert language_host.python_for(str(tmp_path), {"virtualenv": str(tmp_path / "venv")}, environ) == python


def test_a_missing_virtualenv_is_an_error_that_says_how_to_create_it(tmp_path):
    with pytest.raises(language_host.HostError) as raised:
        language_host.python_for(str(tmp_path), {"virtualenv": ".venv"}, {"PATH": ""})
    assert str(raised.value) == (
        f"The virtual environment '{tmp_path}/.venv' named by the project's runtime option 'virtualenv' does not "
        f"exist; create it with: python3 -m venv {tmp_path}/.venv && {tmp_path}/.venv/bin/python -m pip install "
        f"-r requirements.txt")


def test_a_virtualenv_without_an_interpreter_is_an_error(tmp_path):
    (tmp_path / "venv").mkdir()
    with pytest.raises(language_host.HostError, match="has no Python interpreter"):
        language_host.python_for(str(tmp_path), {"virtualenv": "venv"}, {"PATH": ""})


def test_without_a_virtualenv_pulumi_python_cmd_is_used_then_python3_on_path(tmp_path):
    assert language_host.python_for(str(tmp_path), {}, {"PULUMI_PYTHON_CMD": VENV_PYTHON}) == VENV_PYTHON
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    os.symlink(sys.executable, bin_dir / "python3")
    assert language_host.python_for(str(tmp_path), {}, {"PATH": str(bin_dir)}) == str(bin_dir / "python3")
    with pytest.raises(language_host.HostError, match="PULUMI_PYTHON_CMD names 'no-such-python'"):
        language_host.python_for(str(tmp_path), {}, {"PULUMI_PYTHON_CMD": "no-such-python", "PATH": ""})
    with pytest.raises(language_host.HostError, match="neither python3 nor python is on PATH"):
        language_host.python_for(str(tmp_path), {}, {"PATH": str(tmp_path / "empty")})


def test_a_program_result_is_reported_as_the_real_host_reports_it():
    assert language_host.run_result(0) == language_pb2.RunResponse()
    assert language_host.run_result(32) == language_pb2.RunResponse(bail=True)
    assert language_host.run_result(3).error == "Program exited with non-zero exit code: 3"
    assert language_host.run_result(-9).error == "Program was terminated by signal 9"


def test_required_packages_are_the_resource_plugins_the_installed_sdks_ask_for(tmp_path):
    packages = {package.name: package for package in language_host.required_packages(VENV_PYTHON, str(tmp_path))}
    assert packages["aws"].kind == "resource"
    assert packages["aws"].version == "v" + installed_plugin_version("aws")
    assert packages["aws-native"].version == "v" + installed_plugin_version("aws-native")


# --- over gRPC, started as the engine starts it ---------------------------------------------------

@pytest.fixture()
def host():
    process = subprocess.Popen([os.path.join(STANDIN_BIN, "pulumi-language-python"), "127.0.0.1:1"],
                               stdout=subprocess.PIPE, text=True)
    port = int(process.stdout.readline())
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    yield language_pb2_grpc.LanguageRuntimeStub(channel)
    channel.close()
    process.terminate()
    assert process.wait(timeout=10) == 0  # the engine stops its plugins with a signal: a normal end


def program_info(directory, options=None) -> language_pb2.ProgramInfo:
    info = language_pb2.ProgramInfo(root_directory=str(directory), program_directory=str(directory), entry_point=".")
    info.options.CopyFrom(struct_pb2.Struct())
    info.options.update(options or {})
    return info


def test_the_host_answers_the_handshake_and_its_version(host, tmp_path):
    host.Handshake(language_pb2.LanguageHandshakeRequest(engine_address="127.0.0.1:1"))
    assert host.GetPluginInfo(empty_pb2.Empty()).version == language_host.HOST_VERSION


def test_run_plugin_refuses_a_missing_pack_virtualenv_at_once(host, tmp_path):
    started = time.monotonic()
    request = language_pb2.RunPluginRequest(pwd=str(tmp_path), args=["127.0.0.1:1"], kind="analyzer",
                                            info=program_info(tmp_path, {"virtualenv": "venv"}))
    with pytest.raises(grpc.RpcError) as raised:
        list(host.RunPlugin(request, timeout=30))
    assert raised.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert f"The virtual environment '{tmp_path}/venv'" in raised.value.details()
    assert time.monotonic() - started < 10


def test_run_plugin_starts_the_pack_as_python_m_pulumi_policy_and_streams_its_output(host, tmp_path):
    """A pack whose entry point prints what it was started with, from where, and exits 3."""
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "PulumiPolicy.yaml").write_text("runtime: python\n")
    (pack / "__main__.py").write_text("raise SystemExit('unused')\n")
    probe = tmp_path / "sitecustomize-free"
    probe.mkdir()
    (probe / "pulumi").mkdir()
    (probe / "pulumi" / "__init__.py").write_text("")
    (probe / "pulumi" / "policy.py").write_text(textwrap.dedent("""
        import os, sys
        print("argv", sys.argv[1:], "cwd", os.getcwd(), flush=True)
        print("to stderr", file=sys.stderr, flush=True)
        sys.exit(3)
    """))
    environ = [f"PYTHONPATH={probe}", f"PATH={os.environ['PATH']}", f"PULUMI_PYTHON_CMD={VENV_PYTHON}"]
    request = language_pb2.RunPluginRequest(pwd=str(tmp_path), args=["127.0.0.1:9"], env=environ, kind="analyzer",
                                            info=program_info(pack))
    messages = list(host.RunPlugin(request, timeout=60))
    stdout = b"".join(m.stdout for m in messages).decode()
    stderr = b"".join(m.stderr for m in messages).decode()
    assert stdout == f"argv ['127.0.0.1:9', '{pack}'] cwd {pack}\n"
    assert stderr == "to stderr\n"
    assert messages[-1].WhichOneof("output") == "exitcode" and messages[-1].exitcode == 3


# --- under the real engine ----------------------------------------------------------------------

@pytest.fixture()
def workspace(tmp_path) -> EngineWorkspace:
    return EngineWorkspace(build_engine(), str(tmp_path))


def write_program(workspace: EngineWorkspace, name: str, code: str, options: str = "") -> str:
    folder = os.path.join(workspace.root, "programs", name)
    os.makedirs(folder)
    with open(os.path.join(folder, "Pulumi.yaml"), "w", encoding="utf-8") as handle:
        handle.write(f"name: {name}\nruntime:\n  name: python\n{options}")
    with open(os.path.join(folder, "__main__.py"), "w", encoding="utf-8") as handle:
        handle.write(textwrap.dedent(code))
    workspace.init_stack(folder)
    return folder


def test_the_program_gets_its_stack_project_config_and_secrets(workspace):
    program = write_program(workspace, "probe", """
        import pulumi
        config = pulumi.Config()
        pulumi.export("where", f"{pulumi.get_organization()}/{pulumi.get_project()}/{pulumi.get_stack()}")
        pulumi.export("plain", config.require("plain"))
        pulumi.export("token", config.require_secret("token"))
        pulumi.export("preview", pulumi.runtime.is_dry_run())
    """)
    workspace.run(["config", "set", "plain", "hello"], program)
    workspace.run(["config", "set", "--secret", "token", "s3cr3t-value"], program)
    preview = workspace.run(["preview"], program)
    assert preview.exit_code == 0, preview.stdout + preview.stderr
    assert "s3cr3t-value" not in preview.stdout
    up = workspace.run(["up", "--yes"], program)
    assert up.exit_code == 0, up.stdout + up.stderr
    outputs = json.loads(workspace.run(["stack", "output", "--json", "--show-secrets"], program).stdout)
    assert outputs == {"where": "organization/probe/dev", "plain": "hello", "token": "s3cr3t-value", "preview": False}
    stored = json.loads(workspace.run(["stack", "output", "--json"], program).stdout)
    assert stored["token"] == "[secret]"


def test_a_program_that_raises_is_reported_once_with_its_own_traceback(workspace):
    program = write_program(workspace, "raises", """
        import pulumi
        def fail():
            raise ValueError("the bucket name is missing")
        fail()
    """)
    run = workspace.run(["preview"], program, events=True)
    assert run.exit_code == 1
    errors = run.diagnostics("error")
    assert len(errors) == 1, errors
    assert errors[0].startswith("Program failed with an unhandled exception:\n")
    assert "__main__.py\", line 5, in <module>" in errors[0]
    assert errors[0].rstrip().endswith("ValueError: the bucket name is missing")


def test_a_program_that_exits_non_zero_is_reported_with_its_exit_code(workspace):
    program = write_program(workspace, "exits", "import sys\nsys.exit(3)\n")
    run = workspace.run(["preview"], program)
    assert run.exit_code == 1
    assert "Program exited with non-zero exit code: 3" in run.stdout + run.stderr


def test_a_program_virtualenv_named_in_pulumi_yaml_is_used(workspace):
    folder = os.path.join(workspace.root, "programs", "venv-program")
    os.makedirs(folder)
    os.symlink(os.path.join(REPO_ROOT, ".venv"), os.path.join(folder, "env"))  # a virtualenv with pulumi
    program = write_program(workspace, "venv-program-main", "import pulumi, sys\npulumi.export('python', sys.executable)\n",
                            options="  options:\n    virtualenv: ../venv-program/env\n")
    workspace.env.pop("PULUMI_PYTHON_CMD")
    assert workspace.run(["up", "--yes"], program).exit_code == 0
    outputs = json.loads(workspace.run(["stack", "output", "--json"], program).stdout)
    assert outputs == {"python": os.path.join(folder, "env", "bin", "python")}


def test_a_policy_pack_whose_virtualenv_is_missing_fails_fast_with_a_clear_error(workspace):
    pack = os.path.join(workspace.root, "pack")
    os.makedirs(pack)
    with open(os.path.join(pack, "PulumiPolicy.yaml"), "w", encoding="utf-8") as handle:
        handle.write("runtime:\n  name: python\n  options:\n    virtualenv: venv\n")
    with open(os.path.join(pack, "__main__.py"), "w", encoding="utf-8") as handle:
        handle.write("raise SystemExit('never started')\n")
    program = write_program(workspace, "empty", "import pulumi\n")
    started = time.monotonic()
    run = workspace.run(["preview", "--policy-pack", pack], program, timeout=120)
    assert time.monotonic() - started < 60
    assert run.exit_code != 0
    assert f"The virtual environment '{pack}/venv' named by the project's runtime option 'virtualenv' does not exist" \
        in run.stdout + run.stderr
