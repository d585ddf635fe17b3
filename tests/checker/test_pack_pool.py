"""The pack's processes behind one interface: a second process starts on the thresholds, answers
come in the order sent, the shared AnalyzeStack gives one process's findings, a crash is the
CheckError it is with one process, and closing ends every process without waiting for one."""

import contextlib
import json
import os
import textwrap
import threading
import time
from dataclasses import asdict

import pytest
from pulumi_policy import StackValidationPolicy

from appflow_guard.checker import pack_pool as pack_pool_module
from appflow_guard.checker.analyzer_proto import analyzer_pb2
from appflow_guard.checker.config import reconcile
from appflow_guard.checker.errors import CheckError
from appflow_guard.checker.evaluate import Evaluation, evaluate
from appflow_guard.checker.pack_folder import REPOSITORY_PACK, resolve_pack
from appflow_guard.checker.pack_pool import PackPool, split_stack_policies
from appflow_guard.checker.pack_process import PackError, PackProcess, Resource, stack_request
from appflow_guard.checker.sources import from_state
from appflow_guard.pack import POLICIES
from conftest import REPO_ROOT

pytestmark = pytest.mark.pack

STATE = os.path.join(REPO_ROOT, "tests", "data", "states", "aws-managed-keys.json")
# The pack's stack policies in pack order, and those with findings on the exported stack.
STACK_POLICIES = [policy.name for policy in POLICIES if isinstance(policy, StackValidationPolicy)]
FIRING = [
    "aws-appflow-flow-configure-customer-managed-key",
    "aws-appflow-connectorprofile-configure-customer-managed-key",
    "aws-appflow-secretsmanager-secret-configure-customer-managed-key",
]
# With the other stack policies disabled, the secret's policy is the second process's share.
ONLY_FIRING = {name: "disabled" for name in STACK_POLICIES if name not in FIRING}


def state_resources():
    """(Analyze resources, AnalyzeStack states) of the exported stack."""
    with open(STATE, encoding="utf-8") as handle:
        _, resources, states = from_state(json.load(handle))
    return resources, states


def stack_policy_names(info):
    return [policy.name for policy in info.policies if policy.policy_type == analyzer_pb2.POLICY_TYPE_STACK]


@contextlib.contextmanager
def pool_on_a_pack(pack_dir=REPOSITORY_PACK, config=None, timeout=60.0):
    """A pool over a started, configured process of the pack in ``pack_dir``."""
    pack = resolve_pack(pack_dir)
    with PackProcess(pack.path, python=pack.python, timeout=timeout) as process:
        info = process.analyzer_info()
        reconciled = reconcile(info, config or {})
        process.configure(reconciled)
        pool = PackPool(process, reconciled, stack_policy_names(info))
        try:
            yield pool
        finally:
            pool.close()


@contextlib.contextmanager
def evaluation_on_a_pack(config=None):
    pack = resolve_pack()
    with PackProcess(pack.path, python=pack.python) as process:
        evaluation = Evaluation(process, pack, config or {}, "update")
        try:
            yield evaluation
        finally:
            evaluation.close()


def audit(config=None):
    resources, states = state_resources()
    report = evaluate(resources, states, resolve_pack(), config or {}, "update")
    return [asdict(finding) for finding in report.findings]


def test_enabled_stack_policies_split_in_order_the_first_share_the_larger():
    disabled = {"enforcementLevel": "disabled"}
    assert split_stack_policies(["a", "b", "c", "d", "e"], {"b": disabled}) == (["a", "c"], ["d", "e"])
    assert split_stack_policies(["a", "b", "c"], {"b": {"enforcementLevel": "mandatory"}}) == (["a", "b"], ["c"])
    assert split_stack_policies([], {}) == ([], [])


