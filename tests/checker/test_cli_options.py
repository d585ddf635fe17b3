"""Every command declares the options it shares the same way, and reads what they name in one order:
config file, mocks, stack references, then the pack (of several bad inputs, that order says which is reported)."""

import argparse

import pytest

from appflow_guard.checker.cli import build_parser, main
from appflow_guard.checker.cli_options import load_inputs
from appflow_guard.checker.pack_folder import resolve_pack


def option_specs(command):
    """--option -> (default, choices, type, metavar) as `command`'s parser declares it."""
    subparsers = next(action for action in build_parser()._actions if isinstance(action, argparse._SubParsersAction))
    return {action.option_strings[-1]: (action.default, action.choices, action.type, action.metavar)
            for action in subparsers.choices[command]._actions if action.option_strings and action.dest != "help"}


def test_the_commands_declare_their_shared_options_alike():
    check, check_files, audit = option_specs("check"), option_specs("check-files"), option_specs("audit")
    assert sorted(check) == ["--config", "--format", "--mocks", "--output", "--phase", "--policy-pack", "--stack",
                             "--stack-reference", "--timeout"]
    assert sorted(check_files) == ["--config", "--format", "--phase", "--policy-pack", "--stack", "--timeout"]
    assert sorted(audit) == ["--config", "--format", "--output", "--policy-pack", "--timeout"]
    for name in ("--config", "--policy-pack", "--timeout", "--phase", "--stack"):
        assert check_files[name] == check[name]
    for name in ("--config", "--policy-pack", "--timeout", "--format", "--output"):
        assert audit[name] == check[name]
    assert check["--format"][1] == ("text", "json", "sarif", "markdown", "html")
    assert check_files["--format"][1] == ("text", "markdown")


def test_inputs_are_loaded_once_each(tmp_path):
    config = tmp_path / "config.json"
    config.write_text('{"all": "mandatory"}')
    mocks = tmp_path / "mocks.yaml"
    mocks.write_text("resources:\n  web: {privateIp: 10.0.1.20}\n")
    outputs = tmp_path / "network.yaml"
    outputs.write_text("vpcId: vpc-0123456789abcdef0\n")
    options = build_parser().parse_args(["check", "program", "--config", str(config), "--mocks", str(mocks),
                                         "--stack-reference", f"acme/network/prod={outputs}"])
    inputs = load_inputs(options)
    assert inputs.config == {"all": "mandatory"}
    assert inputs.mocks["resources"] == {"web": {"privateIp": "10.0.1.20"}}
    assert inputs.stack_references == {"acme/network/prod": {"vpcId": "vpc-0123456789abcdef0"}}
    assert inputs.pack == resolve_pack()
    audit_inputs = load_inputs(build_parser().parse_args(["audit", "state.json"]))
    assert (audit_inputs.config, audit_inputs.mocks, audit_inputs.stack_references) == ({}, None, {})


def bad_inputs(tmp_path):
    (tmp_path / "config.json").write_text("{not json")
    (tmp_path / "mocks.yaml").write_text("- a list\n")
    return {"--config": str(tmp_path / "config.json"), "--mocks": str(tmp_path / "mocks.yaml"),
            "--stack-reference": "no-equals-sign", "--policy-pack": str(tmp_path / "no-pack")}


@pytest.mark.parametrize("command", [["check", "program"], ["check-files", "a.py"], ["audit", "state.json"]])
@pytest.mark.parametrize("given,reported", [
    (("--config", "--mocks", "--stack-reference", "--policy-pack"), "config file"),
    (("--mocks", "--stack-reference", "--policy-pack"), "mocks file"),
    (("--stack-reference", "--policy-pack"), "--stack-reference 'no-equals-sign': expected ORG/PROJECT/STACK=FILE"),
    (("--policy-pack",), "no such policy pack folder"),
])
def test_the_first_bad_input_in_loading_order_is_the_one_reported(capsys, tmp_path, command, given, reported):
    files = bad_inputs(tmp_path)
    if command[0] != "check":  # mocks and stack references are check's alone
        given = tuple(name for name in given if name in ("--config", "--policy-pack"))
        if reported.startswith(("mocks", "--stack")):
            reported = "no such policy pack folder"
    argv = command + [item for name in given for item in (name, files[name])]
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and err.startswith("appflow-guard: ")
    assert reported in err, err
