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
# # Guide 2: S3 destinations — SSE-KMS, TLS-only, scoped AppFlow grants
#
# A flow's data ends up in S3 more often than its destination suggests. Three kinds of bucket hold it:
#
# | bucket | where the program names it | holds |
# |---|---|---|
# | destination | `destination_connector_properties.s3.bucket_name` | the extracted records |
# | intermediate | `intermediate_bucket_name` (Snowflake, Redshift), and the connection's `bucket_name` | the same records, staged before loading |
# | error | `error_handling_config.bucket_name` | records that failed to load |
#
# (AppFlow's own intermediate bucket, which the page says "is deleted after 7 days", is encrypted with
# the flow's key: that is guide 1.)
#
# The AWS page: "When you use Amazon S3 as a destination, you can choose either an AWS managed CMK or a
# customer managed CMK for encrypting the data in the S3 bucket using Amazon S3 SSE-KMS", and "Use
# SSL/TLS to communicate with AWS resources. We require TLS 1.2 and recommend TLS 1.3." The pack asks
# the same of every bucket above:
#
# 1. **SSE-KMS with a customer managed key** as the bucket's default encryption (not SSE-S3 `AES256`,
#    not `aws:kms` without a key, which means the AWS managed `aws/s3`);
# 2. **TLS only**: a bucket policy statement that denies any request with `aws:SecureTransport`
#    false;
# 3. **a scoped grant for AppFlow**: when the bucket policy lets `appflow.amazonaws.com` in, it names
#    the actions AppFlow needs (not `s3:*`) and carries an `aws:SourceAccount` (or `aws:SourceArn`)
#    condition, so AppFlow writes there only for your account.
#
# The pack finds these buckets itself: any bucket of the stack that a flow or connection field
# points at, by name or by `bucket.bucket` / `bucket.id`.

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
    "aws-appflow-s3-bucket-configure-sse-kms-customer-managed-key",
    "aws-appflow-s3-bucket-enforce-tls-only",
    "aws-appflow-s3-bucket-policy-enforce-source-account",
]
CONFIG = guide.config({})
guide.describe(TOPIC, CONFIG)

# %% [markdown]
# ## 1. What a team typically writes
#
# Two flows: Salesforce to S3 (bucket `landing`), and Salesforce to Snowflake, which stages data in
# `staging` and writes rejected records to `flow-errors`. Each bucket was set up by someone else:
# `landing` kept S3's default encryption and got an AppFlow grant copied from a blog post; `staging`
# chose `aws:kms` but no key; `flow-errors` was an afterthought, with a policy built from its ARN.

# %%
before = guide.new_program("buckets-before")

# %%
# %%writefile {before}/__main__.py
import json

import pulumi
import pulumi_aws as aws

from appflow_stack import (account_id, accounts_flow, audit_trail, macie_coverage, client_secret, customer_managed_key,
                           operator_policy, salesforce_profile)

key = customer_managed_key()            # the compliant key of guide 1
salesforce = salesforce_profile(key, client_secret(key))

# Destination bucket: SSE-S3 and a broad grant.
landing = aws.s3.Bucket("landing", bucket="acme-appflow-landing")
aws.s3.BucketServerSideEncryptionConfiguration("landing-encryption", bucket=landing.id, rules=[
    {"apply_server_side_encryption_by_default": {"sse_algorithm": "AES256"}}])
aws.s3.BucketPolicy("landing-policy", bucket=landing.id, policy=json.dumps({"Version": "2012-10-17", "Statement": [
    {"Sid": "AppFlowWrite", "Effect": "Allow", "Principal": {"Service": "appflow.amazonaws.com"}, "Action": "s3:*",
     "Resource": ["arn:aws:s3:::acme-appflow-landing", "arn:aws:s3:::acme-appflow-landing/*"]}]}))

