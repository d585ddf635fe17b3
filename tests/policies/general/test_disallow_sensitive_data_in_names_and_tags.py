"""aws-appflow-disallow-sensitive-data-in-names-and-tags: no confidential data where logs copy it."""

import json

import pytest

from harness import UNKNOWN, Spec, find, run_stack_policy
from stacks import BUCKET, KEY, KEY_ARN, SECRET, compliant_stack, urn

from appflow_guard.policies.general.disallow_sensitive_data_in_names_and_tags import POLICY

FLOW = urn("aws:appflow/flow:Flow", "accounts-to-s3")
SUFFIX = "names, descriptions and tags may be copied into billing and diagnostic logs."
EMAIL = "jane.doe@example.com"
ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE"
TOKEN = "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"  # GitHub's shape: 36 base62 characters after the prefix
PHONE = "+44 20 7946 0958"
CARD = "4111 1111 1111 1111"


def findings(specs, config=None):
    return [(v.message, v.urn) for v in run_stack_policy(POLICY, specs, config)]


def with_props(resource, phase="update", /, **props):
    specs = compliant_stack(phase)
    find(specs, resource).props.update(props)
    return specs


def assert_not_leaked(result, *raw_values):
    assert not [message for message, _ in result for raw in raw_values if raw in message]


@pytest.mark.parametrize("phase", ["preview", "update"])
def test_compliant_stack_passes(phase):
    assert findings(compliant_stack(phase)) == []


@pytest.mark.parametrize("phase", ["preview", "update"])
def test_email_in_a_tag_value_is_reported_masked(phase):
    result = findings(with_props("accounts-to-s3", phase, tags={"team": "data-platform", "owner": EMAIL}))
    assert result == [(f"The tag 'owner' contains an email address (j***@example.com); {SUFFIX}", FLOW)]
    assert_not_leaked(result, EMAIL, "jane.doe")


def test_access_key_in_a_description_is_reported_masked():
    result = findings(with_props("accounts-to-s3", description=f"Uses {ACCESS_KEY} for the export"))
    assert result == [(f"The description contains an AWS access key ID (AK***); {SUFFIX}", FLOW)]
    assert_not_leaked(result, ACCESS_KEY)


def test_token_in_a_secret_description_is_reported_masked():
    result = findings(with_props("salesforce-client", description=f"token {TOKEN}"))
    assert result == [(f"The description contains a secret token (gh***); {SUFFIX}", SECRET)]
    assert_not_leaked(result, TOKEN)


def test_phone_number_in_a_tag_shows_only_the_last_two_digits():
    result = findings(with_props("accounts-to-s3", tags={"team": "data-platform", "oncall": f"flow for {PHONE}"}))
    assert result == [(f"The tag 'oncall' contains a phone number (***58); {SUFFIX}", FLOW)]
    assert_not_leaked(result, PHONE, "7946 0958", "79460958")


def test_card_number_in_a_key_description_shows_only_the_last_digits():
    result = findings(with_props("appflow-key", description=f"Test card {CARD}"))
    assert result == [(f"The description contains a payment card number (****1111); {SUFFIX}", KEY)]
    assert_not_leaked(result, CARD, CARD.replace(" ", ""))


def test_sensitive_tag_key_is_masked_in_every_message():
    result = findings(with_props("landing", tags={EMAIL: EMAIL}))
    assert result == [(f"The tag key contains an email address (j***@example.com); {SUFFIX}", BUCKET),
                      (f"The tag 'j***@example.com' contains an email address (j***@example.com); {SUFFIX}", BUCKET)]
    assert_not_leaked(result, EMAIL)


def test_sensitive_logical_name_is_reported():
    specs = compliant_stack("update")
    find(specs, "appflow-operator").name = f"operator-{ACCESS_KEY}"
    assert findings(specs) == [(f"The resource name contains an AWS access key ID (AK***); {SUFFIX}",
                                urn("aws:iam/policy:Policy", f"operator-{ACCESS_KEY}"))]


@pytest.mark.parametrize("value", [KEY_ARN, "1234abcd-12ab-34cd-56ef-1234567890ab", "salesforce.example.com",
                                   "2024-01-31", "SalesforceAccountsToS3LandingBucketDaily"])
