# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Guide 4: names, tags and free-form text
#
# The AWS page: "We strongly recommend that you never put confidential or sensitive information, such
# as your customers' email addresses, into tags or free-form text fields such as a Name field. [...]
# Any data that you enter into tags or free-form text fields used for names may be used for billing
# or diagnostic logs."
#
# Billing exports, Cost Explorer and CloudTrail events copy names, descriptions and
# tags to places with far wider access than the data itself. So the pack reads them on every AppFlow
# resource and every key, bucket, secret and IAM policy AppFlow uses: the logical resource name,
# `name`, `description`, `bucket`, `displayName` and similar fields, and every tag key and value.
#
# Two governance rules sit next to it, both **advisory**: a flow should have a description (what data
# it moves and why) and tags (`requiredTags` in the config lists the keys every flow must carry).
#
# This guide uses an example organisation's config: its customer numbers look like `CUST-12345678`
# (`extraPatterns`), and its shared mailbox `data-team@example.com` may appear in tags
# (`allowedValues`).

# %% tags=["parameters"]
# Parameters: `papermill -p NAME VALUE` overrides any of them.
program_dir = None     # None: this guide's own programs; a path: check your Pulumi program for this topic instead
phase = "preview"      # "preview" (computed values unknown, like `pulumi preview`) or "update" (like `pulumi up`)
strict = False         # True: config {"all": "mandatory"}, so advisory findings block too
config_path = None     # with program_dir: your policy-config.json (the file `pulumi policy enable --config` takes)
results_path = None    # a path: write the values this run recorded there, as JSON
repo_root = None       # None: the appflow-guard checkout around the working directory (papermill --cwd notebooks)

# %%
# The guide's helpers (appflow_guard.guides): the offline checker, the pack's catalog, temporary programs.
from appflow_guard.guides import Guide

assert phase in ("preview", "update"), f"phase must be 'preview' or 'update', not {phase!r}"
guide = Guide(program_dir, phase, strict, config_path, results_path, repo_root)

# %%
# The policies this guide is about, as the pack describes them (a renamed policy fails here).
TOPIC = [
    "aws-appflow-disallow-sensitive-data-in-names-and-tags",
    "aws-appflow-flow-missing-description",
    "aws-appflow-flow-missing-tags",
]
CONFIG = guide.config({
    "aws-appflow-disallow-sensitive-data-in-names-and-tags": {
        "extraPatterns": ["CUST-[0-9]{8}"],             # the CRM's customer numbers
        "allowedValues": ["data-team@example.com"],     # a shared team mailbox, not a person
    },
})
guide.describe(TOPIC, CONFIG)

# %% [markdown]
# ## 1. What counts as sensitive
#
# The pack is tuned for precision, so a policy that blocks deployments does not cry wolf: ARNs,
# UUIDs, host names, dates and ordinary identifiers pass. This cell asks the pack's own detector
# (`appflow_guard.core.sensitive.detect`, what the policy calls for every field) about a few
# values, with the default settings and with the organisation's. Only the masked form of a match is
# printed, as in the policy's messages.

# %%
import re

from appflow_guard.core.sensitive import detect

SAMPLES = {
    "a person's email": "jane.doe@example.com",
    "the team mailbox": "data-team@example.com",
    "an AWS access key ID": "AKIAIOSFODNN7EXAMPLE",
    "an API token": "q7Rk2LmX9vTz4NpW8sYc3HbD",
    "a test card number": "4111 1111 1111 1111",
    "a customer number": "CUST-00412345",
    "a KMS key ARN": "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    "a host name": "acme.my.salesforce.com",
    "a flow name": "salesforce-accounts-to-s3",
    "a date": "2026-03-31",
}
settings = CONFIG.get("aws-appflow-disallow-sensitive-data-in-names-and-tags", {})
org_patterns = [re.compile(pattern) for pattern in settings.get("extraPatterns", [])]
org_allowed = frozenset(settings.get("allowedValues", []))

def verdict(value, patterns=(), allowed=frozenset()):
    found = detect(value, patterns, allowed)
    return f"{found.kind} ({found.masked})" if found else "-"

DETECTIONS = {label: (verdict(value), verdict(value, org_patterns, org_allowed)) for label, value in SAMPLES.items()}
print(f"{'sample':22} {'default settings':38} with the organisation's config")
for label, (default, org) in DETECTIONS.items():
    print(f"{label:22} {default:38} {org}")

# %%
# The detector's verdicts this guide relies on.
assert DETECTIONS["a person's email"][0] == "an email address (j***@example.com)"
assert DETECTIONS["an AWS access key ID"][0] == "an AWS access key ID (AK***)"
assert DETECTIONS["a test card number"][0] == "a payment card number (****1111)"
assert DETECTIONS["an API token"][0] == "a secret-looking token (q7***)"
for harmless in ("a KMS key ARN", "a host name", "a flow name", "a date"):
    assert DETECTIONS[harmless] == ("-", "-"), harmless
if config_path is None:  # this guide's example config
    assert DETECTIONS["the team mailbox"] == ("an email address (d***@example.com)", "-")    # allowedValues
    assert DETECTIONS["a customer number"] == ("-", "a match for extraPatterns[0] (CU***)")  # extraPatterns

# %% [markdown]
# ## 2. What a team typically writes
#
# The flow is tagged with its owner's email and the customer it serves, the support mailbox is
# tagged too, the client secret's description records (helpfully) the access key it replaced, and
# the flow has no description.

