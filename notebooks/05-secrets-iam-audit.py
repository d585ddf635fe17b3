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
# # Guide 5: secrets, IAM and audit
#
# Four things around the data, all from the AWS page:
#
# - **Secrets.** "Amazon AppFlow stores the encrypted credentials that are used to connect to flow
#   source and destination applications in your AWS Secrets Manager account. These credentials
#   include OAuth tokens, Application and API keys, and passwords." Secrets you create for AppFlow
#   (the client credentials of a Salesforce connected app, for example) belong under the same
#   customer managed key as the connection: `kms_key_id=key.arn`. Without it Secrets Manager uses
#   the AWS managed key `aws/secretsmanager`.
# - **IAM.** To create a connection, users need `secretsmanager:CreateSecret` and
#   `secretsmanager:PutResourcePolicy`, because AppFlow creates the secret with the caller's
#   permissions. The page's policy scopes both: secret names must match `appflow!*`, the request
#   must come through AppFlow (`aws:CalledVia`), and only secrets whose owning service is AppFlow may
#   get a resource policy. (In the copy of the page in this repository the `aws:CalledVia` list reads
#   `[""]`; the service AppFlow calls through is `appflow.amazonaws.com`, and that is what the rule
#   looks for.) Without those conditions, the same policy lets its holders create and share any
#   secret in the account.
# - **Audit.** "Set up API and user activity logging with AWS CloudTrail." Advisory by default,
#   because many accounts already have an organisation trail; name it in `organizationTrail` and the
#   rule is satisfied.
# - **FIPS.** "If you require FIPS 140-2 validated cryptographic modules when accessing AWS through a
#   command line interface or an API, use a FIPS endpoint." The rule is off until an organisation
#   sets `required: true`, as this guide's example organisation does. FIPS endpoints exist in some
#   regions only; check AppFlow's in yours.

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
    "aws-appflow-secretsmanager-secret-configure-customer-managed-key",
    "aws-appflow-iam-policy-enforce-secretsmanager-conditions",
    "aws-appflow-stack-enable-cloudtrail",
    "aws-appflow-provider-enable-fips-endpoint",
]
CONFIG = guide.config({
    "aws-appflow-provider-enable-fips-endpoint": {"required": True},   # this organisation runs FIPS workloads
})
guide.describe(TOPIC, CONFIG)

# %% [markdown]
# ## 1. What a team typically writes
#
# A secret without a key, an operator policy that grants the two Secrets Manager actions on `*`
# because the console asked for them, no trail, and the default provider.

# %%
before = guide.new_program("secrets-before")

# %%
# %%writefile {before}/__main__.py
import json

import pulumi_aws as aws

from appflow_stack import (accounts_flow, audit_trail, customer_managed_key, landing_bucket, macie_coverage,
                           salesforce_profile)

key = customer_managed_key()
bucket = landing_bucket(key)

secret = aws.secretsmanager.Secret("salesforce-client", name="appflow!salesforce-client",
                                   description="Salesforce connected app client credentials")
profile = salesforce_profile(key, secret)
accounts_flow(key, profile, bucket)
macie_coverage([bucket.bucket])  # Amazon Macie watches what lands in the bucket (guide 7)

aws.iam.Policy("appflow-operator", name="appflow-operator", description="Runs AppFlow flows", policy=json.dumps({
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "AppFlow", "Effect": "Allow", "Resource": "arn:aws:appflow:*:*:flow/salesforce-accounts-to-s3",
         "Action": ["appflow:DescribeFlow", "appflow:DescribeFlowExecutionRecords", "appflow:StartFlow", "appflow:StopFlow"]},
        {"Sid": "AppFlowSecrets", "Effect": "Allow",
         "Action": ["secretsmanager:CreateSecret", "secretsmanager:PutResourcePolicy"], "Resource": "*"},
    ]}))

# %%
report_before = guide.check(before if guide.teaching else program_dir, CONFIG)
guide.show(report_before, TOPIC)
guide.record("before", report_before)

# %% [markdown]
# - the secret falls back to `aws/secretsmanager`;
# - the IAM statement misses all four conditions of the page's policy: one finding each;
# - FIPS: the connection and the flow are deployed through the default AWS provider (named
#   `default_<version>`), which does not set `useFipsEndpoint`;
# - CloudTrail: a finding about the whole stack names the `pulumi:pulumi:Stack` resource
#   (`<project>-<stack>`). Advisory, so on its own it would not block; with `strict` it does.

