"""The aws-native examples: the same protections, reported on the aws-native resources themselves.

tests/checker/test_examples.py compares every example's findings with its expected.json; this
adds what is particular to pulumi-aws-native: findings name aws-native resource types, a mixed
stack is proven compliant across providers in both phases, and the broken native examples cover
keys, bucket, URLs and credentials, and tags.
"""

import json
import os

import pytest

from conftest import REPO_ROOT
from shared_runs import check_program

EXAMPLES_DIR = os.path.join(REPO_ROOT, "examples")
NATIVE_EXAMPLES = sorted(name for name in os.listdir(EXAMPLES_DIR) if name.startswith("native-"))


def check(shared_runs, example, phase):
    completed = check_program(shared_runs, os.path.join(EXAMPLES_DIR, example), phase)
    assert completed.stderr == "", completed.stderr
    return completed.returncode, json.loads(completed.stdout)


def expected(example):
    with open(os.path.join(EXAMPLES_DIR, example, "expected.json"), encoding="utf-8") as handle:
        return json.load(handle)


def test_native_examples_are_complete_programs():
    assert {"native-compliant-salesforce-to-s3", "native-aws-managed-keys", "native-unprotected-bucket",
            "native-credentials-in-urls", "native-sensitive-tags"} <= set(NATIVE_EXAMPLES)
    for example in NATIVE_EXAMPLES:
        folder = os.path.join(EXAMPLES_DIR, example)
        assert {"Pulumi.yaml", "__main__.py", "expected.json"} <= set(os.listdir(folder)), example
        assert set(expected(example)) >= {"preview", "update"}


def test_broken_native_examples_block_in_both_phases():
    for example in ("native-aws-managed-keys", "native-unprotected-bucket", "native-credentials-in-urls",
                    "native-sensitive-tags", "native-insecure-provider"):
        for phase in ("preview", "update"):
            assert expected(example)[phase]["exitCode"] == 1, (example, phase)
            assert expected(example)[phase]["findings"], (example, phase)


@pytest.mark.parametrize("phase", ["preview", "update"])
def test_native_findings_name_the_aws_native_resources(shared_runs, phase):
    exit_code, report = check(shared_runs, "native-aws-managed-keys", phase)
    assert exit_code == 1
    types = {(finding["policy"], finding["resourceType"]) for finding in report["findings"]}
    assert types == {
        ("aws-appflow-flow-configure-customer-managed-key", "aws-native:appflow:Flow"),
        ("aws-appflow-connectorprofile-configure-customer-managed-key", "aws-native:appflow:ConnectorProfile"),
        ("aws-appflow-kms-key-enable-rotation", "aws-native:kms:Key"),
        ("aws-appflow-kms-key-disallow-wildcard-principal", "aws-native:kms:Key"),
        ("aws-appflow-secretsmanager-secret-configure-customer-managed-key", "aws-native:secretsmanager:Secret"),
    }


@pytest.mark.parametrize("phase", ["preview", "update"])
def test_mixed_stack_resolves_keys_and_buckets_across_providers(shared_runs, phase):
    """Compliant across providers: no finding at all, not even the unverified-reference advisory."""
    exit_code, report = check(shared_runs, "native-mixed-providers", phase)
    assert (exit_code, report["findings"]) == (0, [])
    assert report["summary"]["resources"] >= 16
    # The broken twin proves the same links are followed: the aws.s3.Bucket a native flow writes to
    # and the aws.kms.Key a native flow uses are the ones reported.
    exit_code, report = check(shared_runs, "native-mixed-unprotected", phase)
    found = {(finding["policy"], finding["resourceType"], finding["resourceName"]) for finding in report["findings"]}
    assert ("aws-appflow-s3-bucket-configure-sse-kms-customer-managed-key", "aws:s3/bucket:Bucket", "landing") in found
    assert ("aws-appflow-kms-key-enable-rotation", "aws:kms/key:Key", "appflow-key") in found
    assert ("aws-appflow-kms-key-disallow-wildcard-principal", "aws-native:kms:Key", "native-key") in found
    assert not any(finding["policy"] == "aws-appflow-stack-verify-external-references" for finding in report["findings"])
