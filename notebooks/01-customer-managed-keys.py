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
# # Guide 1: customer managed keys for connections and flows
#
# AppFlow encrypts two things with a KMS key that you choose:
#
# - **the connection** (`aws.appflow.ConnectorProfile`): the tokens, user names and passwords it needs
#   to reach Salesforce, SAP or Snowflake. In the words of the AWS page, AppFlow "securely stores your
#   connection data, encrypting it using AWS Key Management Service (AWS KMS) customer master keys (CMK)
#   and then storing it in AWS Secrets Manager";
# - **the flow** (`aws.appflow.Flow`): while a flow runs, "Amazon AppFlow stores data temporarily in an
#   intermediate S3 bucket and encrypts it using this key".
#
# For both, you can pick an AWS managed key (`alias/aws/appflow`, the console's default) or a key
# you own. The page is clear about which: "We recommend that you use a customer managed CMK, as it puts
# you in full control over your encrypted data." With an AWS managed key you cannot change who may use
# the key, cannot disable it to cut off access to the data, and cannot schedule its deletion. With your
# own key you can, and the key policy becomes the place where you say exactly who uses it.
#
# This guide starts from what a team typically writes, shows what the pack reports, and fixes it.
# Run it top to bottom; the first code cell holds the parameters.

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
    "aws-appflow-flow-configure-customer-managed-key",
    "aws-appflow-connectorprofile-configure-customer-managed-key",
    "aws-appflow-kms-key-enable-rotation",
    "aws-appflow-kms-key-disallow-wildcard-principal",
    "aws-appflow-stack-verify-external-references",
]
CONFIG = guide.config({})
guide.describe(TOPIC, CONFIG)

# %% [markdown]
# ## 1. What a team typically writes
#
# The console preselects `aws/appflow`, so programs written from a console walkthrough say
# `kms_arn="alias/aws/appflow"` on the flow, or leave `kms_arn` out of the connection, which means
# the same thing. This team did create a key, for its landing bucket, but left automatic rotation
# off and copied a key policy statement for AppFlow without its condition.
#
# Every program in these guides is a real Pulumi program (pulumi-aws) in a temporary folder. To keep
# them short, the folder gets a copy of `examples/shared/appflow_stack.py`, whose builders create
# the compliant parts of a Salesforce-to-S3 stack (bucket, secret, trail, IAM policy); the
# resources this guide is about are written out, or called with the keyword that breaks them
# (`kms_arn=` of the builders is the `kms_arn` argument of `aws.appflow.ConnectorProfile` and
# `aws.appflow.Flow`).

# %%
before = guide.new_program("keys-before")

# %%
# %%writefile {before}/__main__.py
import json

import pulumi_aws as aws

from appflow_stack import (account_id, accounts_flow, audit_trail, macie_coverage, client_secret, landing_bucket,
                           operator_policy, salesforce_profile)


def key_policy(account):
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "AccountAdministration", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
         "Action": "kms:*", "Resource": "*"},
        # Lets AppFlow use the key on behalf of any AWS account.
        {"Sid": "AppFlowUse", "Effect": "Allow", "Principal": {"Service": "appflow.amazonaws.com"},
         "Action": ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey*", "kms:DescribeKey"], "Resource": "*"},
    ]})


# No enable_key_rotation: the same key material for as long as the key exists.
key = aws.kms.Key("appflow-key", description="Landing bucket encryption",
                  policy=account_id().apply(key_policy))

bucket = landing_bucket(key)
secret = client_secret(key)
profile = salesforce_profile(key, secret, kms_arn=None)                    # kms_arn left out
flow = accounts_flow(key, profile, bucket, kms_arn="alias/aws/appflow")    # the console's default
audit_trail()
macie_coverage([bucket.bucket])  # Amazon Macie watches what lands in the bucket (guide 7)
operator_policy()

# %% [markdown]
# Check it with the offline checker, from the pack's own package: it runs the program under
# Pulumi's mocks (no AWS account needed) and starts the pack the way `pulumi preview --policy-pack`
# does. With `program_dir` set, this cell checks your program instead.
#
# `guide` (from `appflow_guard.guides`, created in the setup cell) is the same in every guide:
# `guide.check` runs the checker, `guide.show` lists the findings of this guide's topic under the
# verdict (an HTML table in Jupyter), `guide.record` keeps what the run showed, and
# `guide.findings` / `guide.expected` give the (policy, resource, level) triples the assertions compare.

# %%
report_before = guide.check(before if guide.teaching else program_dir, CONFIG)
guide.show(report_before, TOPIC)
guide.record("before", report_before)

