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
# # Guide 7: account-level protections around AppFlow
#
# Guides 1 to 5 protect the data AppFlow moves: keys, buckets, connections, names, secrets. The AWS
# page also asks for protections of the account those resources live in:
#
# - **People.** "We recommend that you protect AWS account credentials and set up individual users
#   with AWS IAM Identity Center or AWS Identity and Access Management (IAM)." and "Use multi-factor
#   authentication (MFA) with each account." People who run flows are best given IAM Identity Center
#   users, which live outside any Pulumi stack and sign in with MFA the organisation enforces. When a
#   stack does create IAM users for people (a console password, access keys), it must also make them
#   use MFA: a policy on the user, or on a group it is in, that denies everything unless
#   `aws:MultiFactorAuthPresent` is true.
# - **Least privilege.** "That way, each user is given only the permissions necessary to fulfill
#   their job duties." `AmazonAppFlowFullAccess`, `AdministratorAccess`, `appflow:*` or `*` on every
#   resource give far more than running a flow needs: name the actions and the flows instead.
# - **Amazon Macie.** "Use advanced managed security services such as Amazon Macie, which assists in
#   discovering and securing sensitive data that is stored in Amazon S3." AppFlow lands SaaS records
#   (accounts, contacts, cases) in S3: the landing bucket is where Macie should look. Either the stack
#   enables Macie and a classification job that covers the bucket, or the organisation runs Macie for
#   every account and says so in the pack's config.
# - **Default security controls.** "Use AWS encryption solutions, along with all default security
#   controls within AWS services." New S3 buckets block public access and disable ACLs
#   (`BucketOwnerEnforced`); KMS keys are enabled. A program that turns one of these off on a bucket or
#   key AppFlow uses undoes a protection AWS gives for free.
#
# The guide starts from a stack that does all four wrong, checks it, and fixes it.

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
# The rules of this guide and what they find in its first program: the one cell to update when the
# pack's rules change.
TOPIC = [
    "aws-appflow-iam-user-enforce-mfa",
    "aws-appflow-iam-policy-disallow-full-access",
    "aws-appflow-s3-bucket-enable-macie",
    "aws-appflow-s3-bucket-enforce-default-security-controls",
    "aws-appflow-kms-key-enforce-default-security-controls",
]
EXPECTED_BEFORE = [  # (rule, resource) pairs the first program must produce, at each rule's level
    ("aws-appflow-iam-user-enforce-mfa", "analyst"),
    ("aws-appflow-iam-policy-disallow-full-access", "analyst-appflow"),
    ("aws-appflow-iam-policy-disallow-full-access", "flow-runner-appflow"),
    ("aws-appflow-s3-bucket-enable-macie", "landing"),
    ("aws-appflow-s3-bucket-enforce-default-security-controls", "landing"),  # Block Public Access off
    ("aws-appflow-s3-bucket-enforce-default-security-controls", "landing"),  # ACLs on, one grants the public
]
CONFIG = guide.config({})
guide.describe(TOPIC, CONFIG)

# %% [markdown]
# ## 1. What a team typically writes
#
# The data stack of the other guides (a customer managed key, the landing bucket, the Salesforce
# connection and flow, a trail), plus what gets added around it when people start using it:
#
# - an IAM user for the analyst, with a console password and an access key, and no MFA anywhere;
# - AWS's `AmazonAppFlowFullAccess` attached to that user, "to get started", and a role for the job
#   that starts flows with `appflow:*` on `*`;
# - the landing bucket's Block Public Access switched off and ACLs turned back on (`ObjectWriter`) with a
#   public-read ACL, because a partner once needed a public link;
# - no Macie.

# %%
before = guide.new_program("account-before")

# %%
# %%writefile {before}/__main__.py
import json

import pulumi_aws as aws

from appflow_stack import (accounts_flow, audit_trail, client_secret, customer_managed_key, landing_bucket,
                           salesforce_profile)

key = customer_managed_key()
bucket = landing_bucket(key)
flow = accounts_flow(key, salesforce_profile(key, client_secret(key)), bucket)
audit_trail()

# People: an IAM user with a console password and an access key; nothing asks for MFA.
analyst = aws.iam.User("analyst", name="analyst")
aws.iam.UserLoginProfile("analyst-console", user=analyst.name)
aws.iam.AccessKey("analyst-key", user=analyst.name)

