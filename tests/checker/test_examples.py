"""Every example, in both phases, gives exactly the findings its expected.json lists."""

import json
import os

import pytest

from conftest import REPO_ROOT
from shared_runs import check_program

EXAMPLES_DIR = os.path.join(REPO_ROOT, "examples")
EXAMPLES = sorted(name for name in os.listdir(EXAMPLES_DIR)
                  if os.path.isfile(os.path.join(EXAMPLES_DIR, name, "Pulumi.yaml")))
KEYS = ("policy", "resourceName", "enforcementLevel", "message")


def expected(example):
    with open(os.path.join(EXAMPLES_DIR, example, "expected.json"), encoding="utf-8") as handle:
        return json.load(handle)


def check(shared_runs, example, phase):
    """`appflow-guard check --format json` with the example's policy config (once per test run: the
    engine agreement suite compares the same check)."""
    completed = check_program(shared_runs, os.path.join(EXAMPLES_DIR, example), phase)
    assert completed.stderr == "", completed.stderr
    return completed.returncode, json.loads(completed.stdout)


def test_there_are_at_least_eight_examples_with_a_compliant_one():
    assert len(EXAMPLES) >= 8
    assert "compliant-salesforce-to-s3" in EXAMPLES


@pytest.mark.parametrize("phase", ["preview", "update"])
@pytest.mark.parametrize("example", EXAMPLES)
def test_example_findings_equal_expected(shared_runs, example, phase):
    exit_code, report = check(shared_runs, example, phase)
    want = expected(example)[phase]
    assert [{key: finding[key] for key in KEYS} for finding in report["findings"]] == want["findings"]
    assert exit_code == want["exitCode"]
    assert report["phase"] == phase
    assert report["pack"] == {"name": "appflow-guard", "version": "0.1.0"}
    assert report["summary"]["mandatory"] == sum(f["enforcementLevel"] == "mandatory" for f in want["findings"])


def test_compliant_example_has_no_finding_at_all_not_even_a_preview_advisory(shared_runs):
    for phase in ("preview", "update"):
        exit_code, report = check(shared_runs, "compliant-salesforce-to-s3", phase)
        assert (exit_code, report["findings"]) == (0, [])
        assert report["summary"]["resources"] > 10


def test_non_compliant_examples_block_with_mandatory_findings():
    blocking = [example for example in EXAMPLES if expected(example)["preview"]["exitCode"] == 1]
    assert {"aws-managed-keys", "unprotected-bucket", "credentials-in-urls", "sensitive-tags",
            "iam-unscoped-secrets", "insecure-provider"} <= set(blocking)
