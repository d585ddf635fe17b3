"""The engine (through the stand-in providers) and `appflow-guard check` answer data sources alike.

Both answer through one implementation (appflow_guard.checker.in_program.shaped_values.Shaper.invoke); this proves that what
reaches the program is the same on both paths (the engine's and the SDK's marshalling, the mocks'), for every
data source of the services the rules read and a sample of all the others, in both SDKs.
"""

from __future__ import annotations

import json
import os
import re
import sys
import textwrap

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pulumi_engine import EngineWorkspace, build_engine  # noqa: E402
from shared_runs import SharedRuns  # noqa: E402

pytestmark = pytest.mark.e2e

RULE_SERVICES = ("kms", "s3", "secretsmanager", "iam", "cloudtrail", "appflow", "index")
# Arguments programs pass, in AWS's forms (the rules' data sources also get no arguments).
ARGUMENTS = {
    "aws:kms/getKey:getKey": [{"keyId": "alias/aws/appflow"}, {"keyId": "alias/acme-data"}],
    "aws:kms/getAlias:getAlias": [{"name": "alias/aws/appflow"}],
    "aws-native:kms:getAlias": [{"aliasName": "alias/aws/appflow"}],
    "aws:s3/getBucket:getBucket": [{"bucket": "acme-landing"}],
    "aws-native:s3:getBucket": [{"bucketName": "acme-landing"}],
    "aws:secretsmanager/getSecret:getSecret": [{"name": "appflow/salesforce"}],
    "aws:iam/getPolicy:getPolicy": [{"arn": "arn:aws:iam::aws:policy/AmazonAppFlowFullAccess"}],
    "aws:iam/getRole:getRole": [{"name": "appflow-operator"}],
    "aws:iam/getPolicyDocument:getPolicyDocument": [{"statements": [
        {"actions": ["appflow:*"], "resources": ["*"], "principals": [{"type": "Service", "identifiers": ["appflow.amazonaws.com"]}]}]}],
    "aws:index/getAvailabilityZones:getAvailabilityZones": [{"state": "available"}],
}
OTHERS_EVERY = 96  # one data source in 96 of the other services (every one of the rules' services)


def data_sources() -> list[str]:
    import pulumi_aws
    import pulumi_aws_native

    found = set()
    for package in (pulumi_aws, pulumi_aws_native):
        for folder, _, files in os.walk(os.path.dirname(package.__file__)):
            for file in files:
                if file.startswith("get") and file.endswith(".py"):
                    with open(os.path.join(folder, file), encoding="utf-8") as handle:
                        found.update(re.findall(r"invoke\('([^']+)'", handle.read()))
    return sorted(found)


def calls() -> list[list]:
    every = data_sources()
    rules = [token for token in every if token.split(":")[1].split("/")[0] in RULE_SERVICES]
    others = [token for token in every if token not in rules][::OTHERS_EVERY]
    return [[token, args] for token in rules + others for args in [{}] + ARGUMENTS.get(token, [])]


PROGRAM = """
    import json

    from pulumi.runtime import invoke

    with open("calls.json", encoding="utf-8") as handle:
        calls = json.load(handle)
    answers = []
    for token, args in calls:
        try:
            answers.append([token, args, invoke(token, args).value])
        except Exception as error:  # an invoke the provider refuses: its message, on both paths
            answers.append([token, args, {"refused": str(error).splitlines()[0]}])
    with open("answers.json", "w", encoding="utf-8") as handle:
        json.dump(answers, handle, sort_keys=True, indent=1)
"""


def test_the_engine_and_the_checker_give_programs_the_same_data_source_answers(tmp_path):
    workspace = EngineWorkspace(build_engine(), str(tmp_path / "engine"))
    source = tmp_path / "data-sources"
    source.mkdir()
    (source / "Pulumi.yaml").write_text("name: data-source-parity\nruntime: python\n")
    (source / "__main__.py").write_text(textwrap.dedent(PROGRAM))
    sample = calls()
    (source / "calls.json").write_text(json.dumps(sample))
    assert len(sample) > 130

    project = workspace.project(str(source))
    workspace.init_stack(project)
    run = workspace.preview(project)
    assert run.exit_code == 0, run.stdout + run.stderr
    with open(os.path.join(project, "answers.json"), encoding="utf-8") as handle:
        engine = json.load(handle)

    completed = SharedRuns(str(tmp_path)).check(str(source), "preview")
    assert completed.returncode == 0, completed.stdout + completed.stderr
    checked = json.loads((source / "answers.json").read_text())

    assert [answer[:2] for answer in engine] == sample
    assert [answer for answer in engine if "refused" in answer[2]] == []
    differing = [(mine[0], mine[1]) for mine, theirs in zip(checked, engine) if mine != theirs]
    assert differing == []
    key = next(answer[2] for answer in engine if answer[:2] == ["aws:kms/getKey:getKey", {"keyId": "alias/aws/appflow"}])
    assert key["keyManager"] == "AWS" and re.fullmatch(
        r"arn:aws:kms:us-east-1:123456789012:key/[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}", key["arn"])
