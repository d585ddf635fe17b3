"""Planted secrets never come out: every credential field of every connector, URLs, tags, descriptions.

The credential fields are not listed here: they are read from pulumi-aws's ConnectorProfile input
types (aws_schema.py, the ``...ConnectorProfileCredentials*Args`` classes and their
``@pulumi.getter`` names), so a field pulumi-aws adds is planted too, and the coverage test fails
if the walk misses a class. An example-style program (the shared compliant stack of examples/,
plus one connector profile per connector type) is run through the offline checker
(appflow_guard.checker.api.check_program) in both phases, and every output format is searched for
every canary, while the findings must still name the field or tag that holds the secret.

Not covered here: the notebooks' recorded outputs (the notebooks were being written in parallel).
"""

from __future__ import annotations

import hashlib
import json
import os
import textwrap

import pytest
from google.protobuf import json_format

import aws_schema
from appflow_guard.checker.api import check_program
from appflow_guard.checker.output import render_html, render_json, render_markdown, render_sarif, render_text
from appflow_guard.checker.project import load_project, run_program
from appflow_guard.checker.protocol import SECRET_SIGNATURE, SECRET_SIGNATURE_KEY
from conftest import REPO_ROOT

SHARED = os.path.join(REPO_ROOT, "examples", "shared")
CREDENTIALS_POLICY = "aws-appflow-connectorprofile-disallow-credentials-in-urls"
SENSITIVE_POLICY = "aws-appflow-disallow-sensitive-data-in-names-and-tags"


class Canaries:
    """Distinct, unguessable-looking values, each remembered with where it was planted."""

    def __init__(self) -> None:
        self.planted: dict[str, str] = {}

    def new(self, where: str, prefix: str = "Cnry") -> str:
        value = f"{prefix}{hashlib.sha256(where.encode()).hexdigest()[:14]}Q{len(self.planted):03d}"
        self.planted[value] = where
        return value

    def url(self, where: str, scheme: str = "https://", host: str = "api.example.com", path: str = "/v1") -> str:
        """A URL with a canary user, password and two query secrets."""
        return (f"{scheme}{self.new(where + ' user')}:{self.new(where + ' password')}@{host}{path}"
                f"?access_token={self.new(where + ' query')}&state={self.new(where + ' query state')}")


def github_token(canaries: Canaries, where: str) -> str:
    """A canary in the shape of a GitHub personal access token: "ghp_" and exactly 36 base62 characters.

    The prefix pads the canary (18 characters after it) to GitHub's length; a shorter body is no
    GitHub token, and the rule rightly does not report it as one.
    """
    body = canaries.new(where, prefix="CnryGitHubTokenPad")
    assert len(body) == 36 and body.isalnum(), body
    return "ghp_" + body


def _set(tree: dict, path: tuple, value) -> None:
    for step in path[:-1]:
        tree = tree.setdefault(step, {})
    tree[path[-1]] = value


def is_url_field(name: str) -> bool:
    return name.lower().endswith(("url", "uri"))