# %%
if guide.teaching:
    assert guide.findings(report_before, TOPIC) == guide.expected(
        ("aws-appflow-secretsmanager-secret-configure-customer-managed-key", "salesforce-client"),
        *[("aws-appflow-iam-policy-enforce-secretsmanager-conditions", "appflow-operator")] * 4,
        ("aws-appflow-provider-enable-fips-endpoint", "salesforce"),
        ("aws-appflow-provider-enable-fips-endpoint", "accounts-to-s3"),
        ("aws-appflow-stack-enable-cloudtrail", "secrets-before-dev"),
    ), guide.findings(report_before)
    assert guide.findings(report_before) == guide.findings(report_before, TOPIC), "only this guide's rules fire"
    text = guide.messages(report_before)
    assert "uses the AWS managed key aws/secretsmanager" in text
    assert "without limiting secretsmanager:Name to 'appflow!*'" in text
    assert "(owningService condition missing)" in text
    assert text.count("without aws:CalledVia appflow.amazonaws.com") == 2
    assert "does not set useFipsEndpoint=true" in text

# %% [markdown]
# ## 2. The fix
#
# - `kms_key_id=key.arn` on the secret;
# - the page's two statements, with their conditions, in the operator policy;
# - a multi-region trail with log file validation (`audit_trail()` of the shared builders), or
#   `organizationTrail` in the config when the organisation's trail covers the account;
# - FIPS for the default provider in the stack's config, `Pulumi.dev.yaml` (for an explicit
#   `aws.Provider`, pass `use_fips_endpoint=True`).

# %%
after = guide.new_program("secrets-after")

# %%
# %%writefile {after}/__main__.py
import json

import pulumi_aws as aws

from appflow_stack import (accounts_flow, audit_trail, customer_managed_key, landing_bucket, macie_coverage,
                           salesforce_profile)

key = customer_managed_key()
bucket = landing_bucket(key)

secret = aws.secretsmanager.Secret("salesforce-client", name="appflow!salesforce-client", kms_key_id=key.arn,
                                   description="Salesforce connected app client credentials")
profile = salesforce_profile(key, secret)
accounts_flow(key, profile, bucket)
audit_trail()
macie_coverage([bucket.bucket])  # Amazon Macie watches what lands in the bucket (guide 7)

called_via_appflow = {"aws:CalledVia": ["appflow.amazonaws.com"]}
aws.iam.Policy("appflow-operator", name="appflow-operator", description="Runs AppFlow flows", policy=json.dumps({
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "AppFlow", "Effect": "Allow", "Resource": "arn:aws:appflow:*:*:flow/salesforce-accounts-to-s3",
         "Action": ["appflow:DescribeFlow", "appflow:DescribeFlowExecutionRecords", "appflow:StartFlow", "appflow:StopFlow"]},
        {"Sid": "SecretsManagerCreateSecretAccess", "Effect": "Allow",
         "Action": "secretsmanager:CreateSecret", "Resource": "*",
         "Condition": {"StringLike": {"secretsmanager:Name": "appflow!*"},
                       "ForAnyValue:StringEquals": called_via_appflow}},
        {"Sid": "SecretsManagerPutResourcePolicyAccess", "Effect": "Allow",
         "Action": ["secretsmanager:PutResourcePolicy"], "Resource": "*",
         "Condition": {"ForAnyValue:StringEquals": called_via_appflow,
                       "StringEqualsIgnoreCase": {
                           "secretsmanager:ResourceTag/aws:secretsmanager:owningService": "appflow"}}},
    ]}))

# %%
# %%writefile {after}/Pulumi.dev.yaml
config:
  aws:region: us-east-1
  aws:useFipsEndpoint: true

# %%
if guide.teaching:  # the fixed version of this guide's program (skipped when you check your own)
    report_after = guide.check(after, CONFIG)
    guide.show(report_after, TOPIC)
    guide.record("after", report_after)
    assert guide.findings(report_after) == [], guide.findings(report_after)

# %% [markdown]
# Note `ForAnyValue:StringEquals` for `aws:CalledVia`: a request made directly (not through AppFlow)
# has no `aws:CalledVia` at all, and `ForAllValues` would match it. The rule does not accept
# `ForAllValues` for that reason.

# %% [markdown]
# ## Run this guide against your own program
#
# ```bash
# .venv/bin/papermill notebooks/05-secrets-iam-audit.ipynb out.ipynb -p program_dir /path/to/your/program
# .venv/bin/papermill notebooks/05-secrets-iam-audit.ipynb out.ipynb -p program_dir /path/to/your/program \
#     -p config_path /path/to/policy-config.json -p strict True -p phase update
# ```
#
# With `program_dir` the guide checks your program (a folder with `Pulumi.yaml`), lists its findings
# for this topic and skips the claims that only hold for the guide's own programs.

# %%
guide.finish()  # writes what this run recorded to results_path, for the notebook tests
