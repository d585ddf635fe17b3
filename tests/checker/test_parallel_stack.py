"""On a large stack the checker shares Analyze and AnalyzeStack between two processes of the pack; the answer is the same."""

import contextlib
import json
import os
import time
from dataclasses import asdict

import pytest

from appflow_guard.checker import evaluate as evaluation_module
from appflow_guard.checker.api import REPOSITORY_PACK, pack_python
from appflow_guard.checker.evaluate import Evaluation, evaluate
from appflow_guard.checker.pack_process import PackProcess
from appflow_guard.checker.sources import from_state
from conftest import REPO_ROOT

STATE = os.path.join(REPO_ROOT, "tests", "data", "states", "aws-managed-keys.json")
STACK_POLICIES = [
    "aws-appflow-flow-configure-customer-managed-key",
    "aws-appflow-connectorprofile-configure-customer-managed-key",
    "aws-appflow-disallow-sensitive-data-in-names-and-tags",
    "aws-appflow-kms-key-enable-rotation",
    "aws-appflow-kms-key-disallow-wildcard-principal",
    "aws-appflow-secretsmanager-secret-configure-customer-managed-key",
    "aws-appflow-s3-bucket-configure-sse-kms-customer-managed-key",
    "aws-appflow-s3-bucket-enforce-tls-only",
    "aws-appflow-stack-enable-cloudtrail",
    "aws-appflow-stack-verify-external-references",
    "aws-appflow-s3-bucket-enable-macie",
    "aws-appflow-s3-bucket-enforce-default-security-controls",
    "aws-appflow-kms-key-enforce-default-security-controls",
    "aws-appflow-iam-user-enforce-mfa",
    "aws-appflow-iam-policy-disallow-full-access",
]


def state_resources():
    """(Analyze resources, AnalyzeStack states) of the exported stack."""
    with open(STATE, encoding="utf-8") as handle:
        _, resources, states = from_state(json.load(handle))
    return resources, states


@contextlib.contextmanager
def evaluation_on_a_pack(config=None):
    with PackProcess(REPOSITORY_PACK, python=pack_python(REPOSITORY_PACK)) as process:
        evaluation = Evaluation(process, REPOSITORY_PACK, config or {}, "update")
        try:
            yield evaluation
        finally:
            evaluation.close()


def audit(config=None):
    resources, states = state_resources()
    report = evaluate(resources, states, REPOSITORY_PACK, config or {}, "update", python=pack_python(REPOSITORY_PACK))
    return [asdict(finding) for finding in report.findings]


def test_stack_policies_are_split_in_pack_order_without_the_disabled_ones():
    with evaluation_on_a_pack({"aws-appflow-kms-key-enable-rotation": "disabled"}) as evaluation:
        enabled = [name for name in STACK_POLICIES if name != "aws-appflow-kms-key-enable-rotation"]
        assert len(enabled) == 14
        assert (evaluation.kept, evaluation.shared) == (enabled[:7], enabled[7:])


def test_no_second_process_starts_once_the_first_has_stopped(monkeypatch):
    """An evaluation its caller never closed starts nothing after its pack is gone."""
    monkeypatch.setattr(evaluation_module, "SECOND_PROCESS_AFTER_S", 0.2)
    with PackProcess(REPOSITORY_PACK, python=pack_python(REPOSITORY_PACK)) as process:
        evaluation = Evaluation(process, REPOSITORY_PACK, {}, "update")
    time.sleep(0.5)
    assert evaluation.second is None


def test_the_second_process_starts_at_the_threshold_only(monkeypatch):
    monkeypatch.setattr(evaluation_module, "SECOND_PROCESS_MIN_RESOURCES", 3)
    monkeypatch.setattr(evaluation_module, "SECOND_PROCESS_AFTER_S", 60.0)
    resources, states = state_resources()
    with evaluation_on_a_pack() as evaluation:
        evaluation.analyze(resources[0], states[0])
        evaluation.analyze(resources[1], states[1])
        assert evaluation.second is None
        evaluation.analyze(resources[2], states[2])
        assert evaluation.second is not None