# %% [markdown]
# Four mandatory findings, so `pulumi preview` fails and `pulumi up` stops before creating anything:
#
# - **the flow**: `alias/aws/appflow` is recognised as an AWS managed key, whatever form it takes
#   (alias, alias ARN);
# - **the connection**: no `kms_arn` means AppFlow encrypts the credentials with the AWS managed key;
# - **rotation**: the key protects AppFlow data (the landing bucket and the client secret), so it
#   must rotate. `enable_key_rotation=True` makes KMS rotate the key material every year, while
#   old ciphertext stays readable;
# - **the key policy**: AppFlow may use the key "on behalf of" any account that names it. An
#   `aws:SourceAccount` condition limits that to your account (the confused-deputy protection AWS
#   recommends for service principals).

# %%
if guide.teaching:
    assert guide.findings(report_before, TOPIC) == guide.expected(
        ("aws-appflow-flow-configure-customer-managed-key", "accounts-to-s3"),
        ("aws-appflow-connectorprofile-configure-customer-managed-key", "salesforce"),
        ("aws-appflow-kms-key-enable-rotation", "appflow-key"),
        ("aws-appflow-kms-key-disallow-wildcard-principal", "appflow-key"),
    ), guide.findings(report_before)
    assert guide.findings(report_before) == guide.findings(report_before, TOPIC), "only this guide's rules fire"
    assert report_before.blocked
    assert "kmsArn 'alias/aws/appflow' is an AWS managed key" in guide.messages(report_before)
    assert "without an aws:SourceAccount or aws:SourceArn condition" in guide.messages(report_before)

# %% [markdown]
# ## 2. The fix
#
# One customer managed key for the whole integration:
#
# - `enable_key_rotation=True`;
# - a key policy with two statements: your account administers the key, and AppFlow may use it
#   only when the request comes from your account (`aws:SourceAccount`);
# - `kms_arn=key.arn` on the connection **and** the flow (and `kms_key_id=key.arn` on the secret,
#   see guide 5).
#
# On a first `pulumi preview` the key does not exist yet, so `key.arn` is unknown. The pack does not
# give up there: Pulumi tells it which resources each property was computed from, so it proves that
# `kms_arn` comes from an `aws.kms.Key` of this stack, and checks that key's rotation and policy.

# %%
after = guide.new_program("keys-after")

# %%
# %%writefile {after}/__main__.py
import json

import pulumi_aws as aws

from appflow_stack import (account_id, accounts_flow, audit_trail, macie_coverage, client_secret, landing_bucket,
                           operator_policy, salesforce_profile)


def key_policy(account):
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "AccountAdministration", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
         "Action": "kms:*", "Resource": "*"},
        {"Sid": "AppFlowUse", "Effect": "Allow", "Principal": {"Service": "appflow.amazonaws.com"},
         "Action": ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey*", "kms:DescribeKey"], "Resource": "*",
         "Condition": {"StringEquals": {"aws:SourceAccount": account}}},   # only for this account
    ]})


key = aws.kms.Key("appflow-key", description="Encrypts AppFlow connections, flows and landing data",
                  enable_key_rotation=True, policy=account_id().apply(key_policy))

bucket = landing_bucket(key)
secret = client_secret(key)
profile = salesforce_profile(key, secret, kms_arn=key.arn)
flow = accounts_flow(key, profile, bucket, kms_arn=key.arn)
audit_trail()
macie_coverage([bucket.bucket])  # Amazon Macie watches what lands in the bucket (guide 7)
operator_policy()

# %%
if guide.teaching:  # the fixed version of this guide's program (skipped when you check your own)
    report_after = guide.check(after, CONFIG)
    guide.show(report_after, TOPIC)
    guide.record("after", report_after)
    assert guide.findings(report_after) == [], guide.findings(report_after)
    assert not report_after.blocked

# %% [markdown]
# ## 3. Keys that live in another account
#
# Many organisations keep keys in a central security account and pass their ARNs to stacks. The pack
# cannot see such a key, so it cannot prove it is customer managed, and it does not pass it silently
# either: `aws-appflow-stack-verify-external-references` reports it once, as **advisory**. Once
# someone has verified the key, list it under that policy's `trustedKeyArns`; to accept only
# approved keys, list them under `allowedKeyArns` of the two `-configure-customer-managed-key`
# policies. To see the advisory, run this guide against the example that does this, and with
# `strict` to see it block:
#
# ```bash
# .venv/bin/papermill notebooks/01-customer-managed-keys.ipynb out.ipynb \
#     -p program_dir examples/cross-account-key -p strict True
# ```

# %% [markdown]
# ## Run this guide against your own program
#
# ```bash
# .venv/bin/papermill notebooks/01-customer-managed-keys.ipynb out.ipynb -p program_dir /path/to/your/program
# .venv/bin/papermill notebooks/01-customer-managed-keys.ipynb out.ipynb -p program_dir /path/to/your/program \
#     -p config_path /path/to/policy-config.json -p strict True -p phase update
# ```
#
# With `program_dir` the guide checks your program (a folder with `Pulumi.yaml`), lists its findings
# for this topic and skips the claims that only hold for the guide's own programs.

# %%
guide.finish()  # writes what this run recorded to results_path, for the notebook tests
