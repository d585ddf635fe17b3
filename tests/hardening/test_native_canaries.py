"""Planted secrets never come out of an aws-native program either.

The same test as test_canaries.py with pulumi-aws-native's ConnectorProfile schema: every credential
field of every connector type is read from pulumi-aws-native's own input classes
(``ConnectorProfileCredentialsArgs`` and the classes it reaches, aws_schema.py), a distinct canary is
planted in each, and in every URL's user info and query, in aws-native tags (lists of {key, value})
and descriptions. The program (the shared native compliant stack plus one aws-native connector
profile per connector type) runs through the offline checker in both phases; no output format may
show a canary, and the findings must still name the field or tag.
"""

from __future__ import annotations

import json
import os

import pytest
from google.protobuf import json_format

import aws_schema
from appflow_guard.checker.api import check_program
from appflow_guard.checker.project import load_project, run_program
from conftest import REPO_ROOT
from test_canaries import (CREDENTIALS_POLICY, SENSITIVE_POLICY, Canaries, assert_no_canary_in_any_output,
                           build_profiles, findings_of, github_token, unwrap)

SHARED = os.path.join(REPO_ROOT, "examples", "shared")
NATIVE_PROFILE = "aws-native:appflow:ConnectorProfile"


def write_program(directory, canaries: Canaries):
    profiles = build_profiles(canaries, aws_schema.NATIVE_CREDENTIALS_ROOT, aws_schema.NATIVE_PROPERTIES_ROOT)
    email_tag = canaries.new("native flow tag owner (email local part)", prefix="cnry.")
    key_in_description = "AKIA" + canaries.new("native flow description access key", prefix="")[:16].upper()
    canaries.planted[key_in_description] = "native flow description access key"
    token_tag = github_token(canaries, "native secret tag token")
    tag_key = canaries.new("native key tag key (email local part)", prefix="cnry.") + "@example.com"
    lines = [
        "import os", "import sys", "", f"sys.path.insert(0, {SHARED!r})", "",
        "import pulumi_aws_native as aws_native  # noqa: E402",
        "from native_appflow_stack import FLOW_TAGS, compliant_stack  # noqa: E402", "",
        "stack = compliant_stack(",
        f"    flow={{'tags': FLOW_TAGS + [{{'key': 'owner', 'value': {email_tag + '@example.com'!r}}}],",
        f"          'description': {'Copies accounts; runs as ' + key_in_description!r}}},",
        f"    profile={{'instance_url': {canaries.url('native salesforce instance_url', scheme='http://', host='acme.my.salesforce.com')!r}}},",
        ")",
        "key = stack['key']",
        "aws_native.secretsmanager.Secret('canary-secret', name='appflow!canary', kms_key_id=key.arn,",
        f"                                 description='client credentials', tags=[{{'key': 'token', 'value': {token_tag!r}}}])",
        "canary_key = aws_native.kms.Key('canary-key', description='rotated key', enable_key_rotation=True,",
        f"                                tags=[{{'key': {tag_key!r}, 'value': 'owner'}}])",
    ]
    for _, config, _, _, connector in profiles:
        lines.append(f"aws_native.appflow.ConnectorProfile({('profile-' + connector)!r}, "
                     f"connector_profile_name={(connector + '-profile')!r}, connector_type='CustomConnector', "
                     "connection_mode='Public', kms_arn=canary_key.arn,")
        lines.append(f"    connector_profile_config={config!r})")
    (directory / "Pulumi.yaml").write_text("name: native-canaries\nruntime: python\n")
    (directory / "__main__.py").write_text("\n".join(lines) + "\n")
    return profiles, {"email_tag": email_tag, "token_tag": token_tag, "tag_key": tag_key}


@pytest.fixture(scope="module")
def program(tmp_path_factory):
    directory = tmp_path_factory.mktemp("native-canary-program")
    canaries = Canaries()
    profiles, extra = write_program(directory, canaries)
    return directory, canaries, profiles, extra


def test_the_schema_walk_reaches_every_native_credentials_class():
    reached = aws_schema.reachable_classes(aws_schema.NATIVE_CREDENTIALS_ROOT)
    assert aws_schema.native_credential_classes() <= reached, "a credentials class the canaries would miss"
    connectors = aws_schema.credential_fields(aws_schema.NATIVE_CREDENTIALS_ROOT)
    assert len(connectors) >= 18 and {"salesforce", "customConnector", "sapoData", "zendesk"} <= set(connectors)


def test_every_native_credential_field_reaches_the_pack(program, capsys):
    directory, canaries, profiles, _ = program
    project = load_project(str(directory), "dev")
    registrations = run_program(project, "dev", "preview", 120)
    sent = {r["name"]: json.dumps(json_format.MessageToDict(r["inputs"])) for r in registrations
            if r["type"] == NATIVE_PROFILE}
    covered = 0
    for _, _, planted, _, connector in profiles:
        inputs = json.loads(sent[f"profile-{connector}"])
        credentials = unwrap(unwrap(unwrap(inputs["connectorProfileConfig"])["connectorProfileCredentials"])[connector])
        for path in planted:
            value = unwrap(credentials)
            for step in path:
                value = unwrap(value.get(step)) if isinstance(value, dict) else None
            assert value, f"{connector}.{'.'.join(path)} did not reach the pack"
            assert any(canary in json.dumps(value) for canary in canaries.planted), f"{connector}.{'.'.join(path)}"
            covered += 1
    expected = sum(shape.kind != "enum" for _, leaves in aws_schema.credential_fields(
        aws_schema.NATIVE_CREDENTIALS_ROOT).values() for _, _, shape in leaves)
    assert covered == expected
    with capsys.disabled():
        print(f"\nnative canaries: {covered} credential fields of {len(profiles)} connector types in "
              f"pulumi-aws-native's ConnectorProfile schema, {len(canaries.planted)} distinct canaries in all")


@pytest.mark.parametrize("phase", ["preview", "update"])
def test_no_canary_in_any_output_and_findings_name_the_field(program, phase):
    directory, canaries, profiles, extra = program
    report = check_program(str(directory), phase=phase)
    assert_no_canary_in_any_output(report, directory, canaries)

    assert report.blocked
    url_findings = findings_of(report, CREDENTIALS_POLICY)
    assert {f.resourceType for f in url_findings} == {NATIVE_PROFILE}
    checked = 0
    for _, _, _, url_fields, connector in profiles:
        messages = [f.message for f in url_findings if f.resourceName == f"profile-{connector}"]
        for field in url_fields:
            assert any(message.startswith(f"{field} '") and "embeds user credentials" in message
                       for message in messages), (field, messages)
            assert any(message.startswith(f"{field} '") and "carries credentials in its query (access_token)"
                       in message for message in messages), (field, messages)
            checked += 1
    assert checked >= 10
    assert any(f.resourceName == "salesforce" and f.message.startswith(
        "connectorProfileConfig.connectorProfileProperties.salesforce.instanceUrl 'http://acme.my.salesforce.com/v1?")
        for f in url_findings)

    sensitive = {(f.resourceName, f.message.split(";")[0]) for f in findings_of(report, SENSITIVE_POLICY)}
    assert ("accounts-to-s3", "The tag 'owner' contains an email address (c***@example.com)") in sensitive
    assert ("accounts-to-s3", "The description contains an AWS access key ID (AK***)") in sensitive
    assert ("canary-secret", "The tag 'token' contains a secret token (gh***)") in sensitive
    assert ("canary-key", "The tag key contains an email address (c***@example.com)") in sensitive
