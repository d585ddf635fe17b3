"""Precision and recall of the sensitive-data rule on a labelled corpus (tests/data/sensitive_corpus.json)."""

import json
import os

import pytest

from appflow_guard.core.sensitive import detect
from appflow_guard.policies.general.disallow_sensitive_data_in_names_and_tags import POLICY
from conftest import REPO_ROOT
from harness import Spec, run_stack_policy

with open(os.path.join(REPO_ROOT, "tests", "data", "sensitive_corpus.json"), encoding="utf-8") as handle:
    CORPUS = json.load(handle)


def rule_flags(value: str) -> bool:
    flow = Spec("aws:appflow/flow:Flow", "flow", {"kmsArn": "alias/appflow", "tags": {"note": value}})
    return bool(run_stack_policy(POLICY, [flow]))


def test_precision_and_recall_on_the_labelled_corpus(record_property, capsys):
    true_positive = sum(rule_flags(value) for value in CORPUS["sensitive"])
    false_positive = sum(rule_flags(value) for value in CORPUS["harmless"])
    precision = true_positive / max(true_positive + false_positive, 1)
    recall = true_positive / len(CORPUS["sensitive"])
    record_property("precision", precision)
    record_property("recall", recall)
    with capsys.disabled():
        print(f"\nsensitive-data rule on {len(CORPUS['sensitive'])} sensitive and {len(CORPUS['harmless'])} "
              f"harmless strings: precision {precision:.3f}, recall {recall:.3f}")
    assert precision >= 0.95 and recall >= 0.95


@pytest.mark.parametrize("value,kind", [
    ("jane@example.com", "an email address"),
    ("AKIAIOSFODNN7EXAMPLE", "an AWS access key ID"),
    ("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "an AWS secret access key"),
    ("ghp_16C7e42F292c6912E7710c838347Ae178B4a", "a secret token"),
    ("Zx9Qw3ErTy7UiOp1AsDfGh5JkLz8XcVb", "a secret-looking token"),
    ("4111 1111 1111 1111", "a payment card number"),
])
def test_each_detector_names_what_it_found(value, kind):
    assert detect(value).kind == kind


def test_card_numbers_must_pass_luhn():
    assert detect("4111111111111112") is None


def test_masked_renderings_never_carry_the_value():
    for value in CORPUS["sensitive"]:
        detection = detect(value)
        assert detection.masked and detection.masked not in value or detection.kind == "an email address"
        if detection.kind == "an email address":
            local = value.split("@")[0].split()[-1]
            assert detection.masked.startswith(local[0] + "***@") and local not in detection.masked
        else:
            assert len(detection.masked) <= 8