# Intermediate bucket: aws:kms without a key means the AWS managed key aws/s3. No bucket policy.
staging = aws.s3.Bucket("staging", bucket="acme-appflow-staging")
aws.s3.BucketServerSideEncryptionConfiguration("staging-encryption", bucket=staging.id, rules=[
    {"apply_server_side_encryption_by_default": {"sse_algorithm": "aws:kms"}}])

# Error bucket: a generated name, no encryption setting, a grant built from the bucket's ARN.
errors = aws.s3.Bucket("flow-errors")
aws.s3.BucketPolicy("flow-errors-policy", bucket=errors.id, policy=errors.arn.apply(lambda arn: json.dumps({
    "Version": "2012-10-17", "Statement": [
        {"Sid": "AppFlowErrors", "Effect": "Allow", "Principal": {"Service": "appflow.amazonaws.com"},
         "Action": ["s3:PutObject", "s3:GetBucketAcl", "s3:PutObjectAcl"], "Resource": [arn, f"{arn}/*"]}]})))

# Salesforce -> Snowflake: AppFlow stages the rows in an S3 bucket and writes failed records to another.
snowflake = aws.appflow.ConnectorProfile(
    "snowflake", name="snowflake-analytics", connector_type="Snowflake", connection_mode="Private", kms_arn=key.arn,
    connector_profile_config={
        "connector_profile_credentials": {"snowflake": {
            "username": "APPFLOW_LOADER",
            # pulumi config set --secret snowflakePassword ...; the offline check runs without it.
            "password": pulumi.Config().get_secret("snowflakePassword") or pulumi.Output.secret("unset")}},
        "connector_profile_properties": {"snowflake": {
            "account_name": "acme", "region": "us-east-1", "warehouse": "LOADING",
            "stage": "ANALYTICS.PUBLIC.APPFLOW_STAGE", "bucket_name": staging.bucket,
            "private_link_service_name": "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0"}},
    })
aws.appflow.Flow(
    "accounts-to-snowflake", name="salesforce-accounts-to-snowflake", kms_arn=key.arn,
    description="Loads Salesforce accounts into the analytics warehouse",
    source_flow_config={"connector_type": "Salesforce", "connector_profile_name": salesforce.name,
                        "source_connector_properties": {"salesforce": {"object": "Account"}}},
    destination_flow_configs=[{
        "connector_type": "Snowflake", "connector_profile_name": snowflake.name,
        "destination_connector_properties": {"snowflake": {
            "object": "ANALYTICS.PUBLIC.ACCOUNTS",
            "intermediate_bucket_name": staging.bucket,                     # intermediate bucket
            "error_handling_config": {"bucket_name": errors.bucket}}}}],    # error bucket
    tasks=[{"task_type": "Map_all", "source_fields": [], "connector_operators": [{"salesforce": "NO_OP"}]}],
    trigger_config={"trigger_type": "OnDemand"},
    tags={"team": "data-platform", "data-classification": "confidential"})

# Salesforce -> S3: the destination bucket.
accounts_flow(key, salesforce, landing)
audit_trail()
macie_coverage([landing.bucket, staging.bucket, errors.bucket])  # Macie on every bucket AppFlow writes to
operator_policy()

# %%
report_before = guide.check(before if guide.teaching else program_dir, CONFIG)
guide.show(report_before, TOPIC)
guide.record("before", report_before)

# %% [markdown]
# Each finding names the flow field that makes the bucket an AppFlow bucket, so you can tell a
# destination from an error bucket. Read them bucket by bucket:
#
# - `landing`: `AES256` is SSE-S3, not SSE-KMS; no statement denies plain HTTP; the grant gives
#   AppFlow `s3:*` with no account condition (two findings on `landing-policy`).
# - `staging`: SSE-KMS, but with the AWS managed key `aws/s3`; no bucket policy at all, so nothing
#   denies plain HTTP. The Snowflake connection and the Snowflake flow both use it.
# - `flow-errors`: no default encryption of its own.
#
# **Preview and update see different things.** The policy of `flow-errors` is computed from
# `errors.arn`, which does not exist before the bucket is created, so a preview cannot read it and
# stays silent about it. `pulumi up` checks it once the ARN is known, before the bucket policy is
# created, and then reports the missing `aws:SourceAccount` and the missing TLS-only statement. What
# preview *can* decide (a bucket with no policy, like `staging`) it reports at once. Run this guide
# with `-p phase update` to see the two extra findings.

