"""The verdict corpus: on every API-doc example of pulumi-aws and pulumi-aws-native for the types the
rules read, the checker gives exactly the findings tests/verdicts/expected.json lists, in both phases.

The programs are materialized from the installed SDKs (scripts/verdict-corpus/materialize.py); the
expected findings were written from the AWS page and the rules' documented behaviour before the pack
was run.
"""

import ast
import json
import os
import sys

import pytest

from conftest import REPO_ROOT

sys.path.insert(0, os.path.join(REPO_ROOT, "tests", "verdicts"))
from verdict_corpus import (  # noqa: E402
    EXPECTED, KEYS, PROGRAMS, as_tuples, changes, checker_report, corpus, expected,
    expected_findings, program_dir)

SEED_KEYS = set(EXPECTED["seedSentences"])


@pytest.fixture(scope="session")
def results(shared_runs):
    corpus()
    return shared_runs


def test_the_corpus_is_every_example_and_each_has_expected_findings():
    index = corpus()["index"]
    assert len(index["programs"]) >= 60
    assert sorted(index["programs"]) == PROGRAMS
    assert index["sdks"] == {"pulumi-aws": "7.51.1", "pulumi-aws-native": "1.84.0"}
    assert [entry["id"] for entry in index["notMaterialized"]] == ["aws-s3-bucket-2"]
    assert "pulumi_std" in index["notMaterialized"][0]["why"]
    every_type_read = set(index["modulesRead"])
    assert {"aws:appflow/flow:Flow", "aws-native:appflow:Flow", "aws:kms/key:Key", "pulumi:providers:aws",
            "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"} <= every_type_read


def test_unchanged_programs_are_the_sdk_example_verbatim():
    """A program whose change log is empty is the docstring's code block, byte for byte."""
    site = os.path.dirname(os.path.dirname(__import__("pulumi_aws").__file__))
    unchanged = [program for program in PROGRAMS if not changes(program)["changes"]]
    assert len(unchanged) == 77
    for program in unchanged:
        source = changes(program)["source"]
        with open(os.path.join(site, source["module"]), encoding="utf-8") as handle:
            docstrings = [ast.get_docstring(node) or "" for node in ast.walk(ast.parse(handle.read()))
                          if isinstance(node, (ast.FunctionDef, ast.ClassDef))]
        with open(os.path.join(program_dir(program), "__main__.py"), encoding="utf-8") as handle:
            code = handle.read()
        assert any(f"```python\n{code}```" in doc for doc in docstrings), program


def test_every_change_the_materializer_made_is_in_the_programs_change_log():
    """Placeholders, required arguments, attribute repairs, files and config: each logged change is in the program."""
    kinds = {}
    for program in PROGRAMS:
        log = changes(program)
        folder = program_dir(program)
        with open(os.path.join(folder, "__main__.py"), encoding="utf-8") as handle:
            lines = handle.read().splitlines()
        for change in log["changes"]:
            kinds.setdefault(change["kind"], []).append(program)
            if change["kind"] == "placeholder":
                assert lines[change["line"] - 1] == f"{change['name']} = {change['value']!r}", program
            elif change["kind"] == "attribute":
                assert change["to"] in lines[change["line"] - 1], program
            elif change["kind"] == "arguments":
                added = ", ".join(f"{name}={value!r}" for name, value in change["arguments"].items())
                assert added in "\n".join(lines[change["line"] - 1:]), program
            elif change["kind"] == "file":
                assert os.path.isfile(os.path.join(folder, change["path"])), program
            elif change["kind"] == "config":
                with open(os.path.join(folder, "Pulumi.dev.yaml"), encoding="utf-8") as handle:
                    assert f"{program}:{change['key']}: {json.dumps(change['value'])}" in handle.read(), program
    assert {kind: sorted(set(found)) for kind, found in kinds.items()} == {
        "attribute": ["aws-appflow-connector-profile"],
        "placeholder": ["aws-appflow-connector-profile", "aws-iam-group-policy-attachments-exclusive-1",
                        "aws-iam-group-policy-attachments-exclusive-2", "aws-iam-role-3", "aws-iam-role-4",
                        "aws-iam-role-5", "aws-iam-role-6", "aws-iam-role-policy-attachments-exclusive-1",
                        "aws-iam-role-policy-attachments-exclusive-2", "aws-iam-user-policy-attachments-exclusive-1",
                        "aws-iam-user-policy-attachments-exclusive-2"],
        "arguments": ["aws-cloudtrail-trail-2", "aws-cloudtrail-trail-3", "aws-cloudtrail-trail-4",
                      "aws-cloudtrail-trail-5", "aws-cloudtrail-trail-6", "aws-cloudtrail-trail-7",
                      "aws-s3-get-bucket-2"],
        "file": ["aws-appflow-flow"],
        "config": ["aws-native-s3-bucket-3"],
    }


def test_expected_findings_are_complete_and_cite_the_seed():
    for program in PROGRAMS:
        entry = EXPECTED["programs"][program]
        assert entry["why"], program
        for phase in ("preview", "update"):
            want = expected(program, phase)
            assert want["exitCode"] == (1 if any(f["enforcementLevel"] == "mandatory" for f in want["findings"]) else 0)
            for finding in want["findings"]:
                assert all(isinstance(finding[key], str) and finding[key] for key in KEYS), (program, finding)
                assert finding["seed"] in SEED_KEYS or (finding["seed"] is None and finding["basis"]), (program, finding)
    silent = [program for program in PROGRAMS if not expected(program, "preview")["findings"]]
    assert len(silent) == len(PROGRAMS) - 4


@pytest.mark.parametrize("phase", ["preview", "update"])
@pytest.mark.parametrize("program", PROGRAMS)
def test_findings_equal_expected(results, program, phase):
    report = checker_report(program, phase, results)
    assert report["error"] is None, report["error"]
    assert as_tuples(report["findings"]) == expected_findings(program, phase)
    assert report["exitCode"] == expected(program, phase)["exitCode"]
    assert report["notes"] == []