def build_profiles(canaries: Canaries, credentials_root=aws_schema.CREDENTIALS_ROOT,
                   properties_root=aws_schema.PROPERTIES_ROOT):
    """(connector python name, connector_profile_config in program form, planted leaves, URL fields).

    The roots are pulumi-aws's ConnectorProfile credentials and properties classes by default;
    test_native_canaries.py passes pulumi-aws-native's.
    """
    profiles = []
    properties = aws_schema.property_connectors(properties_root)
    for connector, (python_connector, leaves) in sorted(aws_schema.credential_fields(credentials_root).items()):
        credentials: dict = {}
        planted = []
        for path, python_path, shape in leaves:
            where = f"{connector}.credentials.{'.'.join(path)}"
            if shape.kind == "enum":  # aws-native's grant and authentication types: the SDK accepts its values only
                _set(credentials, python_path, aws_schema.enum_values(shape)[0])
                continue
            if shape.kind == "map":
                value = {"secret": canaries.new(where + "[secret]"), "token": canaries.new(where + "[token]")}
            elif is_url_field(path[-1]):
                value = canaries.url(where)
            else:
                value = canaries.new(where)
            _set(credentials, python_path, value)
            planted.append(path)
        url_fields = [f"connectorProfileConfig.connectorProfileCredentials.{connector}.{'.'.join(path)}"
                      for path, _, shape in leaves if shape.kind == "string" and is_url_field(path[-1])]
        props: dict = {}
        property_leaves = aws_schema.leaves(properties[connector][1]) if connector in properties else []
        for path, python_path, shape in property_leaves:
            where = f"{connector}.properties.{'.'.join(path)}"
            field = f"connectorProfileConfig.connectorProfileProperties.{connector}.{'.'.join(path)}"
            if shape.kind == "map":
                value = {"endpoint": canaries.url(where + "[endpoint]")}
                url_fields.append(f"{field}.endpoint")
            elif shape.kind == "string" and path[-1] == "databaseUrl":
                value = canaries.url(where, scheme="jdbc:redshift://", host="warehouse.example.com:5439", path="/dev")
                url_fields.append(field)
            elif shape.kind == "string" and is_url_field(path[-1]):
                value = canaries.url(where)
                url_fields.append(field)
            elif shape.kind == "enum":
                value = aws_schema.enum_values(shape)[0]
            elif shape.kind == "bool":
                value = True
            elif shape.kind == "number":
                value = 443
            elif shape.kind == "list":
                value = ["scope"]
            else:
                value = f"{connector}-{path[-1]}"
            _set(props, python_path, value)
        profiles.append((python_connector, {"connector_profile_credentials": {python_connector: credentials},
                                            "connector_profile_properties": {python_connector: props}},
                         planted, url_fields, connector))
    return profiles


def write_program(directory, canaries: Canaries):
    profiles = build_profiles(canaries)
    email_tag = canaries.new("flow tag owner (email local part)", prefix="cnry.")
    key_in_description = "AKIA" + canaries.new("flow description access key", prefix="")[:16].upper()
    canaries.planted[key_in_description] = "flow description access key"
    token_tag = github_token(canaries, "secret tag token")
    tag_key = canaries.new("key tag key (email local part)", prefix="cnry.") + "@example.com"
    key_description_token = "glpat-" + canaries.new("key description token")
    lines = [
        "import os", "import sys", "", f"sys.path.insert(0, {SHARED!r})", "",
        "import pulumi_aws as aws  # noqa: E402", "from appflow_stack import compliant_stack  # noqa: E402", "",
        "stack = compliant_stack(",
        f"    flow={{'tags': {{'team': 'data-platform', 'owner': {email_tag + '@example.com'!r}}},",
        f"          'description': {'Copies accounts; runs as ' + key_in_description!r}}},",
        f"    profile={{'instance_url': {canaries.url('salesforce instance_url', scheme='http://', host='acme.my.salesforce.com')!r}}},",
        ")",
        "key = stack['key']",
        "aws.secretsmanager.Secret('canary-secret', name='appflow!canary', kms_key_id=key.arn,",
        f"                          description='client credentials', tags={{'token': {token_tag!r}}})",
        f"canary_key = aws.kms.Key('canary-key', description={'rotated key ' + key_description_token!r},",
        f"                         enable_key_rotation=True, tags={{{tag_key!r}: 'owner'}})",
    ]
    for python_connector, config, _, _, connector in profiles:
        lines.append(f"aws.appflow.ConnectorProfile({('profile-' + connector)!r}, name={(connector + '-profile')!r}, "
                     f"connector_type='CustomConnector', connection_mode='Public', kms_arn=canary_key.arn,")
        lines.append(f"    connector_profile_config={config!r})")
    (directory / "Pulumi.yaml").write_text("name: canaries\nruntime: python\n")
    (directory / "__main__.py").write_text("\n".join(lines) + "\n")
    return profiles, {"email_tag": email_tag, "token_tag": token_tag, "tag_key": tag_key,
                      "key_description_token": key_description_token}


