"""Precision and recall of the sensitive-data rule on real text (scripts/sensitive-corpus/).

Negative: names, descriptions, labels and tags from the example code of the installed, pinned
pulumi-aws, pulumi-aws-native and pulumi-gcp SDKs (at least 5,000 distinct values of that public
text alone), plus every AppFlow connector type combined with that corpus's common words: no finding
at all. Positive: seeded, realistic sensitive values in their real shapes, bare
and in settings: recall of at least 0.98. Both are built here, at test time; nothing is committed.
"""

import importlib.util
import os
import sys

import pytest

from appflow_guard.core.sensitive import detect
from appflow_guard.policies.general.disallow_sensitive_data_in_names_and_tags import POLICY
from conftest import REPO_ROOT
from harness import Spec, run_stack_policy

SCRIPTS = os.path.join(REPO_ROOT, "scripts", "sensitive-corpus")
SHOWN = 20  # offenders listed in a failure message


def load(name):
    spec = importlib.util.spec_from_file_location(f"sensitive_corpus_{name}", os.path.join(SCRIPTS, f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


negative_corpus = load("negative_corpus")
positive_corpus = load("positive_corpus")

# Written from the SDKs' documentation (aws-native's ConnectorType enums, pulumi-aws's connector_type
# "Valid values"), not from the script's output.
CONNECTOR_TYPES = {"Amplitude", "CustomConnector", "CustomerProfiles", "Datadog", "Dynatrace", "EventBridge",
                   "Googleanalytics", "Honeycode", "Infornexus", "LookoutMetrics", "Marketo", "Pardot", "Redshift",
                   "S3", "SAPOData", "Salesforce", "Servicenow", "Singular", "Slack", "Snowflake", "Trendmicro",
                   "Upsolver", "Veeva", "Zendesk"}
# What each kind of positive must be reported as.
EXPECTED_KINDS = {
    "email": {"an email address"}, "phone": {"a phone number"}, "card": {"a payment card number"},
    "token": {"a secret token"}, "jwt": {"a secret token"}, "aws-access-key": {"an AWS access key ID"},
    "aws-secret-key": {"an AWS secret access key"}, "private-key": {"a private key"},
}


@pytest.fixture(scope="module")
def negatives():
    return negative_corpus.build()


@pytest.fixture(scope="module")
def positives():
    return positive_corpus.build()


def rule_findings(values):
    """The policy's messages when every value is a tag of one flow (tag keys t00000, t00001, ...)."""
    tags = {f"t{index:05d}": value for index, value in enumerate(values)}
    flow = Spec("aws:appflow/flow:Flow", "flow", {"kmsArn": "alias/appflow", "tags": tags})
    return [violation.message for violation in run_stack_policy(POLICY, [flow])]


def test_the_negative_corpus_is_real_text_of_every_connector_type(negatives):
    sources = negatives.by_source()
    assert len(negatives.from_sdk()) >= 5000  # public SDK text alone, the connector names not counted
    assert len(negatives.from_sdk()) == sum(sources[package] for package in negative_corpus.SDK_PACKAGES)
    assert set(sources) == {"pulumi_aws", "pulumi_aws_native", "pulumi_gcp", "connectors"}
    assert set(negatives.connectors) == CONNECTOR_TYPES
    assert len(negatives.words) == negative_corpus.CONNECTOR_WORDS
    for connector in CONNECTOR_TYPES:
        for name in ("{}-to-s3-daily-flow", "{}-task-definition", "{}-task-execution-role"):
            assert negatives.values[name.format(connector.lower())] == "connectors"
    # The names the rule used to block: "sk-" inside "task-", "disk-", "msk-".
    for name in ("daemon-task-execution-role", "disk-image-import", "kinesis-firehose-msk-broker-logs-stream"):
        assert negatives.values[name] != "connectors"
    # GCP's display names, labels (its tags) and network tags are read too.
    assert negatives.values["Example Notification Channel"].startswith("pulumi_gcp/")
    assert negatives.values["auto-expiring-bucket"].startswith("pulumi_gcp/storage/")
    assert negatives.values["prod-label"] == "pulumi_gcp/bigtable/instance.py:540:tag value"  # labels={...}
    assert negatives.values["newFeature"] == "pulumi_gcp/cloudbuild/trigger.py:1140:tag"  # tags=[...]


def test_no_finding_on_the_negative_corpus(negatives, record_property, capsys):
    offenders = [(origin, value, detection) for value, origin in negatives.values.items()
                 if (detection := detect(value))]
    sources = negatives.by_source()
    record_property("negative_values", len(negatives.values))
    record_property("negative_values_from_sdks", len(negatives.from_sdk()))
    record_property("false_positives", len(offenders))
    with capsys.disabled():
        print(f"\nsensitive-data rule on {len(negatives.values)} harmless values: {len(negatives.from_sdk())} from the "
              "SDKs' examples (" + ", ".join(f"{package} {sources[package]}" for package in negative_corpus.SDK_PACKAGES)
              + f"), {sources['connectors']} connector names: {len(offenders)} findings")
    assert not offenders, f"{len(offenders)} false findings, the first: " + "; ".join(
        f"{origin}: {value!r} -> {detection.kind} ({detection.masked})" for origin, value, detection in offenders[:SHOWN])


def test_the_policy_reports_nothing_on_the_negative_corpus(negatives):
    assert rule_findings(list(negatives.values)) == []


def test_left_out_values_are_still_in_the_sdk_text_and_are_sensitive(negatives):
    """An exclusion is a sensitive value the SDK holds: it must still be found, and detected."""
    assert set(negatives.excluded) == set(negative_corpus.EXCLUDED)
    assert [value for value in negatives.excluded if detect(value) is None] == []


def test_recall_on_the_positive_corpus(positives, record_property, capsys):
    missed = [positive for positive in positives if detect(positive.value) is None]
    recall = 1 - len(missed) / len(positives)
    record_property("positive_values", len(positives))
    record_property("recall", recall)
    with capsys.disabled():
        print(f"\nsensitive-data rule on {len(positives)} sensitive values: recall {recall:.4f} "
              f"({len(missed)} missed)")
    assert len(positives) >= 500
    assert recall >= 0.98, f"recall {recall:.4f}; missed: " + "; ".join(
        f"{positive.category}: {positive.value!r}" for positive in missed[:SHOWN])


def test_each_positive_is_reported_as_what_it_is(positives):
    categories = {positive.category for positive in positives}
    assert categories == set(EXPECTED_KINDS)
    wrong = [(positive.category, positive.value, detection.kind) for positive in positives
             if (detection := detect(positive.value)) and detection.kind not in EXPECTED_KINDS[positive.category]]
    assert wrong == []


def test_masked_renderings_of_the_positive_corpus_never_carry_the_value(positives):
    for positive in positives:
        detection = detect(positive.value)
        if detection is None:
            continue
        if positive.category == "email":
            local, domain = positive.sensitive.split("@")
            assert detection.masked == f"{local[0]}***@{domain}", positive.value
        elif positive.category == "card":
            assert detection.masked == "****" + "".join(filter(str.isdigit, positive.sensitive))[-4:]
        elif positive.category == "phone":
            assert detection.masked == "***" + "".join(filter(str.isdigit, positive.sensitive))[-2:]
        else:
            assert len(detection.masked) == 5 and detection.masked.endswith("***"), positive.value
        assert positive.sensitive not in detection.masked


def test_the_policy_reports_the_positive_corpus_masked(positives):
    values = [positive.value for positive in positives]
    messages = rule_findings(values)
    detected = [index for index, value in enumerate(values) if detect(value)]
    assert [message.split("'")[1] for message in messages] == [f"t{index:05d}" for index in detected]
    leaked = [positive.value for positive in positives for message in messages if positive.sensitive in message]
    assert leaked == []