# %%
if guide.teaching:
    expected_before = [
        ("aws-appflow-s3-bucket-policy-enforce-source-account", "landing-policy"),   # no aws:SourceAccount
        ("aws-appflow-s3-bucket-policy-enforce-source-account", "landing-policy"),   # s3:*
        ("aws-appflow-s3-bucket-configure-sse-kms-customer-managed-key", "landing"),
        ("aws-appflow-s3-bucket-configure-sse-kms-customer-managed-key", "staging"),
        ("aws-appflow-s3-bucket-configure-sse-kms-customer-managed-key", "flow-errors"),
        ("aws-appflow-s3-bucket-enforce-tls-only", "landing"),
        ("aws-appflow-s3-bucket-enforce-tls-only", "staging"),
    ]
    if phase == "update":  # the policy computed from errors.arn is known now
        expected_before += [("aws-appflow-s3-bucket-policy-enforce-source-account", "flow-errors-policy"),
                            ("aws-appflow-s3-bucket-enforce-tls-only", "flow-errors")]
    assert guide.findings(report_before, TOPIC) == guide.expected(*expected_before), guide.findings(report_before)
    assert guide.findings(report_before) == guide.findings(report_before, TOPIC), "only this guide's rules fire"
    assert report_before.blocked
    assert "uses the AWS managed key aws/s3" in guide.messages(report_before)
    assert "errorHandlingConfig.bucketName" in guide.messages(report_before) and "intermediateBucketName" in guide.messages(report_before)

# %% [markdown]
# ## 2. The fix: one function for every bucket AppFlow touches
#
# Write the protection once and use it for all three buckets: SSE-KMS with the customer managed key
# (`bucket_key_enabled` keeps KMS request costs down), a `DenyInsecureTransport` statement, and an
# AppFlow statement with named actions and `aws:SourceAccount`. The policy document is built from
# the bucket's ARN and the account ID with `pulumi.Output.all`, so it also works for generated
# bucket names. (To require TLS 1.2 or later on top, set `requireTlsVersion` in the config of
# `aws-appflow-s3-bucket-enforce-tls-only`.)

# %%
after = guide.new_program("buckets-after")

# %%
# %%writefile {after}/__main__.py
import json

import pulumi
import pulumi_aws as aws

from appflow_stack import (account_id, accounts_flow, audit_trail, macie_coverage, client_secret, customer_managed_key,
                           operator_policy, salesforce_profile)

key = customer_managed_key()            # the compliant key of guide 1
salesforce = salesforce_profile(key, client_secret(key))


