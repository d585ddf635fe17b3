"""The sensitive-data detectors: each format in its whole documented shape, and nothing else.

The hand-labelled corpus (tests/data/sensitive_corpus.json) holds each format and the near misses
each detector must leave alone; tests/core/test_sensitive_corpora.py measures precision and recall
on real text.
"""

import json
import os
import time

import pytest

from appflow_guard.core.sensitive import detect
from appflow_guard.policies.general.disallow_sensitive_data_in_names_and_tags import POLICY
from conftest import REPO_ROOT
from harness import Spec, run_stack_policy

with open(os.path.join(REPO_ROOT, "tests", "data", "sensitive_corpus.json"), encoding="utf-8") as handle:
    CORPUS = json.load(handle)

GITHUB_TOKEN = "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"  # 36 base62 characters after the prefix
OPENAI_KEY = "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"


def rule_flags(value: str) -> bool:
    flow = Spec("aws:appflow/flow:Flow", "flow", {"kmsArn": "alias/appflow", "tags": {"note": value}})
    return bool(run_stack_policy(POLICY, [flow]))


def test_every_labelled_value_gets_its_verdict(record_property, capsys):
    missed = [value for value in CORPUS["sensitive"] if not rule_flags(value)]
    false = [value for value in CORPUS["harmless"] if rule_flags(value)]
    record_property("missed", len(missed))
    record_property("false_positives", len(false))
    with capsys.disabled():
        print(f"\nsensitive-data rule on {len(CORPUS['sensitive'])} sensitive and {len(CORPUS['harmless'])} "
              f"harmless hand-labelled strings: {len(missed)} missed, {len(false)} false findings")
    assert (missed, false) == ([], [])


