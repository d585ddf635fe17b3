"""The guides in notebooks/ run under papermill and keep their claims.

Each guide asserts its claims in its own cells; a failing claim fails the test with the cell and
the message. The kernel imports this checkout's appflow_guard (PYTHONPATH), whatever is installed. Each guide runs twice: with its default parameters and with a parameter set that
changes what it shows. The tests then read back the values the guide recorded (``results_path``).
The committed notebooks must be stored clean: nbformat 4, no outputs, a ``parameters`` cell first.
"""

from __future__ import annotations

import ast
import json
import os
import re
import sys
from pathlib import Path

import jupytext
import nbformat
import papermill
import pytest
from papermill.exceptions import PapermillExecutionError

pytestmark = pytest.mark.notebooks

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"
EXAMPLES = REPO / "examples"
GUIDES = sorted(path.stem for path in NOTEBOOKS.glob("*.ipynb"))
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")

FLOW_CMK = "aws-appflow-flow-configure-customer-managed-key"
PROFILE_CMK = "aws-appflow-connectorprofile-configure-customer-managed-key"
ROTATION = "aws-appflow-kms-key-enable-rotation"
KEY_POLICY = "aws-appflow-kms-key-disallow-wildcard-principal"
EXTERNAL = "aws-appflow-stack-verify-external-references"
SSE_KMS = "aws-appflow-s3-bucket-configure-sse-kms-customer-managed-key"
TLS_ONLY = "aws-appflow-s3-bucket-enforce-tls-only"
SOURCE_ACCOUNT = "aws-appflow-s3-bucket-policy-enforce-source-account"
PRIVATE = "aws-appflow-connectorprofile-enforce-private-connection"
CREDENTIALS = "aws-appflow-connectorprofile-disallow-credentials-in-urls"
HTTPS = "aws-appflow-connectorprofile-enforce-https-urls"
PROVIDER_TLS = "aws-appflow-provider-enforce-tls"
SENSITIVE = "aws-appflow-disallow-sensitive-data-in-names-and-tags"
DESCRIPTION = "aws-appflow-flow-missing-description"
SECRET_CMK = "aws-appflow-secretsmanager-secret-configure-customer-managed-key"
IAM = "aws-appflow-iam-policy-enforce-secretsmanager-conditions"
CLOUDTRAIL = "aws-appflow-stack-enable-cloudtrail"
FIPS = "aws-appflow-provider-enable-fips-endpoint"


@pytest.fixture
def run_guide(tmp_path, monkeypatch):
    """Execute a guide with papermill (cwd notebooks/, Jupyter's folders in tmp_path); return
    (recorded results, executed notebook). A failing cell fails the test with its source and message."""
    for variable in ("JUPYTER_RUNTIME_DIR", "JUPYTER_DATA_DIR", "JUPYTER_CONFIG_DIR", "IPYTHONDIR"):
        folder = tmp_path / "jupyter" / variable.lower()
        folder.mkdir(parents=True)
        monkeypatch.setenv(variable, str(folder))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(REPO / "policy-pack"),
                                                                   os.environ.get("PYTHONPATH")])))

    def run(name: str, **parameters):
        results = tmp_path / f"{name}.results.json"
        output = tmp_path / f"{name}.ipynb"
        try:
            papermill.execute_notebook(
                str(NOTEBOOKS / f"{name}.ipynb"), str(output),
                parameters={**parameters, "results_path": str(results)},
                kernel_name="python3", cwd=str(NOTEBOOKS), progress_bar=False, request_save_on_cell_execute=False)
        except PapermillExecutionError as error:
            traceback = ANSI.sub("", "\n".join(error.traceback))
            pytest.fail(f"{name}.ipynb with {parameters or 'default parameters'}: cell In [{error.exec_count}] "
                        f"raised {error.ename}: {error.evalue}\n\n--- cell ---\n{error.source}\n\n"
                        f"--- traceback ---\n{traceback}", pytrace=False)
        return json.loads(results.read_text()), nbformat.read(output, as_version=4)

    return run