@pytest.fixture(scope="module")
def program(tmp_path_factory):
    directory = tmp_path_factory.mktemp("canary-program")
    canaries = Canaries()
    profiles, extra = write_program(directory, canaries)
    return directory, canaries, profiles, extra


def test_the_schema_walk_reaches_every_credentials_class():
    reached = aws_schema.reachable_classes(aws_schema.CREDENTIALS_ROOT)
    assert aws_schema.credential_classes() <= reached, "a ...Credentials*Args class the canaries would miss"
    connectors = aws_schema.credential_fields()
    assert len(connectors) >= 18 and {"salesforce", "customConnector", "sapoData", "zendesk"} <= set(connectors)


def test_every_credential_field_of_the_schema_reaches_the_pack(program, capsys):
    """The program really sends a canary in every credential leaf (the pack's input, camelCase)."""
    directory, canaries, profiles, _ = program
    project = load_project(str(directory), "dev")
    registrations = run_program(project, "dev", "preview", 120)
    sent = {r["name"]: json.dumps(json_format.MessageToDict(r["inputs"])) for r in registrations
            if r["type"] == "aws:appflow/connectorProfile:ConnectorProfile"}
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
    expected = sum(len(leaves) for _, leaves in aws_schema.credential_fields().values())
    assert covered == expected
    with capsys.disabled():
        print(f"\ncanaries: {covered} credential fields of {len(profiles)} connector types in pulumi-aws's "
              f"ConnectorProfile schema, {len(canaries.planted)} distinct canaries in all")


def unwrap(value):
    """The value inside the engine's secret wrapper, if it is one."""
    while isinstance(value, dict) and value.get(SECRET_SIGNATURE_KEY) == SECRET_SIGNATURE:
        value = value.get("value")
    return value


def assert_no_canary_in_any_output(report, directory, canaries) -> None:
    """Every output format of the report, searched for every planted canary (any letter case)."""
    outputs = {
        "text": render_text(report), "text (colour)": render_text(report, colour=True),
        "json": render_json(report), "sarif": render_sarif(report, report.program_files, str(directory)),
        "markdown": render_markdown(report), "html": render_html(report),
    }
    for name, text in outputs.items():
        lowered = text.lower()
        leaked = sorted(where for canary, where in canaries.planted.items()
                        if canary in text or canary.lower() in lowered)
        assert leaked == [], f"{name} output shows planted secrets from: {leaked}"


def findings_of(report, policy):
    return [finding for finding in report.findings if finding.policy == policy]


@pytest.mark.parametrize("phase", ["preview", "update"])
def test_no_canary_in_any_output_and_findings_name_the_field(program, phase):
    directory, canaries, profiles, extra = program
    report = check_program(str(directory), phase=phase)
    assert_no_canary_in_any_output(report, directory, canaries)

    assert report.blocked
    url_findings = findings_of(report, CREDENTIALS_POLICY)
    for _, _, _, url_fields, connector in profiles:
        messages = [f.message for f in url_findings if f.resourceName == f"profile-{connector}"]
        for field in url_fields:
            assert any(message.startswith(f"{field} '") and "embeds user credentials" in message
                       for message in messages), (field, messages)
            assert any(message.startswith(f"{field} '") and "carries credentials in its query (access_token)"
                       in message for message in messages), (field, messages)
    assert any(f.resourceName == "salesforce" and f.message.startswith(
        "connectorProfileConfig.connectorProfileProperties.salesforce.instanceUrl 'http://acme.my.salesforce.com/v1?")
        for f in url_findings)

    sensitive = {(f.resourceName, f.message.split(";")[0]) for f in findings_of(report, SENSITIVE_POLICY)}
    assert ("accounts-to-s3", "The tag 'owner' contains an email address (c***@example.com)") in sensitive
    assert ("accounts-to-s3", "The description contains an AWS access key ID (AK***)") in sensitive
    assert ("canary-secret", "The tag 'token' contains a secret token (gh***)") in sensitive
    assert ("canary-key", "The tag key contains an email address (c***@example.com)") in sensitive
    assert ("canary-key", "The description contains a secret token (gl***)") in sensitive