# %%
before = guide.new_program("names-before")

# %%
# %%writefile {before}/__main__.py
import pulumi_aws as aws

from appflow_stack import (accounts_flow, audit_trail, customer_managed_key, landing_bucket, macie_coverage,
                           operator_policy, salesforce_profile)

key = customer_managed_key()
bucket = landing_bucket(key)

secret = aws.secretsmanager.Secret("salesforce-client", name="appflow!salesforce-client", kms_key_id=key.arn,
                                   description="Replaces the integration user's key AKIAIOSFODNN7EXAMPLE")
profile = salesforce_profile(key, secret)
accounts_flow(key, profile, bucket, description=None, tags={
    "team": "data-platform",
    "owner": "jane.doe@example.com",
    "support": "data-team@example.com",
    "customer": "CUST-00412345",
})
audit_trail()
macie_coverage([bucket.bucket])  # Amazon Macie watches what lands in the bucket (guide 7)
operator_policy()

# %%
report_before = guide.check(before if guide.teaching else program_dir, CONFIG)
guide.show(report_before, TOPIC)
guide.record("before", report_before)

# %% [markdown]
# Three mandatory findings and one advisory:
#
# - the `owner` tag holds a person's email; the message shows it masked (`j***@example.com`);
# - the `customer` tag matches the organisation's `extraPatterns`;
# - the secret's description holds an access key ID (`AK***`): a secret in a description is still a
#   secret, and revoking the key is part of the fix;
# - the flow has no description (advisory; blocking with `strict`).
#
# The `support` tag is not reported: `data-team@example.com` is in `allowedValues`.

# %%
if guide.teaching:
    assert guide.findings(report_before, TOPIC) == guide.expected(
        ("aws-appflow-disallow-sensitive-data-in-names-and-tags", "accounts-to-s3"),     # owner
        ("aws-appflow-disallow-sensitive-data-in-names-and-tags", "accounts-to-s3"),     # customer
        ("aws-appflow-disallow-sensitive-data-in-names-and-tags", "salesforce-client"),  # description
        ("aws-appflow-flow-missing-description", "accounts-to-s3"),
    ), guide.findings(report_before)
    assert guide.findings(report_before) == guide.findings(report_before, TOPIC), "only this guide's rules fire"
    text = guide.messages(report_before)
    assert "The tag 'owner' contains an email address (j***@example.com)" in text
    assert "The tag 'customer' contains a match for extraPatterns[0] (CU***)" in text
    assert "The description contains an AWS access key ID (AK***)" in text
    assert "'support'" not in text and "jane.doe" not in text and "AKIAIOSFODNN7EXAMPLE" not in text

# %% [markdown]
# ## 3. The fix
#
# Refer to people by team or role, and to customers by something that is not their identifier in
# another system:
#
# - `owner`: the team that answers for the flow (`data-platform`); who is on call lives in your
#   on-call tool, not in a tag;
# - `customer`: drop it, or use a classification that says what kind of data moves
#   (`data-classification: confidential`);
# - the secret's description says what the secret is for, and the old key is revoked;
# - the flow gets a description: what it moves, where to, and why.

# %%
after = guide.new_program("names-after")

# %%
# %%writefile {after}/__main__.py
import pulumi_aws as aws

from appflow_stack import (accounts_flow, audit_trail, customer_managed_key, landing_bucket, macie_coverage,
                           operator_policy, salesforce_profile)

key = customer_managed_key()
bucket = landing_bucket(key)

secret = aws.secretsmanager.Secret("salesforce-client", name="appflow!salesforce-client", kms_key_id=key.arn,
                                   description="Salesforce connected app client credentials")
profile = salesforce_profile(key, secret)
accounts_flow(key, profile, bucket, description="Copies Salesforce accounts to the landing bucket", tags={
    "team": "data-platform",
    "owner": "data-platform",
    "support": "data-team@example.com",
    "data-classification": "confidential",
})
audit_trail()
macie_coverage([bucket.bucket])  # Amazon Macie watches what lands in the bucket (guide 7)
operator_policy()

# %%
if guide.teaching:  # the fixed version of this guide's program (skipped when you check your own)
    report_after = guide.check(after, CONFIG)
    guide.show(report_after, TOPIC)
    guide.record("after", report_after)
    assert guide.findings(report_after) == [], guide.findings(report_after)

# %% [markdown]
# For your organisation, put identifiers that are sensitive for you (customer, patient, employee
# numbers) in `extraPatterns` and harmless values that look sensitive in `allowedValues`, in the
# config of `aws-appflow-disallow-sensitive-data-in-names-and-tags` (guide 6 shows how config is
# rolled out). The pack rejects an `extraPatterns` entry that is not a valid regular expression.

# %% [markdown]
# ## Run this guide against your own program
#
# ```bash
# .venv/bin/papermill notebooks/04-names-and-tags.ipynb out.ipynb -p program_dir /path/to/your/program
# .venv/bin/papermill notebooks/04-names-and-tags.ipynb out.ipynb -p program_dir /path/to/your/program \
#     -p config_path /path/to/policy-config.json -p strict True -p phase update
# ```
#
# With `program_dir` the guide checks your program (a folder with `Pulumi.yaml`), lists its findings
# for this topic and skips the claims that only hold for the guide's own programs.

# %%
guide.finish()  # writes what this run recorded to results_path, for the notebook tests
