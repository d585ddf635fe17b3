"""The report formats: JSON contract, text like `pulumi preview`, SARIF that code scanning accepts."""

import json
import os
import subprocess
import sys
import textwrap

import jsonschema
import pytest

from appflow_guard import catalog
from appflow_guard.checker.cli import main
from conftest import REPO_ROOT

EXAMPLES = os.path.join(REPO_ROOT, "examples")


@pytest.fixture(scope="module")
def sarif_schema():
    completed = subprocess.run([os.path.join(REPO_ROOT, "scripts", "sarif-schema")], capture_output=True, text=True)
    if completed.returncode == 3 and not os.environ.get("CI"):
        pytest.skip(completed.stderr.strip())
    assert completed.returncode == 0, completed.stderr
    with open(completed.stdout.strip(), encoding="utf-8") as handle:
        return json.load(handle)


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert err == ""
    return code, out


def test_json_report_follows_the_contract(capsys):
    code, out = run(capsys, "check", os.path.join(EXAMPLES, "unprotected-bucket"), "--format", "json")
    report = json.loads(out)
    assert code == 1
    assert set(report) == {"phase", "pack", "findings", "summary"}
    assert report["summary"] == {"resources": 11, "findings": 4, "mandatory": 4, "advisory": 0, "remediate": 0,
                                 "blocked": True}
    finding = report["findings"][0]
    assert finding == {
        "policy": "aws-appflow-s3-bucket-policy-enforce-source-account", "enforcementLevel": "mandatory",
        "severity": "high", "resourceType": "aws:s3/bucketPolicy:BucketPolicy", "resourceName": "landing-policy",
        "urn": "urn:pulumi:dev::unprotected-bucket::aws:s3/bucketPolicy:BucketPolicy::landing-policy",
        "message": "statement AppFlowWrite grants appflow.amazonaws.com without an aws:SourceAccount or "
                   "aws:SourceArn condition."}


def test_stack_level_findings_carry_the_resource_they_are_about(capsys):
    _, out = run(capsys, "check", os.path.join(EXAMPLES, "unprotected-bucket"), "--format", "json")
    tls = [f for f in json.loads(out)["findings"] if f["policy"] == "aws-appflow-s3-bucket-enforce-tls-only"]
    assert [(f["resourceType"], f["resourceName"]) for f in tls] == [("aws:s3/bucket:Bucket", "landing")]


def test_text_report_reads_like_the_policies_section_of_a_preview(capsys):
    code, out = run(capsys, "check", os.path.join(EXAMPLES, "public-connection"))
    assert code == 0
    assert out.splitlines() == [
        "Policies:",
        f"    ⚠️  appflow-guard@v0.1.0 (local: {REPO_ROOT})",
        "        - [advisory]  aws-appflow-connectorprofile-enforce-private-connection  "
        "(aws:appflow/connectorProfile:ConnectorProfile: salesforce)",
        "          AppFlow connector profiles use a private connection where the application supports one.",
        "          connectionMode is Public for a Salesforce connection, which supports private connections; "
        "set connection_mode=\"Private\".",
        "",
        "passed; 0 mandatory, 1 advisory, 0 remediated on 11 resources (preview)",
    ]
    assert "\033[" not in out


def test_sarif_report_is_valid_sarif_2_1_0_with_source_locations(capsys, sarif_schema):
    code, out = run(capsys, "check", os.path.join(EXAMPLES, "aws-managed-keys"), "--format", "sarif")
    document = json.loads(out)
    jsonschema.Draft4Validator(sarif_schema).validate(document)
    run_ = document["runs"][0]
    assert [rule["id"] for rule in run_["tool"]["driver"]["rules"]] == sorted({
        "aws-appflow-flow-configure-customer-managed-key",
        "aws-appflow-connectorprofile-configure-customer-managed-key",
        "aws-appflow-secretsmanager-secret-configure-customer-managed-key"})
    assert [result["level"] for result in run_["results"]] == ["error", "error", "error"]
    location = run_["results"][0]["locations"][0]
    assert location["logicalLocations"][0]["name"] == "accounts-to-s3"
    assert location["physicalLocation"]["region"]["startLine"] >= 1
    assert code == 1