def test_the_pack_stack_policies_are_split_in_pack_order_without_the_disabled_ones():
    with pool_on_a_pack(config={"aws-appflow-kms-key-enable-rotation": "disabled"}) as pool:
        enabled = [name for name in STACK_POLICIES if name != "aws-appflow-kms-key-enable-rotation"]
        assert pool.kept + pool.shared == enabled
        assert len(pool.kept) - len(pool.shared) in (0, 1) and pool.shared
    disabled = {name: {"enforcementLevel": "disabled"} for name in ONLY_FIRING}
    assert split_stack_policies(STACK_POLICIES, disabled) == (FIRING[:2], FIRING[2:])


def test_no_second_process_starts_once_the_first_has_stopped(monkeypatch):
    """A pool its caller never closed starts nothing after its pack is gone."""
    monkeypatch.setattr(pack_pool_module, "SECOND_PROCESS_AFTER_S", 0.2)
    with PackProcess(REPOSITORY_PACK) as process:
        pool = PackPool(process, reconcile(process.analyzer_info(), {}), [])
    time.sleep(0.5)
    assert pool.second is None


def test_the_second_process_starts_at_the_threshold_only(monkeypatch):
    monkeypatch.setattr(pack_pool_module, "SECOND_PROCESS_MIN_RESOURCES", 3)
    monkeypatch.setattr(pack_pool_module, "SECOND_PROCESS_AFTER_S", 60.0)
    resources, _ = state_resources()
    with pool_on_a_pack() as pool:
        pool.analyze(resources[0])
        pool.analyze(resources[1])
        assert pool.second is None
        pool.analyze(resources[2])
        assert pool.second is not None


def test_the_second_process_starts_when_the_program_runs_long(monkeypatch):
    """A large program declares all its resources before registering the first: the pack's second
    process starts on a timer, while the program still runs."""
    monkeypatch.setattr(pack_pool_module, "SECOND_PROCESS_AFTER_S", 0.2)
    with pool_on_a_pack() as pool:
        assert pool.second is None
        time.sleep(0.5)
        assert pool.second is not None
        assert pool.second.ready.wait(60) and pool.second.usable


def test_a_stack_analyzed_before_the_timer_starts_no_second_process(monkeypatch):
    monkeypatch.setattr(pack_pool_module, "SECOND_PROCESS_AFTER_S", 0.3)
    resources, states = state_resources()
    with pool_on_a_pack() as pool:
        for resource in resources:
            pool.analyze(resource)
        pool.drain()
        pool.analyze_stack(stack_request(states))
        time.sleep(0.5)
        assert pool.second is None


def test_answers_come_in_the_order_sent_each_the_answer_one_process_gives(monkeypatch):
    monkeypatch.setattr(pack_pool_module, "ANALYZE_IN_FLIGHT", 4)
    resources, _ = state_resources()
    with pool_on_a_pack() as pool:
        alone = [pool.first.analyze(resource) for resource in resources]
        pool.start_second_process()
        assert pool.second.ready.wait(60) and pool.second.usable
        sent = []
        send = pool.second.process.analyze_future
        monkeypatch.setattr(pool.second.process, "analyze_future",
                            lambda resource: sent.append(resource.urn) or send(resource))
        answered = [pair for resource in resources for pair in pool.analyze(resource)] + pool.drain()
    assert sent == [resource.urn for resource in resources[::2]]
    assert [resource.urn for resource, _ in answered] == [resource.urn for resource in resources]
    assert [answer for _, answer in answered] == alone
    # Answers that tell the resources apart, from both processes: a pairing mixed up would show.
    assert len({answer.SerializeToString(deterministic=True) for answer in alone[::2]}) > 1
    assert len({answer.SerializeToString(deterministic=True) for answer in alone[1::2]}) > 1


REMEDIATE_PROFILE_KEYS = {"aws-appflow-connectorprofile-remediate-customer-managed-key": {
    "enforcementLevel": "remediate", "keyArn": "arn:aws:kms:us-east-1:123456789012:key/0b5c6a1e-2f3d-4e5f-8a9b-0c1d2e3f4a5b"}}