def protected_bucket(name, bucket_name=None):
    """A bucket AppFlow may use: SSE-KMS with our key, TLS only, AppFlow scoped to this account."""
    bucket = aws.s3.Bucket(name, bucket=bucket_name)
    aws.s3.BucketServerSideEncryptionConfiguration(f"{name}-encryption", bucket=bucket.id, rules=[{
        "apply_server_side_encryption_by_default": {"sse_algorithm": "aws:kms", "kms_master_key_id": key.arn},
        "bucket_key_enabled": True}])

    def document(args):
        arn, account = args
        return json.dumps({"Version": "2012-10-17", "Statement": [
            {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
             "Resource": [arn, f"{arn}/*"], "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
            {"Sid": "AppFlowAccess", "Effect": "Allow", "Principal": {"Service": "appflow.amazonaws.com"},
             "Action": ["s3:PutObject", "s3:GetObject", "s3:ListBucket", "s3:AbortMultipartUpload",
                        "s3:ListMultipartUploadParts", "s3:ListBucketMultipartUploads",
                        "s3:GetBucketAcl", "s3:PutObjectAcl"],
             "Resource": [arn, f"{arn}/*"], "Condition": {"StringEquals": {"aws:SourceAccount": account}}}]})

    aws.s3.BucketPolicy(f"{name}-policy", bucket=bucket.id,
                        policy=pulumi.Output.all(bucket.arn, account_id()).apply(document))
    return bucket


landing = protected_bucket("landing", "acme-appflow-landing")
staging = protected_bucket("staging", "acme-appflow-staging")
errors = protected_bucket("flow-errors")

# Salesforce -> Snowflake: AppFlow stages the rows in an S3 bucket and writes failed records to another.
snowflake = aws.appflow.ConnectorProfile(
    "snowflake", name="snowflake-analytics", connector_type="Snowflake", connection_mode="Private", kms_arn=key.arn,
    connector_profile_config={
        "connector_profile_credentials": {"snowflake": {
            "username": "APPFLOW_LOADER",
            # pulumi config set --secret snowflakePassword ...; the offline check runs without it.
            "password": pulumi.Config().get_secret("snowflakePassword") or pulumi.Output.secret("unset")}},
        "connector_profile_properties": {"snowflake": {
            "account_name": "acme", "region": "us-east-1", "warehouse": "LOADING",
            "stage": "ANALYTICS.PUBLIC.APPFLOW_STAGE", "bucket_name": staging.bucket,
            "private_link_service_name": "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0"}},
    })
aws.appflow.Flow(
    "accounts-to-snowflake", name="salesforce-accounts-to-snowflake", kms_arn=key.arn,
    description="Loads Salesforce accounts into the analytics warehouse",
    source_flow_config={"connector_type": "Salesforce", "connector_profile_name": salesforce.name,
                        "source_connector_properties": {"salesforce": {"object": "Account"}}},
    destination_flow_configs=[{
        "connector_type": "Snowflake", "connector_profile_name": snowflake.name,
        "destination_connector_properties": {"snowflake": {
            "object": "ANALYTICS.PUBLIC.ACCOUNTS",
            "intermediate_bucket_name": staging.bucket,                     # intermediate bucket
            "error_handling_config": {"bucket_name": errors.bucket}}}}],    # error bucket
    tasks=[{"task_type": "Map_all", "source_fields": [], "connector_operators": [{"salesforce": "NO_OP"}]}],
    trigger_config={"trigger_type": "OnDemand"},
    tags={"team": "data-platform", "data-classification": "confidential"})

# Salesforce -> S3: the destination bucket.
accounts_flow(key, salesforce, landing)
audit_trail()
macie_coverage([landing.bucket, staging.bucket, errors.bucket])  # Macie on every bucket AppFlow writes to
operator_policy()

# %%
if guide.teaching:  # the fixed version of this guide's program (skipped when you check your own)
    report_after = guide.check(after, CONFIG)
    guide.show(report_after, TOPIC)
    guide.record("after", report_after)
    assert guide.findings(report_after) == [], guide.findings(report_after)

# %% [markdown]
# Run with `-p phase update` to confirm that the fixed program stays compliant once every ARN is
# known, and that the `flow-errors` grant of the first program is caught then.

# %% [markdown]
# ## Run this guide against your own program
#
# ```bash
# .venv/bin/papermill notebooks/02-s3-destinations.ipynb out.ipynb -p program_dir /path/to/your/program
# .venv/bin/papermill notebooks/02-s3-destinations.ipynb out.ipynb -p program_dir /path/to/your/program \
#     -p config_path /path/to/policy-config.json -p strict True -p phase update
# ```
#
# With `program_dir` the guide checks your program (a folder with `Pulumi.yaml`), lists its findings
# for this topic and skips the claims that only hold for the guide's own programs.

# %%
guide.finish()  # writes what this run recorded to results_path, for the notebook tests
