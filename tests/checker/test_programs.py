"""The idiom programs (code as real programs write it), in both phases: exact findings.

tests/programs/ holds the ones the engine agreement suite also runs; tests/programs-checker-only/ the
ones the engine cannot run by design (a secure config without its passphrase, a stack reference to a
stack that does not exist: the engine refuses them, the checker checks them with unknowns and says so).
Each folder holds a Pulumi program, expected.json (the format of examples/*/expected.json) and
checker.json: {"args": [checker flags, paths relative to the program folder], "env": {variables},
"notes": [the report's notes, in both phases], "stackFile": "the stack config file the engine must use
(optional)"}. PULUMI_CONFIG_PASSPHRASE(_FILE) are removed from the environment unless checker.json
sets them.
"""

import json
import os

import pytest

from conftest import REPO_ROOT
from shared_runs import check_program

FOLDERS = [os.path.join(REPO_ROOT, "tests", "programs"), os.path.join(REPO_ROOT, "tests", "programs-checker-only")]
LOCATIONS = {name: folder for folder in FOLDERS for name in os.listdir(folder)
             if os.path.isfile(os.path.join(folder, name, "Pulumi.yaml"))}
PROGRAMS = sorted(LOCATIONS)
KEYS = ("policy", "resourceName", "enforcementLevel", "message")


def read(program, name):
    with open(os.path.join(LOCATIONS[program], program, name), encoding="utf-8") as handle:
        return json.load(handle)


def check(shared_runs, program, phase, output_format="json"):
    completed = check_program(shared_runs, os.path.join(LOCATIONS[program], program), phase, output_format)
    assert completed.stderr == "", completed.stderr
    return completed.returncode, completed.stdout


def test_every_idiom_of_the_issue_has_a_program():
    assert {"resource-references", "component-appflow", "explicit-provider", "data-sources",
            "secure-config-passphrase", "secure-config-no-passphrase", "stack-reference",
            "stack-reference-missing"} <= set(PROGRAMS)


@pytest.mark.parametrize("phase", ["preview", "update"])
@pytest.mark.parametrize("program", PROGRAMS)
def test_program_findings_equal_expected(shared_runs, program, phase):
    exit_code, stdout = check(shared_runs, program, phase)
    report = json.loads(stdout)
    want = read(program, "expected.json")[phase]
    # In the order of the resources they are about, which for resources registered from outputs that
    # resolve concurrently (component-appflow's two pipelines, on update) is the order they resolve in:
    # compared as sorted lists, as the engine agreement suite compares findings.
    assert sorted([finding[key] for key in KEYS] for finding in report["findings"]) == sorted(
        [finding[key] for key in KEYS] for finding in want["findings"])
    assert exit_code == want["exitCode"]
    assert report.get("notes", []) == read(program, "checker.json")["notes"]


def test_decrypted_config_secrets_never_appear_in_any_output(shared_runs):
    """The passphrase stack's secrets are decrypted (the URL's user and password are found) and never shown."""
    planted = ("etl-user", "Canary-Pw-7f3a91", "canary-jwt-5d2c")
    for output_format in ("text", "json", "sarif"):
        for phase in ("preview", "update"):
            exit_code, stdout = check(shared_runs, "secure-config-passphrase", phase, output_format)
            assert exit_code == 1
            assert "embeds user credentials" in stdout
            assert [value for value in planted if value.lower() in stdout.lower()] == []


def test_every_output_format_names_what_was_not_checked(shared_runs):
    note = read("stack-reference-missing", "checker.json")["notes"][0]
    for output_format, shown in (("text", note), ("json", json.dumps(note)[1:-1]), ("html", note),
                                 ("markdown", note.replace("_", "\\_"))):
        _, stdout = check(shared_runs, "stack-reference-missing", "preview", output_format)
        assert shown in stdout, output_format
