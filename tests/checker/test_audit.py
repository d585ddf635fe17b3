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


def test_resource_references_in_an_export_reach_the_pack_as_the_engine_sends_them(capsys, tmp_path):
    """A bucket policy whose bucket is a resource reference (an ID), a tag holding a component (a URN)."""
    from appflow_guard.checker.sources import from_state

    reference = "5cf8f73096256a8f31e491e813e4eb8e"
    signature = "4dabf18193072939515e22adb298388d"
    document = {"deployment": {"resources": [
        {"urn": "urn:pulumi:dev::p::pulumi:pulumi:Stack::p-dev", "type": "pulumi:pulumi:Stack"},
        {"urn": "urn:pulumi:dev::p::aws:s3/bucketPolicy:BucketPolicy::policy", "type": "aws:s3/bucketPolicy:BucketPolicy",
         "inputs": {"bucket": {signature: reference, "urn": "urn:pulumi:dev::p::aws:s3/bucketV2:BucketV2::b",
                               "id": "landing-bucket"}, "policy": "{}"},
         "outputs": {"tags": {"team": {signature: reference, "urn": "urn:pulumi:dev::p::acme:index:Team::t"}},
                     "pending": [{signature: reference, "urn": "urn:x", "id": ""}]}}]}}
    _, resources, states = from_state(document)
    assert resources[1].properties == {"bucket": "landing-bucket", "policy": "{}"}
    assert states[1].properties["tags"] == {"team": "urn:pulumi:dev::p::acme:index:Team::t"}
    assert states[1].properties["pending"] == ["04da6b54-80e4-46f7-96ec-b56ff0331ba9"]
    state = tmp_path / "state.json"
    state.write_text(json.dumps(document))
    assert main(["audit", str(state), "--format", "json"]) == 0
    assert capsys.readouterr().err == ""