@pytest.mark.parametrize("config", [{}, REMEDIATE_PROFILE_KEYS], ids=["analyze", "remediate-then-analyze"])
def test_resources_alternate_between_the_processes_with_the_same_findings_in_the_same_order(monkeypatch, config):
    """Remediate stays with the first process; the remediated resource is analyzed by either."""
    alone = audit(config)
    resources, states = state_resources()
    with evaluation_on_a_pack(config) as evaluation:
        evaluation.pool.start_second_process()
        assert evaluation.pool.second.ready.wait(60) and evaluation.pool.second.usable
        sent = []
        send = evaluation.pool.second.process.analyze_future
        monkeypatch.setattr(evaluation.pool.second.process, "analyze_future",
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


@pytest.mark.parametrize("config", [{}, ONLY_FIRING], ids=["every-policy", "secret-policy-in-second-share"])
def test_sharing_analyze_stack_gives_the_same_findings_in_the_same_order(monkeypatch, config):
    alone = audit(config)
    monkeypatch.setattr(pack_pool_module, "SECOND_PROCESS_MIN_RESOURCES", 0)
    shared = audit(config)
    assert shared == alone
    # With ONLY_FIRING the findings come from both shares, so the merge is exercised: the first
    # two policies run in the first process, the secret's policy in the second.
    assert [finding["policy"] for finding in shared] == FIRING


def test_sharing_keeps_config_of_the_policies_in_each_share(monkeypatch):
    """Config of a policy run by the second process reaches it: its exemptions and its level."""
    monkeypatch.setattr(pack_pool_module, "SECOND_PROCESS_MIN_RESOURCES", 0)
    secret_policy = "aws-appflow-secretsmanager-secret-configure-customer-managed-key"
    exempt = {**ONLY_FIRING, secret_policy: {"exemptions": [{"resource": "*", "reason": "migrating in Q3"}]}}
    assert [finding["policy"] for finding in audit(exempt)] == FIRING[:2]
    relaxed = audit({**ONLY_FIRING, secret_policy: "advisory"})
    assert [(finding["policy"], finding["enforcementLevel"]) for finding in relaxed][-1] == (secret_policy, "advisory")


# The repository's pack, except that every process after the first writes its pid and then hangs
# (never listening) or exits: a second process that never starts.
SECOND_PROCESS_FAILS = """\
import os
import runpy
import time

here = os.path.dirname(os.path.abspath(__file__))
if os.path.exists(os.path.join(here, "first-started")):
    with open(os.path.join(here, "second.pid"), "w") as handle:
        handle.write(str(os.getpid()))
    if {hang!r}:
        time.sleep(120)
    raise SystemExit("this pack starts once")
open(os.path.join(here, "first-started"), "w").close()
runpy.run_path({main!r}, run_name="__main__")
"""


def pack_whose_second_process_fails(folder, hang):
    folder.mkdir()
    (folder / "PulumiPolicy.yaml").write_text("runtime: python\nversion: 0.1.0\n")
    (folder / "__main__.py").write_text(SECOND_PROCESS_FAILS.format(
        hang=hang, main=os.path.join(REPOSITORY_PACK, "__main__.py")))
    return str(folder)


def test_a_second_process_that_cannot_start_leaves_the_stack_to_the_first(monkeypatch, tmp_path):
    """AnalyzeStack of a large stack waits for the second process's start-up, and no longer than it."""
    monkeypatch.setattr(pack_pool_module, "SECOND_PROCESS_MIN_RESOURCES", 0)
    resources, states = state_resources()
    with pool_on_a_pack(pack_whose_second_process_fails(tmp_path / "pack", hang=False)) as pool:
        for resource in resources:
            pool.analyze(resource)
        pool.drain()
        assert pool.second is not None
        diagnostics = pool.analyze_stack(stack_request(states))
        assert pool.second.ready.is_set() and not pool.second.usable
        assert str(pool.second.error) == "the policy pack failed to start: this pack starts once"
    with PackProcess(REPOSITORY_PACK) as process:
        process.configure(reconcile(process.analyzer_info(), {}))
        one_process = list(process.analyze_stack(stack_request(states)).diagnostics)
    assert diagnostics == one_process and [diagnostic.policyName for diagnostic in diagnostics] == FIRING


def test_closing_while_the_second_process_starts_ends_it_without_waiting_for_it(tmp_path):
    pack = pack_whose_second_process_fails(tmp_path / "pack", hang=True)
    pid_file = tmp_path / "pack" / "second.pid"
    with pool_on_a_pack(pack) as pool:
        pool.start_second_process()
        for _ in range(600):
            if pid_file.exists() and pid_file.read_text():
                break
            time.sleep(0.1)
        pid = int(pid_file.read_text())
        closing = threading.Thread(target=pool.close)
        closing.start()
        closing.join(60)  # the hanging process sleeps for 120 s: a close that waited would still run
        assert not closing.is_alive()
        with pytest.raises(ProcessLookupError):  # ended and reaped by close, not by the start's timeout
            os.kill(pid, 0)
        assert pool.second.ready.wait(60) and not pool.second.usable


# A pack of three policies whose process dies in Analyze on one resource type, and in AnalyzeStack
# when its last stack policy runs (the second process's share when two processes share the stack).
CRASHING_PACK = """\
import os

from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy, StackValidationPolicy


def die_on_crash_type(args, report_violation):
    if args.resource_type == "test:index:Crash":
        os._exit(3)


def report_every_resource(args, report_violation):
    for resource in args.resources:
        report_violation("seen", resource.urn)


def die(args, report_violation):
    os._exit(3)


if __name__ == "__main__":
    PolicyPack(name="crashing", enforcement_level=EnforcementLevel.ADVISORY, policies=[
        ResourceValidationPolicy(name="die-in-analyze", description="dies on test:index:Crash",
                                 validate=die_on_crash_type),
        StackValidationPolicy(name="report-every-resource", description="reports each resource",
                              validate=report_every_resource),
        StackValidationPolicy(name="die-in-analyze-stack", description="dies", validate=die),
    ])
"""


@pytest.fixture
def crashing_pack(tmp_path):
    (tmp_path / "PulumiPolicy.yaml").write_text("runtime: python\nversion: 0.1.0\n")
    (tmp_path / "__main__.py").write_text(CRASHING_PACK)
    return str(tmp_path)


def resource(resource_type, name):
    return Resource(resource_type, name, f"urn:pulumi:dev::p::{resource_type}::{name}", {})


def test_a_pack_process_that_dies_in_analyze_is_a_check_error(crashing_pack):
    with pool_on_a_pack(crashing_pack) as pool:
        pool.analyze(resource("test:index:Fine", "a"))
        with pytest.raises(PackError) as raised:
            pool.analyze(resource("test:index:Crash", "b"))
            pool.drain()
    assert isinstance(raised.value, CheckError)
    assert str(raised.value).startswith("the policy pack failed in Analyze: ")


@pytest.mark.parametrize("shared", [False, True], ids=["one-process", "second-process-share"])
def test_a_pack_process_that_dies_in_analyze_stack_is_the_same_check_error(monkeypatch, crashing_pack, shared):
    monkeypatch.setattr(pack_pool_module, "SECOND_PROCESS_MIN_RESOURCES", 0 if shared else 10**6)
    monkeypatch.setattr(pack_pool_module, "SECOND_PROCESS_AFTER_S", 0.0 if shared else 60.0)
    fine = resource("test:index:Fine", "a")
    with pool_on_a_pack(crashing_pack) as pool:
        assert (pool.kept, pool.shared) == (["report-every-resource"], ["die-in-analyze-stack"])
        pool.analyze(fine)
        pool.drain()
        with pytest.raises(PackError) as raised:
            pool.analyze_stack(stack_request([fine]))
        assert (pool.second is not None) == shared
    assert str(raised.value).startswith("the policy pack failed in AnalyzeStack: ")