def test_the_second_process_starts_when_the_program_runs_long(monkeypatch):
    """A large program declares all its resources before registering the first: the pack's second
    process starts on a timer, while the program still runs."""
    monkeypatch.setattr(evaluation_module, "SECOND_PROCESS_AFTER_S", 0.2)
    with evaluation_on_a_pack() as evaluation:
        assert evaluation.second is None
        time.sleep(0.5)
        assert evaluation.second is not None
        assert evaluation.second.ready.wait(60) and evaluation.second.usable


def test_a_stack_analyzed_before_the_timer_starts_no_second_process(monkeypatch):
    monkeypatch.setattr(evaluation_module, "SECOND_PROCESS_AFTER_S", 0.3)
    resources, states = state_resources()
    with evaluation_on_a_pack() as evaluation:
        for resource, state in zip(resources, states):
            evaluation.analyze(resource, state)
        evaluation.finish()
        time.sleep(0.5)
        assert evaluation.second is None


REMEDIATE_PROFILE_KEYS = {"aws-appflow-connectorprofile-remediate-customer-managed-key": {
    "enforcementLevel": "remediate", "keyArn": "arn:aws:kms:us-east-1:123456789012:key/0b5c6a1e-2f3d-4e5f-8a9b-0c1d2e3f4a5b"}}


@pytest.mark.parametrize("config", [{}, REMEDIATE_PROFILE_KEYS], ids=["analyze", "remediate-then-analyze"])
def test_resources_alternate_between_the_processes_with_the_same_findings_in_the_same_order(monkeypatch, config):
    """Remediate stays with the first process; the remediated resource is analyzed by either."""
    alone = audit(config)
    resources, states = state_resources()
    with evaluation_on_a_pack(config) as evaluation:
        evaluation.start_second_process()
        assert evaluation.second.ready.wait(60) and evaluation.second.usable
        sent = []
        send = evaluation.second.process.analyze_future
        monkeypatch.setattr(evaluation.second.process, "analyze_future",
                            lambda resource: sent.append(resource.urn) or send(resource))
        for resource, state in zip(resources, states):
            evaluation.analyze(resource, state)
        both = [asdict(finding) for finding in evaluation.finish().findings]
    assert sent == [resource.urn for resource in resources[::2]]
    assert both == alone
    # The resource policies' findings of both processes, then the stack policies', as from one process.
    assert [finding["policy"] for finding in both] == [finding["policy"] for finding in alone]
    assert any(finding["urn"] in sent for finding in both)
    assert any(finding["enforcementLevel"] == "remediate" for finding in both) == bool(config)


def test_sharing_analyze_stack_gives_the_same_findings_in_the_same_order(monkeypatch):
    alone = audit()
    monkeypatch.setattr(evaluation_module, "SECOND_PROCESS_MIN_RESOURCES", 0)
    shared = audit()
    assert shared == alone
    # Findings from both shares, so the merge order is exercised: the first half runs here, the
    # secret's policy in the second process.
    assert [finding["policy"] for finding in shared] == [
        "aws-appflow-flow-configure-customer-managed-key",
        "aws-appflow-connectorprofile-configure-customer-managed-key",
        "aws-appflow-secretsmanager-secret-configure-customer-managed-key",
    ]


def test_sharing_keeps_config_of_the_policies_in_each_share(monkeypatch):
    """Config of a policy run by the second process reaches it: its exemptions and its level."""
    monkeypatch.setattr(evaluation_module, "SECOND_PROCESS_MIN_RESOURCES", 0)
    secret_policy = "aws-appflow-secretsmanager-secret-configure-customer-managed-key"
    exempt = {secret_policy: {"exemptions": [{"resource": "*", "reason": "migrating in Q3"}]}}
    assert secret_policy not in [finding["policy"] for finding in audit(exempt)]
    relaxed = audit({secret_policy: "advisory"})
    assert [(finding["policy"], finding["enforcementLevel"]) for finding in relaxed][-1] == (secret_policy, "advisory")