def triples(recorded: dict) -> list[tuple[str, str, str]]:
    return sorted((f["policy"], f["resourceName"], f["enforcementLevel"]) for f in recorded["findings"])


def printed(notebook) -> str:
    """Everything the executed notebook shows: streams, displayed text and HTML, and errors."""
    parts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            parts.append(output.get("text", ""))
            parts.append(str(output.get("data", {}).get("text/plain", "")))
            parts.append(str(output.get("data", {}).get("text/html", "")))
            parts.append(output.get("evalue", ""))
    return "\n".join(parts)


def assert_ran_here(results: dict) -> None:
    """The kernel papermill started is this interpreter's environment (the .venv), not another Python."""
    assert results["python"] == sys.prefix


# The slowest guides first, so `pytest -n 2` does not end waiting on one of them.

# --- 6: rolling out -----------------------------------------------------------------------------


def _png_outputs(notebook) -> list:
    return [output for cell in notebook.cells for output in cell.get("outputs", [])
            if "image/png" in output.get("data", {})]


def _html_tables(notebook) -> list[str]:
    return [str(output["data"]["text/html"]) for cell in notebook.cells for output in cell.get("outputs", [])
            if "text/html" in output.get("data", {})]


def test_06_rollout_default(run_guide):
    results, notebook = run_guide("06-rolling-out")
    assert len(results["before"]["findings"]) == 10 and results["before"]["blocked"] is True
    assert results["after"]["findings"] == []
    chart = results["chart"]
    assert chart["panels"] == ["before: 10 finding(s), blocked", "after the fixes: 0 finding(s), not blocked"]
    assert chart["cells"][chart["panels"][0]][f"{IAM} | appflow-operator"] == 4
    assert chart["png_bytes"] > 1000 and len(_png_outputs(notebook)) == 1
    assert _png_outputs(notebook)[0]["metadata"]["image/png"]["alt"] == chart["alt"]
    assert _png_outputs(notebook)[0]["data"]["text/html"].endswith(f'alt="{chart["alt"]}">')  # what nbconvert shows
    assert chart["alt"].startswith("Heat map of findings per policy (rows) and resource (columns): before: 10 "
                                   f"finding(s), blocked ({IAM} on appflow-operator: 4 mandatory; ")
    assert chart["alt"].endswith("on landing: 1 mandatory); after the fixes: 0 finding(s), not blocked")
    exempted = results["exemptions"]
    assert exempted["counts"].get(TLS_ONLY) is None and exempted["counts"][SSE_KMS] == 1
    assert any(f["message"].endswith("(The exemption for 'land*' expired on 2025-01-31.)") for f in exempted["findings"])
    assert triples(results["remediation"]) == [
        ("aws-appflow-flow-remediate-customer-managed-key", "accounts-to-s3", "remediate"),
        ("aws-appflow-kms-key-remediate-rotation", "appflow-key", "remediate")]
    assert results["remediation"]["blocked"] is False


def test_06_rollout_on_your_program_with_your_config(run_guide):
    remediation = EXAMPLES / "remediation"
    results, notebook = run_guide("06-rolling-out", program_dir=str(remediation),
                                  config_path=str(remediation / "policy-config.json"))
    assert results["before"]["levels"] == {"remediate": 2} and results["before"]["blocked"] is False
    assert results["chart"]["panels"] == ["your program: 2 finding(s), not blocked"]
    assert len(_png_outputs(notebook)) == 1
    assert "exemptions" not in results and "remediation" not in results and results["after"] is None


# --- 2: S3 destinations -------------------------------------------------------------------------


def test_02_buckets_default_preview(run_guide):
    results, _ = run_guide("02-s3-destinations")
    assert results["before"]["counts"] == {SOURCE_ACCOUNT: 2, SSE_KMS: 3, TLS_ONLY: 2}
    assert {f["resourceName"] for f in results["before"]["findings"] if f["policy"] == SSE_KMS} == {
        "landing", "staging", "flow-errors"}
    assert results["before"]["blocked"] is True
    assert results["after"]["findings"] == []


