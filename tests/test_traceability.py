"""Every sentence of the AWS page has the rules that enforce it, or one reason why no rule can."""

import json
import os
import tomllib
from fnmatch import fnmatch
from pathlib import Path
from types import SimpleNamespace

import pytest

from appflow_guard import catalog, traceability
from appflow_guard.pack import RULE_MODULES
from conftest import REPO_ROOT

PAGE = traceability.page_text()
SENTENCES = traceability.sentences()
ROWS = {row.sentence.text: row for row in traceability.rows()}

def reference_seed() -> Path | None:
    """The project's seed, in a shared/seed folder beside the checkout or one of its parents."""
    for folder in Path(REPO_ROOT).resolve().parents:
        candidate = folder / "shared" / "seed" / "appflow-data-protection.txt"
        if candidate.is_file():
            return candidate
    return None


def test_the_packaged_page_is_the_projects_seed():
    seed = reference_seed()
    if seed is None:
        pytest.skip("no shared/seed/appflow-data-protection.txt beside this checkout")
    assert PAGE.encode("utf-8") == seed.read_bytes()


def test_the_page_ships_in_the_wheel():
    with open(os.path.join(REPO_ROOT, "pyproject.toml"), "rb") as handle:
        package_data = tomllib.load(handle)["tool"]["setuptools"]["package-data"]["appflow_guard"]
    assert any(fnmatch(traceability.PAGE, pattern) for pattern in package_data)


def test_the_page_is_headings_sentences_and_code_and_nothing_is_lost():
    blocks = traceability.blocks(PAGE)
    assert [text for kind, text in blocks if kind == "heading"] == [
        "Data protection in Amazon AppFlow - Amazon AppFlow", "Data protection in Amazon AppFlow",
        "Encryption at Rest", "Encryption in Transit", "Key Management", "Connection credentials"]
    code = [text for kind, text in blocks if kind == "code"]
    assert len(code) == 1 and code[0].startswith('{ "Sid": "SecretsManagerCreateSecretAccess"')
    pieces = []
    for kind, text in blocks:
        pieces += [text] if kind != "prose" else [s.text for s in traceability.sentences(text)]
    assert "".join("".join(pieces).split()) == "".join(PAGE.replace(traceability.BULLET, "").split())


def test_sentences_are_cut_where_the_page_ends_them():
    texts = [sentence.text for sentence in SENTENCES]
    assert len(texts) == 39
    assert texts[:2] == ["The AWS shared responsibility model applies to data protection in Amazon AppFlow.",
                         "As described in this model, AWS is responsible for protecting the global infrastructure "
                         "that runs all of the AWS Cloud."]
    bullet = texts.index("Use SSL/TLS to communicate with AWS resources.")
    assert texts[bullet + 1] == "We require TLS 1.2 and recommend TLS 1.3."
    assert texts[-1] == "The AmazonAppFlowFullAccess policy includes these permissions."
    assert [sentence.number for sentence in SENTENCES] == list(range(1, 40))
    by_text = {sentence.text: sentence for sentence in SENTENCES}
    assert by_text["When you delete a connection, all its metadata is permanently deleted."].section == \
        "Encryption at Rest"
    assert by_text["Use multi-factor authentication (MFA) with each account."].section == \
        "Data protection in Amazon AppFlow"


def test_the_sentences_that_ask_something():
    """Written from the page by the rule in the module docstring: asking words or an imperative main clause."""
    assert [sentence.number for sentence in SENTENCES if sentence.asks] == [
        7, 9, 10, 11, 12, 13, 14, 15, 16, 18, 21, 34, 38]


@pytest.mark.parametrize("sentence,asks", [
    ("Enable rotation on every key.", True),
    ("To create a flow, grant appflow:CreateFlow.", True),
    ("If you need it, set up a trail.", True),
    ("Teams should tag flows.", True),
    ("When you delete a connection, all its metadata is permanently deleted.", False),
    ("When you configure a flow, you can choose either key.", False),
    ("For more information, see the FAQ.", False),
    ("Amazon AppFlow uses TLS.", False),
])
def test_asking_is_saying_so_or_an_imperative(sentence, asks):
    assert traceability.asks(sentence) is asks


@pytest.mark.parametrize("module", RULE_MODULES, ids=lambda module: module.POLICY.name)
def test_every_enforces_entry_is_a_verbatim_sentence_of_the_page(module):
    assert isinstance(module.ENFORCES, tuple)
    assert traceability.unknown_sentences(module.ENFORCES) == []
    assert all(sentence in PAGE for sentence in module.ENFORCES)
    assert len(set(module.ENFORCES)) == len(module.ENFORCES)


def test_every_reason_is_for_a_sentence_of_the_page_and_every_reason_is_used():
    assert traceability.unknown_sentences(traceability.SENTENCE_REASONS) == []
    assert set(traceability.SENTENCE_REASONS.values()) == set(traceability.REASONS)


