"""appflow-guard audit: the update-phase findings for a stack that is already deployed."""

import json
import os

import pytest

from appflow_guard.checker.cli import main
from conftest import REPO_ROOT

STATES = os.path.join(REPO_ROOT, "tests", "data", "states")
EXAMPLES = os.path.join(REPO_ROOT, "examples")
KEYS = ("policy", "resourceName", "enforcementLevel", "message")


@pytest.mark.parametrize("example", sorted(name[:-5] for name in os.listdir(STATES)))
def test_audit_of_an_exported_stack_gives_the_update_findings(capsys, example):
    code = main(["audit", os.path.join(STATES, f"{example}.json"), "--format", "json"])
    out, err = capsys.readouterr()
    with open(os.path.join(EXAMPLES, example, "expected.json"), encoding="utf-8") as handle:
        expected = json.load(handle)["update"]
    assert err == ""
    assert [{key: f[key] for key in KEYS} for f in json.loads(out)["findings"]] == expected["findings"]
    assert code == expected["exitCode"]


@pytest.mark.parametrize("content,message", [
    ("", "is not valid JSON"),
    ("{\"deployment\": ", "is not valid JSON"),
    ("[]", "is not a `pulumi stack export` document"),
    ("{\"version\": 3}", "is not a `pulumi stack export` document"),
    ("{\"deployment\": {\"resources\": {}}}", "deployment.resources must be a list"),
    ("{\"deployment\": {\"resources\": [{\"type\": \"x\"}]}}", "deployment.resources[0] has no urn or type"),
    ("{\"deployment\": {\"resources\": [{\"urn\": \"u\", \"type\": \"t\", \"inputs\": []}]}}",
     "deployment.resources[0] has inputs or outputs that are not objects"),
])
def test_broken_state_files_are_refused_in_one_line(capsys, tmp_path, content, message):
    state = tmp_path / "state.json"
    state.write_text(content)
    assert main(["audit", str(state)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and message in err, err


def test_missing_state_file(capsys, tmp_path):
    assert main(["audit", str(tmp_path / "none.json")]) == 2
    assert "cannot read state file" in capsys.readouterr().err


def test_empty_deployment_has_no_findings(capsys, tmp_path):
    state = tmp_path / "state.json"
    state.write_text(json.dumps({"version": 3, "deployment": {"resources": []}}))
    assert main(["audit", str(state), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["findings"] == []