# Permissions: everything AppFlow can do, for the analyst and for the job that starts flows.
aws.iam.UserPolicyAttachment("analyst-appflow", user=analyst.name,
                             policy_arn="arn:aws:iam::aws:policy/AmazonAppFlowFullAccess")
runner = aws.iam.Role("flow-runner", assume_role_policy=json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}))
aws.iam.RolePolicy("flow-runner-appflow", role=runner.id, policy=json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "appflow:*", "Resource": "*"}]}))

# Default controls turned off on the landing bucket: public access allowed, ACLs back on.
aws.s3.BucketPublicAccessBlock("landing-public-access", bucket=bucket.id, block_public_acls=False,
                               block_public_policy=False, ignore_public_acls=False, restrict_public_buckets=False)
aws.s3.BucketOwnershipControls("landing-ownership", bucket=bucket.id, rule={"object_ownership": "ObjectWriter"})
aws.s3.BucketAclV2("landing-acl", bucket=bucket.id, acl="public-read")

# %%
report_before = guide.check(before if guide.teaching else program_dir, CONFIG)
guide.show(report_before, TOPIC)
guide.record("before", report_before)

# %% [markdown]
# What each account-level rule says about this program, and why:
#
# - **MFA** (`aws-appflow-iam-user-enforce-mfa`, advisory): `analyst` can sign in to the console and
#   call the API with its access key, and no policy on the user or its groups denies anything without
#   MFA. The finding points to IAM Identity Center, where people belong.
# - **Least privilege** (`aws-appflow-iam-policy-disallow-full-access`, advisory): the
#   `AmazonAppFlowFullAccess` attachment and the role policy's `appflow:*` on `*`, each with the
#   narrower form in its message.
# - **Macie** (advisory): the landing bucket, which the flow writes to, is covered by no Macie
#   classification job, and the config does not say Macie runs for the organisation.
# - **Default controls** (`aws-appflow-s3-bucket-enforce-default-security-controls`, mandatory: the
#   program turns a default off), two findings on the bucket: the `BucketPublicAccessBlock` with all
#   four settings off, and `ObjectWriter` ownership, which turns ACLs back on, with an ACL that grants
#   the public read access. `ObjectWriter` alone, with no ACL granting anyone outside the account,
#   would not be reported: the rule reports what exposes the data, not a setting by itself.
# - The key rule (`aws-appflow-kms-key-enforce-default-security-controls`) stays silent: the key is
#   enabled and keeps AWS's 30-day deletion waiting period.
#
# The other rules of the pack have nothing to say here: the data stack itself is the compliant one of
# the other guides.

# %%
if guide.teaching:
    assert guide.findings(report_before, TOPIC) == guide.expected(*EXPECTED_BEFORE), guide.findings(report_before)
    assert guide.findings(report_before) == guide.findings(report_before, TOPIC), "only this guide's rules fire"
    assert report_before.blocked is any(guide.level(rule) == "mandatory" for rule, _ in EXPECTED_BEFORE)

# %% [markdown]
# ## 2. The fix
#
# - **People**: the analyst joins a `data-engineers` group whose policy denies every action except
#   setting up MFA unless the request was signed in with MFA (the pattern of AWS's example policy
#   that lets IAM users manage their own MFA device; `BoolIfExists` also covers access keys, whose
#   requests carry no `aws:MultiFactorAuthPresent`). No access key: what runs unattended uses a role.
#   Better still, people sign in through IAM Identity Center and the stack creates no IAM users.
# - **Least privilege**: the group and the role get the AppFlow actions their jobs need, on this
#   flow's ARN.
# - **Default controls**: Block Public Access on, ownership `BucketOwnerEnforced` (ACLs off).
# - **Macie**: Macie enabled for the account, and a daily classification job on the landing bucket.
#   An organisation whose delegated Macie administrator covers every account says so in the Macie
#   rule's config instead; the bucket is then reported as an external reference to verify.

# %%
after = guide.new_program("account-after")

# %%
# %%writefile {after}/__main__.py
import json

import pulumi
import pulumi_aws as aws

from appflow_stack import (account_id, accounts_flow, audit_trail, client_secret, customer_managed_key,
                           landing_bucket, salesforce_profile)

