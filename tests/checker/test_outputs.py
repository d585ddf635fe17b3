"""The report formats: JSON contract, text like `pulumi preview`, SARIF that code scanning accepts,
Markdown for a pull request or a job summary, one self-contained HTML page with a heat map."""

import json
import os
import subprocess
import textwrap
from html.parser import HTMLParser

import jsonschema
import pytest
from markdown_it import MarkdownIt

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
    assert report["summary"] == {"resources": 13, "findings": 4, "mandatory": 4, "advisory": 0, "remediate": 0,
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
        "passed; 0 mandatory, 1 advisory, 0 remediated on 13 resources (preview)",
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


UNPROTECTED_BUCKET = [  # policy, resource, level, message: examples/unprotected-bucket in preview
    ("aws-appflow-s3-bucket-policy-enforce-source-account", "landing-policy", "mandatory",
     "statement AppFlowWrite grants appflow.amazonaws.com without an aws:SourceAccount or aws:SourceArn condition."),
    ("aws-appflow-s3-bucket-policy-enforce-source-account", "landing-policy", "mandatory",
     "statement AppFlowWrite grants appflow.amazonaws.com s3:*; list the actions AppFlow needs."),
    ("aws-appflow-s3-bucket-configure-sse-kms-customer-managed-key", "landing", "mandatory",
     "The bucket's default encryption uses AES256, not SSE-KMS with a customer managed key; AppFlow uses it "
     "(accounts-to-s3.destinationFlowConfigs[0].destinationConnectorProperties.s3.bucketName)."),
    ("aws-appflow-s3-bucket-enforce-tls-only", "landing", "mandatory",
     "No bucket policy denies requests with aws:SecureTransport false; AppFlow uses it "
     "(accounts-to-s3.destinationFlowConfigs[0].destinationConnectorProperties.s3.bucketName)."),
]
CREDENTIALS_URL = ("connectorProfileConfig.connectorProfileProperties.salesforce.instanceUrl "
                   "'http://acme.my.salesforce.com/services?access_token=***'")


class Page(HTMLParser):
    """The parts of an HTML page the tests read: tags with their attributes, and the text of each cell."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.rows: list[list[str]] = []
        self.texts: dict[str, list[str]] = {}
        self._open: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self.rows[-1].append("")
        self._open.append(tag)

    def handle_endtag(self, tag):
        while self._open and self._open.pop() != tag:
            pass

    def handle_data(self, data):
        if "td" in self._open or "th" in self._open:
            self.rows[-1][-1] += data
        if self._open:
            self.texts.setdefault(self._open[-1], []).append(data)


def markdown_tables(text: str) -> list[list[list[str]]]:
    """Each table of the Markdown as GitHub renders it (GFM tables): rows of cell texts."""
    page = Page(MarkdownIt("commonmark").enable("table").render(text))
    tables, current = [], None
    for row in page.rows:
        if current is None or len(row) != len(current[0]) or row == ["Policy", "Resource", "Level", "Message"]:
            current = []
            tables.append(current)
        current.append(row)
    return tables


def test_markdown_report_is_a_pull_request_comment(capsys):
    code, out = run(capsys, "check", os.path.join(EXAMPLES, "credentials-in-urls"), "--format", "markdown")
    assert code == 1
    lines = out.splitlines()
    assert lines[:8] == [
        "### ❌ appflow-guard: blocked (preview)",
        "",
        "blocked: mandatory policy violations; 3 mandatory, 0 advisory, 0 remediated on 13 resources (preview)",
        "",
        "| mandatory | advisory | remediated | resources | phase |",
        "|---:|---:|---:|---:|---|",
        "| 3 | 0 | 0 | 13 | preview |",
        ""]
    # As GitHub renders it: the masked URL's *** and _ stay literal, no cell is split or lost.
    counts, findings = markdown_tables(out)
    assert counts == [["mandatory", "advisory", "remediated", "resources", "phase"], ["3", "0", "0", "13", "preview"]]
    assert findings == [
        ["Policy", "Resource", "Level", "Message"],
        ["aws-appflow-connectorprofile-disallow-credentials-in-urls", "salesforce", "mandatory",
         f"{CREDENTIALS_URL} embeds user credentials (user:password@)."],
        ["aws-appflow-connectorprofile-disallow-credentials-in-urls", "salesforce", "mandatory",
         f"{CREDENTIALS_URL} carries credentials in its query (access_token)."],
        ["aws-appflow-connectorprofile-enforce-https-urls", "salesforce", "mandatory",
         f"{CREDENTIALS_URL} uses http://; use https://."]]
    details = out.split("<details>\n", 1)[1]
    assert details.startswith("<summary>Details: what each policy checks, how to fix it, the resources' URNs "
                              "(3 finding(s))</summary>\n")
    assert details.index("#### aws-appflow-connectorprofile-disallow-credentials-in-urls") < details.index(
        "#### aws-appflow-connectorprofile-enforce-https-urls")
    assert ("- mandatory: aws:appflow/connectorProfile:ConnectorProfile salesforce "
            "(urn:pulumi:dev::credentials-in-urls::aws:appflow/connectorProfile:ConnectorProfile::salesforce): "
            "connectorProfileConfig.connectorProfileProperties.salesforce.instanceUrl "
            "'http://acme.my.salesforce.com/services?access\\_token=\\*\\*\\*' uses http://; use https://.") in details
    assert "AppFlow connector profile URLs use https (JDBC URLs must not turn TLS off). Severity: high." in details
    assert details.rstrip().endswith("</details>\n\n<sub>appflow-guard@v0.1.0</sub>")
    assert "integration" not in out and "Winter" not in out  # the example's planted user and password


def test_markdown_report_of_a_passing_stack(capsys):
    code, out = run(capsys, "check", os.path.join(EXAMPLES, "compliant-salesforce-to-s3"), "--format", "markdown")
    assert code == 0
    assert out.splitlines()[0] == "### ✅ appflow-guard: passed (preview)"
    assert "\nNo findings.\n" in out and "<details>" not in out
    code, out = run(capsys, "check", os.path.join(EXAMPLES, "public-connection"), "--format", "markdown")
    assert code == 0
    assert out.splitlines()[0] == "### ⚠️ appflow-guard: passed (preview)"
    assert markdown_tables(out)[1][1][:3] == [
        "aws-appflow-connectorprofile-enforce-private-connection", "salesforce", "advisory"]


def test_markdown_escapes_what_would_change_the_table():
    from appflow_guard.checker.evaluate import Finding, Report
    from appflow_guard.checker.output import render_markdown

    report = Report("preview", "appflow-guard", "0.1.0", REPO_ROOT, resources=1, findings=[
        Finding("aws-appflow-flow-missing-tags", "advisory", "low", "aws:appflow/flow:Flow", "a|b<script>",
                "urn:x", "tags `owner` | *bold* [link](x) <b>&\nsecond line")])
    text = render_markdown(report)
    assert markdown_tables(text)[1][1] == [
        "aws-appflow-flow-missing-tags", "a|b<script>", "advisory", "tags `owner` | *bold* [link](x) <b>&second line"]
    assert "<script>" not in text and "<b>" not in text


def test_html_report_is_one_self_contained_page_with_the_heat_map(tmp_path, capsys):
    output = tmp_path / "report.html"
    code, out = run(capsys, "check", os.path.join(EXAMPLES, "unprotected-bucket"), "--format", "html",
                    "--output", str(output))
    assert (code, out) == (1, "")
    text = output.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>\n")
    page = Page(text)
    tags = [tag for tag, _ in page.tags]
    assert tags.count("svg") == 1 and "script" not in tags and "img" not in tags and "link" not in tags
    assert not [attrs for _, attrs in page.tags if "src" in attrs]  # nothing is loaded from elsewhere
    assert ("meta", {"http-equiv": "Content-Security-Policy",
                     "content": "default-src 'none'; style-src 'unsafe-inline'"}) in page.tags
    assert page.texts["h1"] == ["❌ appflow-guard: blocked (preview)"]
    assert page.texts["p"][0] == "blocked: mandatory policy violations; 4 mandatory, 0 advisory, 0 remediated " \
                                 "on 13 resources (preview)"
    alt = ("Heat map of findings per policy (rows) and resource (columns): preview: 4 finding(s), blocked "
           "(aws-appflow-s3-bucket-policy-enforce-source-account on landing-policy: 2 mandatory; "
           "aws-appflow-s3-bucket-configure-sse-kms-customer-managed-key on landing: 1 mandatory; "
           "aws-appflow-s3-bucket-enforce-tls-only on landing: 1 mandatory)")
    svg = next(attrs for tag, attrs in page.tags if tag == "svg")
    assert svg["role"] == "img" and svg["aria-label"] == alt
    assert page.texts["desc"] == [alt]
    assert page.texts["figcaption"] == ["Each coloured cell is a policy (row) that reports a resource (column): the "
                                        "number counts its findings, the colour is the most severe level."]
    # Rows are the policies (sorted, prefix dropped), columns the resources; a cell's colour is its worst level.
    assert [t for t in page.texts["text"] if t.startswith("s3-")] == [
        "s3-bucket-configure-sse-kms-customer-managed-key", "s3-bucket-enforce-tls-only",
        "s3-bucket-policy-enforce-source-account"]
    filled = [attrs["fill"] for tag, attrs in page.tags if tag == "rect" and attrs.get("width") == "44"]
    assert len(filled) == 3 * 2 and filled.count("#d7301f") == 3 and filled.count("#eeeeee") == 3
    assert page.texts["title"][2:] == [  # after the page's and the picture's titles: one per coloured cell
        "aws-appflow-s3-bucket-configure-sse-kms-customer-managed-key on landing: 1 mandatory",
        "aws-appflow-s3-bucket-enforce-tls-only on landing: 1 mandatory",
        "aws-appflow-s3-bucket-policy-enforce-source-account on landing-policy: 2 mandatory"]
    assert page.rows[2:] == [["Policy", "Resource", "Level", "Message"]] + [list(row) for row in UNPROTECTED_BUCKET]
    assert page.rows[:2] == [["mandatory", "advisory", "remediated", "resources", "phase"],
                             ["4", "0", "0", "13", "preview"]]
    assert ("li", {}) in page.tags and "urn:pulumi:dev::unprotected-bucket::aws:s3/bucket:Bucket::landing" in text
    assert "</tbody></table>\n<details>\n<summary>Details: what each policy checks" in text  # collapsed, after the table


def test_html_escapes_names_and_messages():
    from appflow_guard.checker.evaluate import Finding, Report
    from appflow_guard.checker.output import render_html

    report = Report("update", "appflow-guard", "0.1.0", REPO_ROOT, resources=1, findings=[
        Finding("aws-appflow-flow-missing-tags", "advisory", "low", "aws:appflow/flow:Flow",
                '"><script>alert(1)</script>', "urn:x", "<img src=x onerror=alert(1)>")])
    page = Page(render_html(report))
    assert [tag for tag, _ in page.tags if tag in ("script", "img")] == []
    assert page.rows[-1] == ["aws-appflow-flow-missing-tags", '"><script>alert(1)</script>', "advisory",
                             "<img src=x onerror=alert(1)>"]


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


@pytest.mark.parametrize("output_format", ["text", "json", "sarif", "markdown", "html"])
def test_planted_secrets_never_appear_in_any_output(capsys, canary_program, output_format):
    code, out = run(capsys, "check", canary_program, "--format", output_format)
    assert code == 1
    leaked = [name for name, canary in CANARIES.items() if canary in out]
    assert leaked == []
    assert "aws-appflow-connectorprofile-disallow-credentials-in-urls" in out
    assert "aws-appflow-disallow-sensitive-data-in-names-and-tags" in out
    assert "connectorProfileConfig.connectorProfileProperties.zendesk.instanceUrl" in out