@pytest.mark.parametrize("sentence", [sentence.text for sentence in SENTENCES],
                         ids=[f"sentence-{sentence.number}" for sentence in SENTENCES])
def test_every_sentence_has_rules_or_a_reason(sentence):
    assert traceability.problems([ROWS[sentence]]) == []


def test_the_rules_on_some_sentences():
    """Written from the rules' documented behaviour."""
    assert ROWS["Set up API and user activity logging with AWS CloudTrail."].rules == (
        "aws-appflow-stack-enable-cloudtrail",)
    assert ROWS["We require TLS 1.2 and recommend TLS 1.3."].rules == (
        "aws-appflow-s3-bucket-enforce-tls-only", "aws-appflow-provider-enforce-tls")
    assert ROWS["When you configure a flow, you can choose either an AWS managed CMK or a customer managed CMK."].rules \
        == ("aws-appflow-flow-configure-customer-managed-key", "aws-appflow-flow-remediate-customer-managed-key")
    assert ROWS["When you delete a connection, all its metadata is permanently deleted."].reason == "aws-behaviour"


def test_rules_beyond_the_page_are_the_governance_rules():
    assert traceability.rules_beyond_the_page() == [
        "aws-appflow-flow-missing-description", "aws-appflow-flow-missing-tags",
        "aws-appflow-flow-configure-allowed-trigger-types"]


SYNTHETIC_PAGE = "A page\n\nUse a key. AWS deletes old data. See the FAQ.\n\n  \u2022 Set up logging."


def synthetic_rule(name: str, *enforces: str) -> SimpleNamespace:
    return SimpleNamespace(ENFORCES=enforces, POLICY=SimpleNamespace(name=name))


def test_a_sentence_with_neither_rules_nor_a_reason_is_a_problem():
    rows = traceability.rows([synthetic_rule("rule-a", "Use a key.")],
                             {"AWS deletes old data.": "aws-behaviour", "See the FAQ.": "further-reading"},
                             page=SYNTHETIC_PAGE)
    assert [(row.sentence.text, row.rules, row.reason) for row in rows] == [
        ("Use a key.", ("rule-a",), None), ("AWS deletes old data.", (), "aws-behaviour"),
        ("See the FAQ.", (), "further-reading"), ("Set up logging.", (), None)]
    assert traceability.problems(rows) == ["sentence 4 (Set up logging....) has neither a rule nor a reason"]


def test_rules_and_a_reason_together_or_a_statement_reason_on_a_request_are_problems():
    rows = traceability.rows([synthetic_rule("rule-a", "Use a key.", "AWS deletes old data.")],
                             {"AWS deletes old data.": "aws-behaviour", "See the FAQ.": "further-reading",
                              "Set up logging.": "aws-behaviour"}, page=SYNTHETIC_PAGE)
    assert traceability.problems(rows) == [
        "sentence 2 (AWS deletes old data....) has rules and a reason: keep one",
        "sentence 4 (Set up logging....) asks something, but its reason 'aws-behaviour' only fits statements"]


def test_a_rule_claiming_text_that_is_not_a_sentence_of_the_page_is_caught():
    assert traceability.unknown_sentences(["Use a key", "Use a key."], page=SYNTHETIC_PAGE) == ["Use a key"]


def test_the_verdict_corpus_cites_only_sentences_its_rules_enforce():
    """tests/verdicts/expected.json was written from the page before ENFORCES existed: each finding's cited
    sentences are in its rule's ENFORCES, and a finding citing none comes from a rule beyond the page."""
    with open(os.path.join(REPO_ROOT, "tests", "verdicts", "expected.json"), encoding="utf-8") as handle:
        corpus = json.load(handle)
    cited = {key: [sentence.text for sentence in traceability.sentences(text)]
             for key, text in corpus["seedSentences"].items()}
    assert traceability.unknown_sentences(sentence for texts in cited.values() for sentence in texts) == []
    enforces = {module.POLICY.name: module.ENFORCES for module in RULE_MODULES}
    findings = [finding for program in corpus["programs"].values() for phase in ("preview", "update")
                for finding in program[phase]["findings"]]
    assert findings
    for finding in findings:
        if finding["seed"] is None:
            assert enforces[finding["policy"]] == (), finding
        else:
            assert set(cited[finding["seed"]]) <= set(enforces[finding["policy"]]), finding


def test_catalog_entries_name_the_sentences_each_policy_enforces():
    assert [entry["enforces"] for entry in catalog.entries()] == [list(module.ENFORCES) for module in RULE_MODULES]


def test_readme_traceability_table_is_generated():
    with open(os.path.join(REPO_ROOT, "README.md"), encoding="utf-8") as handle:
        readme = handle.read()
    assert traceability.render_readme_section() in readme, "README is stale: run `make readme-table`"
