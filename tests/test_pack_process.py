"""The pack started from the repository root exactly as the Pulumi engine starts a Python pack."""

import pytest

from appflow_guard.checker.config import ConfigError, reconcile
from appflow_guard.checker.pack_process import PackError, PackProcess, Resource
from appflow_guard.checker.protocol import ENFORCEMENT_LEVEL_NAMES, SEVERITY_NAMES, Unknown
from appflow_guard.pack import POLICIES
from conftest import REPO_ROOT
from harness import UNKNOWN
from stacks import compliant_stack

pytestmark = pytest.mark.pack


@pytest.fixture(scope="module")
def pack():
    with PackProcess(REPO_ROOT) as process:
        yield process


def to_resource(spec):
    def decode(value):
        if value == UNKNOWN:
            return Unknown()
        if isinstance(value, dict):
            return {key: decode(item) for key, item in value.items()}
        if isinstance(value, list):
            return [decode(item) for item in value]
        return value

    return Resource(type=spec.resource_type, name=spec.name, urn=spec.urn, properties=decode(spec.props),
                    dependencies=sorted({urn for urns in spec.deps.values() for urn in urns}),
                    property_dependencies=spec.deps)


def policy_names(response):
    return sorted(diagnostic.policyName for diagnostic in response.diagnostics)


def test_analyzer_info_lists_every_policy_with_its_metadata(pack):
    info = pack.analyzer_info()
    assert info.name == "appflow-guard"
    served = {policy.name: policy for policy in info.policies}
    assert list(served) == [policy.name for policy in POLICIES]
    for policy in POLICIES:
        entry = served[policy.name]
        assert entry.description == policy.description
        assert ENFORCEMENT_LEVEL_NAMES[entry.enforcementLevel] == policy.enforcement_level.value
        assert SEVERITY_NAMES[entry.severity] == policy.severity.value
        assert entry.remediation_steps == policy.remediation_steps
        assert entry.url == policy.url
        assert "exemptions" in entry.configSchema.properties


def test_analyze_reports_a_non_compliant_flow_and_passes_a_compliant_one(pack):
    pack.configure(reconcile(pack.analyzer_info(), {}))
    flow = to_resource(next(spec for spec in compliant_stack("update") if spec.name == "accounts-to-s3"))
    assert pack.analyze(flow).diagnostics == []
    del flow.properties["description"]
    flow.properties["tags"] = {}
    response = pack.analyze(flow)
    assert policy_names(response) == ["aws-appflow-flow-missing-description", "aws-appflow-flow-missing-tags"]
    assert [diagnostic.message for diagnostic in response.diagnostics] == [
        "AppFlow flows have a description.\ndescription is not set; describe what data the flow moves and why.",
        "AppFlow flows are tagged, with every required tag key.\ntags are not set.",
    ]


@pytest.mark.parametrize("phase", ["preview", "update"])
def test_analyze_stack_passes_the_compliant_stack_without_preview_advisories(pack, phase):
    pack.configure(reconcile(pack.analyzer_info(), {}))
    resources = [to_resource(spec) for spec in compliant_stack(phase)]
    for resource in resources:
        assert pack.analyze(resource).diagnostics == []
    assert pack.analyze_stack(resources).diagnostics == []


def test_analyze_stack_blocks_an_aws_managed_flow_key(pack):
    pack.configure(reconcile(pack.analyzer_info(), {}))
    specs = compliant_stack("preview")
    flow = next(spec for spec in specs if spec.name == "accounts-to-s3")
    flow.props["kmsArn"] = "alias/aws/appflow"
    flow.deps.pop("kmsArn")
    diagnostics = pack.analyze_stack([to_resource(spec) for spec in specs]).diagnostics
    assert [(d.policyName, ENFORCEMENT_LEVEL_NAMES[d.enforcementLevel], d.urn) for d in diagnostics] == [
        ("aws-appflow-flow-configure-customer-managed-key", "mandatory", flow.urn)]