def test_02_buckets_update_sees_the_policy_computed_from_the_arn(run_guide):
    results, _ = run_guide("02-s3-destinations", phase="update")
    assert results["phase"] == "update"
    assert results["before"]["counts"] == {SOURCE_ACCOUNT: 3, SSE_KMS: 3, TLS_ONLY: 3}
    assert (SOURCE_ACCOUNT, "flow-errors-policy", "mandatory") in triples(results["before"])
    assert (TLS_ONLY, "flow-errors", "mandatory") in triples(results["before"])
    assert results["after"]["findings"] == []


# --- 3: connections in transit ------------------------------------------------------------------

PLANTED = ("Winter2026!", "00D5g000004Example", "integration:")


def _assert_no_planted_secret(results_text: str, notebook) -> None:
    shown = printed(notebook)
    for planted in PLANTED:
        assert planted not in results_text
        assert planted not in shown


def test_03_transit_default(run_guide, tmp_path):
    results, notebook = run_guide("03-connections-in-transit")
    assert triples(results["before"]) == sorted([
        (PRIVATE, "salesforce", "advisory"), (CREDENTIALS, "salesforce", "mandatory"),
        (CREDENTIALS, "salesforce", "mandatory"), (HTTPS, "salesforce", "mandatory"),
        (PROVIDER_TLS, "salesforce", "mandatory")])
    assert results["before"]["levels"] == {"advisory": 1, "mandatory": 4}
    assert "'http://acme.my.salesforce.com/services?access_token=***'" in printed(notebook)
    # In Jupyter the findings are an HTML table: one row per finding of the guide's topic.
    table = _html_tables(notebook)[0]
    assert table.startswith("<p><strong>5 finding(s): 1 advisory, 4 mandatory. The preview would be BLOCKED."
                            "</strong></p><table>")
    assert table.count("<tr>") == 1 + 5 and '<td style="text-align: left"><code>aws-appflow-provider-enforce-tls</code></td>' in table
    _assert_no_planted_secret((tmp_path / "03-connections-in-transit.results.json").read_text(), notebook)
    assert results["after"]["findings"] == []


def test_03_transit_strict_makes_the_public_connection_block(run_guide, tmp_path):
    results, notebook = run_guide("03-connections-in-transit", strict=True)
    assert results["before"]["levels"] == {"mandatory": 5}
    assert (PRIVATE, "salesforce", "mandatory") in triples(results["before"])
    _assert_no_planted_secret((tmp_path / "03-connections-in-transit.results.json").read_text(), notebook)
    assert results["after"]["findings"] == []


# --- 5: secrets, IAM and audit ------------------------------------------------------------------


def test_05_secrets_default(run_guide):
    results, _ = run_guide("05-secrets-iam-audit")
    assert results["before"]["counts"] == {IAM: 4, FIPS: 2, SECRET_CMK: 1, CLOUDTRAIL: 1}
    assert (CLOUDTRAIL, "secrets-before-dev", "advisory") in triples(results["before"])
    assert results["after"]["findings"] == []


def test_05_secrets_on_the_iam_example(run_guide):
    """The guide's example organisation requires FIPS, so the example's default provider is reported too."""
    results, _ = run_guide("05-secrets-iam-audit", program_dir=str(EXAMPLES / "iam-unscoped-secrets"))
    assert results["before"]["counts"] == {IAM: 4, FIPS: 2}
    assert results["before"]["blocked"] is True
    assert results["after"] is None


# --- 1: customer managed keys -------------------------------------------------------------------


def test_01_keys_default(run_guide):
    results, _ = run_guide("01-customer-managed-keys")
    assert_ran_here(results)
    assert results["before"]["blocked"] is True
    assert triples(results["before"]) == sorted([
        (FLOW_CMK, "accounts-to-s3", "mandatory"), (PROFILE_CMK, "salesforce", "mandatory"),
        (ROTATION, "appflow-key", "mandatory"), (KEY_POLICY, "appflow-key", "mandatory")])
    assert results["after"] == {"blocked": False, "counts": {}, "findings": [], "levels": {}}