def test_policies_command_prints_the_catalog(capsys):
    assert run(capsys, "policies", "--format", "markdown") == (0, catalog.markdown_table() + "\n")
    code, out = run(capsys, "policies", "--format", "json")
    assert [entry["name"] for entry in json.loads(out)] == [entry["name"] for entry in catalog.entries()]
    code, out = run(capsys, "policies")
    assert len(out.splitlines()) == len(catalog.entries())


CANARIES = {
    "url-password": "CanaryUrlPassw0rd",
    "url-token": "CanaryQueryToken9",
    "access-token": "CanaryAccessToken7",
    "client-secret": "CanaryClientSecret5",
    "refresh-token": "CanaryRefreshToken3",
    "custom-credential": "CanaryCustomCred1",
    "tag-email-local": "canarymail",
    "access-key": "AKIACANARYKEY12345",
}


@pytest.fixture(scope="module")
def canary_program(tmp_path_factory):
    directory = tmp_path_factory.mktemp("canaries")
    (directory / "Pulumi.yaml").write_text("name: canaries\nruntime: python\n")
    (directory / "__main__.py").write_text(textwrap.dedent(f"""\
        import pulumi_aws as aws

        aws.appflow.ConnectorProfile("zendesk", connector_type="Zendesk", connection_mode="Public",
            connector_profile_config={{
                "connector_profile_credentials": {{"zendesk": {{
                    "client_id": "client", "client_secret": "{CANARIES['client-secret']}",
                    "access_token": "{CANARIES['access-token']}"}}}},
                "connector_profile_properties": {{"zendesk": {{
                    "instance_url": "http://admin:{CANARIES['url-password']}@acme.zendesk.com/?token={CANARIES['url-token']}"}}}}}})
        aws.appflow.ConnectorProfile("custom", connector_type="CustomConnector", connection_mode="Public",
            connector_label="internal-api",
            connector_profile_config={{
                "connector_profile_credentials": {{"custom_connector": {{"authentication_type": "CUSTOM",
                    "custom": {{"custom_authentication_type": "hmac",
                                "credentials_map": {{"secret": "{CANARIES['custom-credential']}"}}}},
                    "oauth2": {{"refresh_token": "{CANARIES['refresh-token']}"}}}}}},
                "connector_profile_properties": {{"custom_connector": {{"profile_properties": {{
                    "base": "https://api.example.com/?api_key={CANARIES['url-token']}"}}}}}}}})
        aws.appflow.Flow("flow", description="runs as {CANARIES['access-key']}",
            tags={{"owner": "{CANARIES['tag-email-local']}@example.com"}},
            source_flow_config={{"connector_type": "Zendesk", "connector_profile_name": "zendesk",
                                 "source_connector_properties": {{"zendesk": {{"object": "tickets"}}}}}},
            destination_flow_configs=[{{"connector_type": "S3", "destination_connector_properties": {{
                "s3": {{"bucket_name": "landing"}}}}}}],
            tasks=[{{"task_type": "Map_all", "source_fields": []}}], trigger_config={{"trigger_type": "OnDemand"}})
    """))
    return str(directory)


@pytest.mark.parametrize("output_format", ["text", "json", "sarif"])
def test_planted_secrets_never_appear_in_any_output(capsys, canary_program, output_format):
    code, out = run(capsys, "check", canary_program, "--format", output_format)
    assert code == 1
    leaked = [name for name, canary in CANARIES.items() if canary in out]
    assert leaked == []
    assert "aws-appflow-connectorprofile-disallow-credentials-in-urls" in out
    assert "aws-appflow-disallow-sensitive-data-in-names-and-tags" in out
    assert "connectorProfileConfig.connectorProfileProperties.zendesk.instanceUrl" in out