def test_configured_enforcement_level_and_properties_reach_the_rules(pack):
    pack.configure(reconcile(pack.analyzer_info(), {
        "aws-appflow-flow-missing-tags": {"enforcementLevel": "mandatory", "requiredTags": ["owner"]},
    }))
    flow = to_resource(next(spec for spec in compliant_stack("update") if spec.name == "accounts-to-s3"))
    diagnostics = pack.analyze(flow).diagnostics
    assert [(d.policyName, ENFORCEMENT_LEVEL_NAMES[d.enforcementLevel]) for d in diagnostics] == [
        ("aws-appflow-flow-missing-tags", "mandatory")]
    assert diagnostics[0].message.endswith("tags lack the required keys: owner.")


def test_invalid_config_is_rejected_with_the_policy_and_key(pack):
    with pytest.raises(ConfigError) as error:
        reconcile(pack.analyzer_info(), {"aws-appflow-flow-missing-tags": {"requiredTags": "owner"}})
    assert str(error.value) == "invalid policy config: aws-appflow-flow-missing-tags: requiredTags: 'owner' is not of type 'array'"
    with pytest.raises(ConfigError, match="exemptions.0.expires: '2026-02-30' is not a 'date'"):
        reconcile(pack.analyzer_info(), {"aws-appflow-stack-enable-cloudtrail": {
            "exemptions": [{"resource": "*", "reason": "r", "expires": "2026-02-30"}]}})
    with pytest.raises(ConfigError, match='"sometimes" is not a valid enforcement level'):
        reconcile(pack.analyzer_info(), {"all": "sometimes"})


def test_config_the_engine_would_reject_still_never_crashes_the_pack(pack):
    """Configure in pulumi-policy accepts any config; the rules answer with a clear violation."""
    pack.configure({"aws-appflow-flow-missing-tags": {"enforcementLevel": "advisory", "requiredTags": "owner"}})
    flow = to_resource(next(spec for spec in compliant_stack("update") if spec.name == "accounts-to-s3"))
    assert [d.message for d in pack.analyze(flow).diagnostics] == [
        "AppFlow flows are tagged, with every required tag key.\n"
        "Invalid policy config: requiredTags must be a list of strings."]


def test_a_folder_without_pulumipolicy_yaml_is_refused(tmp_path):
    with pytest.raises(PackError, match="is not a policy pack"):
        PackProcess(str(tmp_path)).start()


def test_a_pack_that_fails_to_start_says_why(tmp_path):
    (tmp_path / "PulumiPolicy.yaml").write_text("runtime: python\n")
    (tmp_path / "__main__.py").write_text("raise SystemExit('broken pack: missing module')\n")
    with pytest.raises(PackError, match="the policy pack failed to start: broken pack: missing module"):
        PackProcess(str(tmp_path), timeout=20).start()


@pytest.mark.parametrize("delay", [0.0, 0.05, 0.15, 0.3])
def test_stopping_a_pack_while_another_thread_starts_it_ends_both_cleanly(monkeypatch, delay):
    """The checker's second process is started in the background and may be stopped at any point of
    its start-up: the starting thread gets a PackError (or a started pack), nothing is printed, and
    no process is left behind."""
    import threading
    import time

    raised = []
    monkeypatch.setattr(threading, "excepthook", lambda args: raised.append(args.exc_value))
    process = PackProcess(REPO_ROOT, timeout=30)
    outcome = []

    def start():
        try:
            process.start()
            outcome.append("started")
        except PackError as error:
            outcome.append(str(error))

    starter = threading.Thread(target=start)
    starter.start()
    time.sleep(delay)
    spawned = process._process
    process.stop()
    starter.join(30)
    assert not starter.is_alive() and len(outcome) == 1 and raised == []
    assert outcome[0] == "started" or outcome[0].startswith("the policy pack")
    assert spawned is None or spawned.poll() is not None
    with pytest.raises(PackError, match="stopped before it started"):
        process.start()