def test_ordinary_identifiers_are_not_flagged(value):
    assert findings(with_props("accounts-to-s3", description=value, tags={"ref": value})) == []


@pytest.mark.parametrize("name", ["app-task-definition-1234567890", "daemon-task-execution-role",
                                  "zendesk-to-s3-daily-flow", "disk-image-import", "msk-broker-logs"])
def test_a_token_prefix_inside_a_word_is_not_reported(name):
    """"sk-" inside "task-", "zendesk-", "disk-", "msk-" is no OpenAI key."""
    specs = with_props("accounts-to-s3", description=f"Runs {name}", tags={"app": name})
    find(specs, "appflow-operator").name = name
    assert findings(specs) == []


def test_resources_outside_appflow_scope_are_ignored():
    topic = Spec("aws:sns/topic:Topic", "alerts", {"name": "alerts", "tags": {"owner": EMAIL}})
    unrelated_key = Spec("aws:kms/key:Key", "unrelated", {"description": f"Owner {EMAIL}"})
    assert findings(compliant_stack("update") + [topic, unrelated_key]) == []


def test_iam_policy_that_grants_appflow_is_in_scope():
    result = findings(with_props("appflow-operator", description=f"Ask {EMAIL}"))
    assert result == [(f"The description contains an email address (j***@example.com); {SUFFIX}",
                       urn("aws:iam/policy:Policy", "appflow-operator"))]


def test_iam_policy_without_appflow_actions_is_out_of_scope():
    policy = json.dumps({"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]})
    other = Spec("aws:iam/policy:Policy", "reader", {"description": f"Ask {EMAIL}", "policy": policy})
    assert findings(compliant_stack("update") + [other]) == []


def test_allowed_values_are_not_reported():
    specs = with_props("accounts-to-s3", tags={"owner": "data-team@example.com"})
    assert findings(specs, {"allowedValues": ["data-team@example.com"]}) == []


def test_allowed_values_must_match_exactly():
    specs = with_props("accounts-to-s3", tags={"owner": "data-team@example.com"})
    assert findings(specs, {"allowedValues": ["data-team"]}) == [
        (f"The tag 'owner' contains an email address (d***@example.com); {SUFFIX}", FLOW)]


def test_extra_patterns_add_organisation_identifiers():
    specs = with_props("accounts-to-s3", tags={"customer": "CUST-482913"})
    assert findings(specs) == []
    result = findings(specs, {"extraPatterns": [r"ACCT-\d{8}", r"CUST-\d{6}"]})
    assert result == [(f"The tag 'customer' contains a match for extraPatterns[1] (CU***); {SUFFIX}", FLOW)]
    assert_not_leaked(result, "CUST-482913")


def test_invalid_extra_pattern_is_invalid_config():
    result = findings(compliant_stack("update"), {"extraPatterns": [r"CUST-\d+", "(unclosed"]})
    assert len(result) == 1
    message, violation_urn = result[0]
    assert message.startswith("Invalid policy config: extraPatterns[1] is not a valid regular expression (")
    assert message.endswith(").")
    assert violation_urn is None


@pytest.mark.parametrize("config, key", [({"extraPatterns": "CUST-.*"}, "extraPatterns"),
                                         ({"allowedValues": [EMAIL, None]}, "allowedValues")])
def test_config_lists_that_are_not_lists_of_strings_are_invalid_config(config, key):
    assert findings(compliant_stack("update"), config) == [
        (f"Invalid policy config: {key} must be a list of strings.", None)]


@pytest.mark.parametrize("props", [{"name": UNKNOWN}, {"description": UNKNOWN}, {"tags": UNKNOWN},
                                   {"tags": {"owner": UNKNOWN}}])
def test_unknown_values_are_deferred(props):
    assert findings(with_props("accounts-to-s3", "preview", **props)) == []


@pytest.mark.parametrize("props", [{"tags": [EMAIL]}, {"tags": EMAIL}, {"description": 42}, {"name": [EMAIL]},
                                   {"tags": {"owner": None, "id": 42, "list": [EMAIL]}}, {"tags": None}])
def test_mistyped_fields_return_normally_without_findings(props):
    assert findings(with_props("accounts-to-s3", **props)) == []
