"""Every way the check can fail to run: exit 2 and one line that names the cause."""

import json
import os
import subprocess
import sys
import textwrap

import pytest

from appflow_guard.checker.cli import main
from conftest import REPO_ROOT

COMPLIANT = os.path.join(REPO_ROOT, "examples", "compliant-salesforce-to-s3")


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(result, expected):
    code, out, err = result
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1, err
    assert err.startswith("appflow-guard: ")
    assert expected in err, err


def program(tmp_path, source, settings="name: broken\nruntime: python\n"):
    (tmp_path / "Pulumi.yaml").write_text(settings)
    (tmp_path / "__main__.py").write_text(textwrap.dedent(source))
    return str(tmp_path)


def test_missing_folder(capsys, tmp_path):
    assert_one_line_error(run(capsys, "check", str(tmp_path / "nope")), f"no such folder: {tmp_path / 'nope'}")


def test_folder_that_is_not_a_pulumi_project(capsys, tmp_path):
    assert_one_line_error(run(capsys, "check", str(tmp_path)), "is not a Pulumi project (no Pulumi.yaml)")


def test_invalid_pulumi_yaml(capsys, tmp_path):
    (tmp_path / "Pulumi.yaml").write_text("name: [unclosed\n")
    assert_one_line_error(run(capsys, "check", str(tmp_path)), "Pulumi.yaml is not valid YAML")


def test_project_in_another_language(capsys, tmp_path):
    (tmp_path / "Pulumi.yaml").write_text("name: ts\nruntime: nodejs\n")
    assert_one_line_error(run(capsys, "check", str(tmp_path)), "runtime is 'nodejs'; the offline checker runs Python programs only")


def test_missing_entry_point(capsys, tmp_path):
    (tmp_path / "Pulumi.yaml").write_text("name: p\nruntime: python\nmain: src/app.py\n")
    assert_one_line_error(run(capsys, "check", str(tmp_path)), "the program entry point src/app.py does not exist")


def test_program_exception_shows_its_own_message_and_location(capsys, tmp_path):
    directory = program(tmp_path, """\
        import pulumi

        raise ValueError("landing bucket name is required")
    """)
    assert_one_line_error(run(capsys, "check", directory),
                          "the program failed: ValueError: landing bucket name is required (__main__.py:3)")


def test_program_that_hangs_is_stopped(capsys, tmp_path):
    directory = program(tmp_path, "import time\ntime.sleep(120)\n")
    assert_one_line_error(run(capsys, "check", directory, "--timeout", "2"), "the program did not finish within 2s")


@pytest.mark.parametrize("content,expected", [
    ("{not json", "is not valid JSON"),
    ("[1, 2]", "must hold a JSON object of policy names, not list"),
    ('{"aws-appflow-flow-missing-tags": "sometimes"}', '"sometimes" is not a valid enforcement level'),
    ('{"aws-appflow-flow-missing-tags": 3}', 'parsing "aws-appflow-flow-missing-tags": 3 is not a valid value'),
    ('{"aws-appflow-flow-missing-tags": {"requiredTags": "owner"}}',
     "invalid policy config: aws-appflow-flow-missing-tags: requiredTags: 'owner' is not of type 'array'"),
    ('{"aws-appflow-disallow-sensitive-data-in-names-and-tags": {"extraPatterns": ["(unclosed"]}}',
     "extraPatterns.0: '(unclosed' is not a 'regex'"),
])
def test_bad_config(capsys, tmp_path, content, expected):
    config = tmp_path / "config.json"
    config.write_text(content)
    assert_one_line_error(run(capsys, "check", COMPLIANT, "--config", str(config)), expected)


def test_missing_config_file(capsys, tmp_path):
    assert_one_line_error(run(capsys, "check", COMPLIANT, "--config", str(tmp_path / "c.json")),
                          "cannot read config file")


def test_pack_folder_without_pulumipolicy_yaml(capsys, tmp_path):
    assert_one_line_error(run(capsys, "check", COMPLIANT, "--policy-pack", str(tmp_path)),
                          "is not a policy pack (no PulumiPolicy.yaml)")


def policy_pack(directory, entry_point, settings="runtime: python\nversion: 1.0.0\n"):
    directory.mkdir(exist_ok=True)
    (directory / "PulumiPolicy.yaml").write_text(settings)
    (directory / "__main__.py").write_text(entry_point)
    return str(directory)


def test_pack_that_crashes_at_start(capsys, tmp_path):
    pack = policy_pack(tmp_path, "import missing_policy_module\n")
    assert_one_line_error(run(capsys, "check", COMPLIANT, "--policy-pack", pack),
                          "the policy pack failed to start: ModuleNotFoundError: No module named 'missing_policy_module'")


def test_a_failing_program_is_reported_before_a_failing_pack(capsys, tmp_path):
    pack = policy_pack(tmp_path / "pack", "import missing_policy_module\n")
    (tmp_path / "program").mkdir()
    broken_program = program(tmp_path / "program", "raise RuntimeError('no region configured')\n")
    assert_one_line_error(run(capsys, "check", broken_program, "--policy-pack", pack),
                          "the program failed: RuntimeError: no region configured (__main__.py:1)")


def test_pack_that_never_answers_is_timed_out(capsys, tmp_path):
    pack = policy_pack(tmp_path / "pack", "import time\ntime.sleep(120)\n", settings="runtime: python\n")
    (tmp_path / "program").mkdir()
    empty_program = program(tmp_path / "program", "")
    assert_one_line_error(run(capsys, "check", empty_program, "--policy-pack", pack, "--timeout", "4"),
                          "the policy pack failed to start: no port within 4s")


def test_unwritable_output(capsys, tmp_path):
    assert_one_line_error(run(capsys, "check", COMPLIANT, "--output", str(tmp_path / "no" / "such" / "file.json")),
                          "cannot write")


def test_usage_errors_are_one_line_too():
    completed = subprocess.run([sys.executable, "-m", "appflow_guard.checker.cli", "check"],
                               capture_output=True, text=True)
    assert completed.returncode == 2
    assert completed.stderr.strip().splitlines()[-1] == \
        "appflow-guard: the following arguments are required: PROGRAM_DIR"


def test_report_goes_to_the_output_file(capsys, tmp_path):
    target = tmp_path / "report.json"
    code, out, err = run(capsys, "check", os.path.join(REPO_ROOT, "examples", "aws-managed-keys"),
                         "--format", "json", "--output", str(target))
    assert (code, out, err) == (1, "", "")
    assert json.loads(target.read_text())["summary"]["mandatory"] == 3