def test_01_keys_strict_on_a_cross_account_example(run_guide):
    """A key from another account is advisory by default; strict makes it block."""
    results, _ = run_guide("01-customer-managed-keys", program_dir=str(EXAMPLES / "cross-account-key"), strict=True)
    assert results["teaching"] is False and results["strict"] is True
    assert triples(results["before"]) == [(EXTERNAL, "accounts-to-s3", "mandatory")]
    assert results["before"]["blocked"] is True
    assert results["after"] is None


# --- 4: names and tags --------------------------------------------------------------------------


def test_04_names_default(run_guide):
    results, notebook = run_guide("04-names-and-tags")
    assert triples(results["before"]) == sorted([
        (SENSITIVE, "accounts-to-s3", "mandatory"), (SENSITIVE, "accounts-to-s3", "mandatory"),
        (SENSITIVE, "salesforce-client", "mandatory"), (DESCRIPTION, "accounts-to-s3", "advisory")])
    messages = " ".join(f["message"] for f in results["before"]["findings"])
    assert "extraPatterns[0] (CU***)" in messages and "'support'" not in messages
    assert "jane.doe@example.com" not in printed(notebook)
    assert results["after"]["findings"] == []


def test_04_names_on_the_sensitive_tags_example(run_guide):
    results, _ = run_guide("04-names-and-tags", program_dir=str(EXAMPLES / "sensitive-tags"))
    assert results["teaching"] is False
    assert triples(results["before"]) == [(SENSITIVE, "accounts-to-s3", "mandatory")] * 2
    assert results["after"] is None


# --- 7: account-level protections --------------------------------------------------------------


def test_07_account_default(run_guide):
    """Written from the rules' documented behaviour: MFA and least privilege are advisory, Macie too;
    a bucket whose defaults the program turns off is mandatory, once for Block Public Access and once
    for the ACL that ObjectWriter ownership lets grant the public."""
    results, notebook = run_guide("07-account-protections")
    assert triples(results["before"]) == [
        ("aws-appflow-iam-policy-disallow-full-access", "analyst-appflow", "advisory"),
        ("aws-appflow-iam-policy-disallow-full-access", "flow-runner-appflow", "advisory"),
        ("aws-appflow-iam-user-enforce-mfa", "analyst", "advisory"),
        ("aws-appflow-s3-bucket-enable-macie", "landing", "advisory"),
        ("aws-appflow-s3-bucket-enforce-default-security-controls", "landing", "mandatory"),
        ("aws-appflow-s3-bucket-enforce-default-security-controls", "landing", "mandatory"),
    ]
    assert results["before"]["blocked"] is True
    assert results["after"]["findings"] == [] and results["after"]["blocked"] is False
    assert "IAM Identity Center" in printed(notebook)


def test_07_account_on_the_iam_example_in_update(run_guide):
    """On your program the guide lists every finding the pack gives, as the example's expected.json says."""
    example = EXAMPLES / "iam-unscoped-secrets"
    results, _ = run_guide("07-account-protections", program_dir=str(example), phase="update")
    expected = json.loads((example / "expected.json").read_text())["update"]
    assert results["teaching"] is False and results["phase"] == "update"
    assert triples(results["before"]) == sorted(
        (f["policy"], f["resourceName"], f["enforcementLevel"]) for f in expected["findings"])
    assert results["before"]["blocked"] is (expected["exitCode"] == 1)
    assert results["after"] is None


# --- stored clean -------------------------------------------------------------------------------


def test_the_seven_guides_exist():
    assert GUIDES == ["01-customer-managed-keys", "02-s3-destinations", "03-connections-in-transit",
                      "04-names-and-tags", "05-secrets-iam-audit", "06-rolling-out", "07-account-protections"]