@pytest.mark.parametrize("value,kind,masked", [
    ("jane@example.com", "an email address", "j***@example.com"),
    ("AKIAIOSFODNN7EXAMPLE", "an AWS access key ID", "AK***"),
    ("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "an AWS secret access key", "wJ***"),
    ("aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "an AWS secret access key", "wJ***"),
    (GITHUB_TOKEN, "a secret token", "gh***"),
    (OPENAI_KEY, "a secret token", "sk***"),
    ("-----BEGIN EC PRIVATE KEY-----", "a private key", "--***"),
    ("-----BEGIN PGP PRIVATE KEY BLOCK-----", "a private key", "--***"),
    ("Zx9Qw3ErTy7UiOp1AsDfGh5JkLz8XcVb", "a secret-looking token", "Zx***"),
    ("4111 1111 1111 1111", "a payment card number", "****1111"),
    ("+44 20 7946 0958", "a phone number", "***58"),
])
def test_each_detector_names_what_it_found_masked(value, kind, masked):
    assert detect(value) is not None
    assert (detect(value).kind, detect(value).masked) == (kind, masked)


@pytest.mark.parametrize("value", [
    # A vendor prefix inside a word is no token.
    "app-task-definition-1234567890", "zendesk-to-s3-daily-flow", "disk-image-import", "msk-broker-logs-0123456789",
    "ask-ghp-rotation-bot", "nightly-xoxb-alerts-channel-2026", "flask-session-cookie-signing-2026",
    # The right prefix, the wrong length or alphabet.
    "ghp_" + "a" * 35, "ghp_token-rotation-policy-for-ci", "glpat-A1b2A1b2A1b2A1b2A1b",
    "glpat-rotation-policy-for-ci-jobs-and-runners-v2", "sk-proj-rotation-policy", "sk-" + "a" * 48,
    "sk_live_shortkey", "AIza" + "a" * 34, "ya29.short", "xoxb-slack-bot-for-appflow-alerts",
    "AKIAIOSFODNN7EXAMPL", "AKIAIOSFODNN7EXAMPLE1", "akiaiosfodnn7example", "eyJhbGciOiJIUzI1NiJ9",
    "-----BEGIN PUBLIC KEY-----", "-----BEGIN CERTIFICATE-----",
])
def test_a_format_matches_only_its_whole_shape(value):
    assert detect(value) is None


@pytest.mark.parametrize("value", [
    "flask-" + OPENAI_KEY[3:], "x" + GITHUB_TOKEN, GITHUB_TOKEN[:-1], "taskAIza" + "SyDaGmWKa4JsXZ-HjGw7ISLn_3namBGewQe",
    "hexoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
])
def test_a_random_body_without_its_vendor_shape_is_at_most_secret_looking(value):
    """No vendor format matches; the random run itself is still reported, as the generic kind."""
    assert detect(value) is not None and detect(value).kind == "a secret-looking token"


@pytest.mark.parametrize("value", [
    "+14155550100", "+1 415 555 0100", "+1-415-555-0100", "+1 (415) 555-0100", "+1.415.555.0100",
    "(415) 555-0100", "(415)555-0100", "415-555-0100", "415.555.0100", "1-415-555-0100",
    "+44 20 7946 0958", "+442079460958", "+44 (0)20 7946 0958", "020 7946 0958", "07700 900123", "0161 496 0000",
    "+49 30 12345678", "030 12345678", "0151 23456789", "+33 1 23 45 67 89", "01 23 45 67 89", "(02) 9876 5432",
    "+61 2 9876 5432", "03-1234-5678", "+81 3-1234-5678", "+91 98765 43210", "+55 11 91234-5678",
    "owner: +1 415 555 0100", "phone=415-555-0100", "Call (415) 555-0100 if the export fails",
])
def test_phone_numbers_in_national_and_international_forms(value):
    assert detect(value) is not None
    assert detect(value).kind == "a phone number"
    assert detect(value).masked == "***" + "".join(filter(str.isdigit, value))[-2:]


@pytest.mark.parametrize("value", [
    "2026-11-26", "2026/11/26", "26.11.2026", "2026-11-26 10:15:00", "2026-11-26T10:15:00.123+01:00",
    "1.2.3", "v10.0.19041.1", "1.0.0+20130313144700", "2.4.1-rc.1+build.20261126", "build 20261126.1234",
    "build-1234567890", "release-2026.11.1", "arn:aws:iam::123456789012:role/AppFlow", "123456789012",
    "account 123456789012", "7c9e6679-7425-40de-944b-e07fc1f90ae7", "10.0.0.0/16", "172.16.254.1",
    "192.168.100.200", "10.20.30.40:8443", "port 8080", "ports 443 8443 9443", "1700000000", "1700000000123",
    "20261126101500", "0123456789", "123-456-7890", "415-555-01000", "4155550100", "2415-555-0100",
    "v415.555.0100", "app-415-555-0100", "415-555.0100", "+0800", "UTC+01:00", "GMT+8", "1e+10", "c++17",
    "256 512 1024", "memory 512 256 1024 MiB",
    "01-02-2026", "01 02 2026", "03-2026-0001", "0 8 15", "call-center-0800",
])
def test_dates_versions_ids_addresses_and_numbers_are_no_phone_numbers(value):
    assert detect(value) is None


@pytest.mark.parametrize("number", [
    "4111111111111111", "4012888888881881", "4222222222222", "5555555555554444", "2223003122003222",
    "378282246310005", "371449635398431", "6011111111111117", "6011000990139424", "3530111333300000",
    "3566002020360505", "30569309025904", "38520000023237", "6200000000000005", "6759649826438453",
])
def test_card_numbers_of_the_major_brands_bare_and_grouped(number):
    groups = [number[:4], number[4:10], number[10:]] if len(number) in (14, 15) else \
        [number[index:index + 4] for index in range(0, len(number), 4)]
    for shown in (number, " ".join(groups), "-".join(groups), f"card {number} on file"):
        assert detect(shown) is not None and detect(shown).kind == "a payment card number", shown
        assert detect(shown).masked == f"****{number[-4:]}"


@pytest.mark.parametrize("value", [
    "4111111111111112",  # fails Luhn
    "1234567812345670",  # passes Luhn, no issuer starts with 1
    "9111111111111111", "8000000000000000000",
    "41111111111111111",  # 17 digits: Visa issues 13, 16 and 19
    "4111 1111 1111 1111 1111 11", "4111-1111 1111-1111",
    "2026-1126-1015-0000", "order 100000000001", "id 41111111111111110",
])
def test_numbers_that_are_not_card_numbers(value):
    assert detect(value) is None or detect(value).kind != "a payment card number"


def test_masked_renderings_never_carry_the_value():
    for value in CORPUS["sensitive"]:
        detection = detect(value)
        assert detection is not None, value
        assert detection.masked not in value or detection.kind == "an email address"
        if detection.kind == "an email address":
            local = value.split("@")[0].split()[-1]
            assert detection.masked.startswith(local[0] + "***@") and local not in detection.masked
        else:
            assert len(detection.masked) <= 8


@pytest.mark.parametrize("unit", [
    "a", "aB3", "a@", "a.", "4", "4 ", "0-", "+1 ", "+1", "(415) ", "415-", "020 ", "eyJ", "eyJa.", "ghp_", "sk-",
    "glpat-", "xoxb-1-", "AIza", "ya29.", "AKIA", "-----BEGIN ", "T3BlbkFJ", "a/", "Ab1/", "aB3+",
])
def test_long_hostile_values_are_scanned_in_bounded_time(unit):
    """100 KB made of one pattern's prefix: every pattern scans it once, not once per position (quadratic
    scanning took minutes at this size; linear takes well under a second)."""
    value = unit * (100_000 // len(unit))
    started = time.monotonic()
    detect(value)
    assert time.monotonic() - started < 10