CONFIG_PROGRAM = """
    import pulumi
    import pulumi_aws as aws

    config = pulumi.Config()
    key = aws.kms.Key("canary-config-key", enable_key_rotation=True)
    aws.appflow.ConnectorProfile(
        "config-profile", connector_type="Salesforce", connection_mode="Private", kms_arn=key.arn,
        connector_profile_config={
            "connector_profile_credentials": {"salesforce": {"jwt_token": config.require_secret("jwt"),
                                                             "oauth2_grant_type": "JWT_BEARER"}},
            "connector_profile_properties": {"salesforce": {"instance_url": config.require_secret("instanceUrl")}}})
    aws.appflow.Flow("config-flow", kms_arn=key.arn, tags={"owner": config.require("owner")},
                     source_flow_config={"connector_type": "S3", "source_connector_properties": {"s3": {
                         "bucket_name": "src", "bucket_prefix": "in"}}},
                     destination_flow_configs=[{"connector_type": "S3", "destination_connector_properties": {
                         "s3": {"bucket_name": "dst"}}}],
                     tasks=[{"task_type": "Map_all", "source_fields": [], "connector_operators": [{"s3": "NO_OP"}]}],
                     trigger_config={"trigger_type": "OnDemand"})
"""


@pytest.mark.parametrize("phase", ["preview", "update"])
def test_no_decrypted_config_secret_in_any_output(tmp_path, monkeypatch, phase):
    """Canaries in passphrase-encrypted config (a JWT, a URL's user and password, an email in a secure tag
    value): decrypted, found by the rules, shown by no output format."""
    import base64

    from appflow_guard.checker.secrets import derive_key, encrypt

    canaries = Canaries()
    key = derive_key("canary passphrase", b"canarysa")
    nonce = iter(hashlib.sha256(str(index).encode()).digest()[:12] for index in range(10))
    owner = f"{canaries.new('owner email')}@example.com"
    (tmp_path / "Pulumi.yaml").write_text("name: canary-config\nruntime: python\n")
    (tmp_path / "__main__.py").write_text(textwrap.dedent(CONFIG_PROGRAM))
    (tmp_path / "Pulumi.dev.yaml").write_text(
        f"encryptionsalt: v1:{base64.b64encode(b'canarysa').decode()}:{encrypt(key, 'pulumi', next(nonce))}\n"
        f"config:\n"
        f"  canary-config:jwt:\n    secure: {encrypt(key, canaries.new('jwt'), next(nonce))}\n"
        f"  canary-config:instanceUrl:\n    secure: {encrypt(key, canaries.url('instance url'), next(nonce))}\n"
        f"  canary-config:owner:\n    secure: {encrypt(key, owner, next(nonce))}\n")
    monkeypatch.setenv("PULUMI_CONFIG_PASSPHRASE", "canary passphrase")
    monkeypatch.delenv("PULUMI_CONFIG_PASSPHRASE_FILE", raising=False)
    report = check_program(str(tmp_path), phase=phase)
    outputs = {"text": render_text(report), "json": render_json(report),
               "sarif": render_sarif(report, report.program_files, str(tmp_path))}
    for name, text in outputs.items():
        leaked = sorted(where for canary, where in canaries.planted.items() if canary.lower() in text.lower())
        assert leaked == [], f"{name} output shows decrypted config secrets from: {leaked}"
    messages = [finding.message for finding in report.findings]
    assert any(message.startswith("connectorProfileConfig.connectorProfileProperties.salesforce.instanceUrl '")
               and "embeds user credentials" in message for message in messages), messages
    assert any("The tag 'owner' contains an email address" in message for message in messages), messages