@pytest.mark.parametrize("name", GUIDES)
def test_committed_notebook_is_clean_nbformat4_with_parameters_first(name):
    notebook = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=nbformat.NO_CONVERT)
    nbformat.validate(notebook)
    assert notebook.nbformat == 4
    assert notebook.metadata["kernelspec"]["name"] == "python3"
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    for cell in code:
        assert cell.outputs == [], f"{name}: a code cell is stored with outputs:\n{cell.source[:200]}"
        assert cell.execution_count is None, f"{name}: a code cell is stored with an execution count"
    assert "parameters" in code[0].metadata.get("tags", [])
    assigned = {target.id for statement in ast.parse(code[0].source).body if isinstance(statement, ast.Assign)
                for target in statement.targets if isinstance(target, ast.Name)}
    assert {"program_dir", "phase", "strict", "results_path", "repo_root"} <= assigned
    assert not any("parameters" in cell.metadata.get("tags", []) for cell in code[1:])


SETUP = ["from appflow_guard.guides import Guide",
         "assert phase in (\"preview\", \"update\"), f\"phase must be 'preview' or 'update', not {phase!r}\"",
         "guide = Guide(program_dir, phase, strict, config_path, results_path, repo_root)"]


@pytest.mark.parametrize("name", GUIDES)
def test_guide_cells_hold_what_a_reader_writes(name):
    """One import and one setup line; the plumbing lives in appflow_guard.guides, not in the guide."""
    notebook = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    code = [cell.source for cell in notebook.cells if cell.cell_type == "code"]
    setup = [line for line in code[1].splitlines() if line.strip() and not line.startswith("#")]
    assert setup == SETUP
    for source in code[2:]:
        if source.startswith("%%writefile"):
            continue  # the program being taught
        tree = ast.parse(source)
        imported = [alias.name if isinstance(node, ast.Import) else node.module or ""
                    for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom)) for alias in node.names]
        plumbing = ("appflow_guard.checker", "matplotlib", "IPython", "sys", "shutil", "tempfile", "textwrap")
        assert [module for module in imported if module.startswith(plumbing)] == [], source
        assert "sys.path" not in source and "check_program" not in source, source
        assert not [node for node in ast.walk(tree) if isinstance(node, ast.ClassDef)], source


def _cells(notebook) -> list[tuple[str, str, list]]:
    return [(cell.cell_type, cell.source, cell.metadata.get("tags", [])) for cell in notebook.cells]


@pytest.mark.parametrize("name", GUIDES)
def test_the_text_form_of_each_guide_has_the_same_cells(name):
    """notebooks/NAME.py (jupytext percent, what reviews read) and NAME.ipynb (what papermill runs) are paired."""
    notebook = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    assert notebook.metadata["jupytext"]["formats"] == "ipynb,py:percent"
    text = (NOTEBOOKS / f"{name}.py").read_text(encoding="utf-8")
    assert "\n# %% tags=[\"parameters\"]\n" in text
    assert _cells(jupytext.reads(text, fmt="py:percent")) == _cells(notebook), (
        f"notebooks/{name}.py and .ipynb differ: edit the .py, then run `make guides-sync`")


def test_every_text_form_has_its_notebook():
    assert sorted(path.stem for path in NOTEBOOKS.glob("*.py")) == GUIDES


def test_readme_lists_every_guide_and_how_to_run_one_on_your_program():
    readme = (REPO / "README.md").read_text()
    section = readme.split("## Guides", 1)[1].split("\n## ", 1)[0]
    for name in GUIDES:
        assert f"notebooks/{name}.ipynb" in section
    assert "papermill notebooks/01-customer-managed-keys.ipynb out.ipynb -p program_dir" in section


def test_a_failing_claim_fails_with_the_cell_and_message(run_guide):
    with pytest.raises(pytest.fail.Exception) as failure:
        run_guide("01-customer-managed-keys", phase="deploy")
    message = str(failure.value)
    assert "raised AssertionError: phase must be 'preview' or 'update', not 'deploy'" in message
    assert 'assert phase in ("preview", "update")' in message  # the cell's source