key = customer_managed_key()
bucket = landing_bucket(key)
flow = accounts_flow(key, salesforce_profile(key, client_secret(key)), bucket)
audit_trail()

# People: a console user in a group that denies everything but MFA set-up until the user signs in with MFA.
MFA_SETUP = ["iam:CreateVirtualMFADevice", "iam:EnableMFADevice", "iam:GetUser", "iam:ListMFADevices",
             "iam:ListVirtualMFADevices", "iam:ResyncMFADevice", "sts:GetSessionToken"]
engineers = aws.iam.Group("data-engineers", name="data-engineers")
aws.iam.GroupPolicy("data-engineers-require-mfa", group=engineers.name, policy=json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Sid": "DenyAllExceptMfaSetupWithoutMfa", "Effect": "Deny", "NotAction": MFA_SETUP,
                   "Resource": "*", "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}]}))
analyst = aws.iam.User("analyst", name="analyst")
aws.iam.UserLoginProfile("analyst-console", user=analyst.name)
aws.iam.UserGroupMembership("analyst-groups", user=analyst.name, groups=[engineers.name])


# Permissions: the actions each job needs, on this flow only.
def run_flow(actions):
    return flow.arn.apply(lambda arn: json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": actions, "Resource": arn}]}))


aws.iam.GroupPolicy("data-engineers-appflow", group=engineers.name, policy=run_flow(
    ["appflow:DescribeFlow", "appflow:DescribeFlowExecutionRecords", "appflow:StartFlow", "appflow:StopFlow"]))
runner = aws.iam.Role("flow-runner", assume_role_policy=json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}))
aws.iam.RolePolicy("flow-runner-appflow", role=runner.id, policy=run_flow(["appflow:StartFlow"]))

# Default controls kept: no public access, no ACLs.
aws.s3.BucketPublicAccessBlock("landing-public-access", bucket=bucket.id, block_public_acls=True,
                               block_public_policy=True, ignore_public_acls=True, restrict_public_buckets=True)
aws.s3.BucketOwnershipControls("landing-ownership", bucket=bucket.id,
                               rule={"object_ownership": "BucketOwnerEnforced"})

# Macie looks at what AppFlow lands, every day.
macie = aws.macie2.Account("macie", status="ENABLED", finding_publishing_frequency="FIFTEEN_MINUTES")
aws.macie2.ClassificationJob("landing-discovery", job_type="SCHEDULED", schedule_frequency={"daily_schedule": True},
                             s3_job_definition={"bucket_definitions": [
                                 {"account_id": account_id(), "buckets": [bucket.bucket]}]},
                             opts=pulumi.ResourceOptions(depends_on=[macie]))

# %%
if guide.teaching:  # the fixed version of this guide's program (skipped when you check your own)
    report_after = guide.check(after, CONFIG)
    guide.show(report_after, TOPIC)
    guide.record("after", report_after)
    assert guide.findings(report_after) == [], guide.findings(report_after)

# %% [markdown]
# Two things the pack cannot see from a program, and where to look instead:
#
# - **IAM Identity Center** users, their MFA settings and permission sets are usually managed by the
#   organisation's identity team, outside application stacks. Check them in the IAM Identity Center
#   console or with `aws sso-admin`.
# - **The root user** of the account, and its MFA, is not a resource any program creates. IAM's
#   credential report shows whether it has MFA, and Security Hub's control IAM.9 checks it.
#
# The README's table "The AWS page, sentence by sentence" lists every sentence of the page with the
# rules that enforce it, or why no rule can.

# %% [markdown]
# ## Run this guide against your own program
#
# ```bash
# .venv/bin/papermill notebooks/07-account-protections.ipynb out.ipynb -p program_dir /path/to/your/program
# .venv/bin/papermill notebooks/07-account-protections.ipynb out.ipynb -p program_dir /path/to/your/program \
#     -p config_path /path/to/policy-config.json -p strict True -p phase update
# ```
#
# With `program_dir` the guide checks your program (a folder with `Pulumi.yaml`), lists its findings
# for this topic and skips the claims that only hold for the guide's own programs.

# %%
guide.finish()  # writes what this run recorded to results_path, for the notebook tests
