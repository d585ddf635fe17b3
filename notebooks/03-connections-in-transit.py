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
# # Guide 3: connections in transit — private connections, https, no credentials in URLs
#
# A connection (`aws.appflow.ConnectorProfile`) is how AppFlow reaches a SaaS application. The AWS page
# makes three points about the way there:
#
# - "Amazon AppFlow secures all data in transit using Transport Layer Security (TLS) 1.2." That holds
#   only for URLs that use TLS: every URL of a connection must be `https://` (and a Redshift JDBC URL
#   must not turn TLS off).
# - "With some of the SaaS applications that are a supported source or destination, you can create a
#   connection that does not send traffic over the public internet." Salesforce, SAP OData and
#   Snowflake support it (AWS PrivateLink): `connection_mode="Private"`.
# - "If you provide a URL to an external server, we strongly recommend that you do not include
#   credentials information in the URL." A URL is logged, cached and pasted into tickets; a
#   password or token in it leaks with it. Credentials go in the connection's credentials block,
#   which AppFlow encrypts with your key and keeps in Secrets Manager.
#
# One more hop carries credentials: the calls Pulumi makes to the AppFlow API when it creates the
# connection. An `aws.Provider` with `insecure=True` skips TLS certificate verification, and an
# endpoint override to `http://` skips TLS altogether, so the pack checks the provider too.
#
# The private-connection rule is **advisory** by default: PrivateLink needs setup on both sides, and
# a team may not have it yet. Run with `-p strict True` to treat it as blocking.

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
    "aws-appflow-connectorprofile-enforce-private-connection",
    "aws-appflow-connectorprofile-disallow-credentials-in-urls",
    "aws-appflow-connectorprofile-enforce-https-urls",
    "aws-appflow-provider-enforce-tls",
]
CONFIG = guide.config({})
guide.describe(TOPIC, CONFIG)

# %% [markdown]
# ## 1. What a team typically writes
#
# The instance URL from the Salesforce setup page, with the integration user's password and an
# access token pasted in "to get it working"; the public internet; and a provider with
# `insecure=True` because a corporate proxy re-signs TLS traffic.
#
# The credentials below are made up, but the guide treats them as real: nothing this notebook
# prints contains them, and the check after the findings proves it.

# %%
before = guide.new_program("transit-before")

# %%
# %%writefile {before}/__main__.py
import pulumi
import pulumi_aws as aws

from appflow_stack import (accounts_flow, audit_trail, client_secret, customer_managed_key, landing_bucket, macie_coverage,
                           operator_policy)

key = customer_managed_key()
bucket = landing_bucket(key)
secret = client_secret(key)     # appflow!salesforce-client: the connected app's client ID and secret

proxy_friendly = aws.Provider("proxy-friendly", region="us-east-1", insecure=True)

profile = aws.appflow.ConnectorProfile(
    "salesforce", name="salesforce-production", connector_type="Salesforce", kms_arn=key.arn,
    connection_mode="Public",
    connector_profile_config={
        "connector_profile_credentials": {"salesforce": {
            "client_credentials_arn": secret.arn, "oauth2_grant_type": "JWT_BEARER",
            "jwt_token": pulumi.Output.secret("placeholder.jwt.token")}},
        "connector_profile_properties": {"salesforce": {
            "instance_url": "http://integration:Winter2026!@acme.my.salesforce.com/services"
                            "?access_token=00D5g000004Example"}},
    },
    opts=pulumi.ResourceOptions(provider=proxy_friendly))

accounts_flow(key, profile, bucket)
audit_trail()
macie_coverage([bucket.bucket])  # Amazon Macie watches what lands in the bucket (guide 7)
operator_policy()

# %%
report_before = guide.check(before if guide.teaching else program_dir, CONFIG)
guide.record("before", report_before)
shown_before = guide.table(report_before, TOPIC)
shown_before

# %% [markdown]
# The URL appears in the findings as `http://acme.my.salesforce.com/services?access_token=***`: the
# pack keeps scheme, host and path, drops `user:password@` and masks every query value, so its
# messages are safe to print in CI logs. One URL, three mandatory findings: credentials in the user
# part, a token in the query, and `http://`. Then the public connection (advisory unless strict),
# and the provider that skips certificate checks.
#
# The next cell checks that none of the planted values reached any message or the printed table.

# %%
PLANTED = ["Winter2026!", "00D5g000004Example", "integration:"]
for planted in PLANTED:
    assert planted not in guide.messages(report_before), "a finding message leaks a planted credential"
    assert planted not in str(shown_before), "the table shown as text leaks a planted credential"
    assert planted not in shown_before.html, "the table shown as HTML leaks a planted credential"
    assert planted not in repr(guide.results), "the recorded results leak a planted credential"
if guide.teaching:
    assert guide.findings(report_before, TOPIC) == guide.expected(
        ("aws-appflow-connectorprofile-enforce-private-connection", "salesforce"),
        ("aws-appflow-connectorprofile-disallow-credentials-in-urls", "salesforce"),   # user:password@
        ("aws-appflow-connectorprofile-disallow-credentials-in-urls", "salesforce"),   # ?access_token=
        ("aws-appflow-connectorprofile-enforce-https-urls", "salesforce"),
        ("aws-appflow-provider-enforce-tls", "salesforce"),
    ), guide.findings(report_before)
    assert guide.findings(report_before) == guide.findings(report_before, TOPIC), "only this guide's rules fire"
    assert "'http://acme.my.salesforce.com/services?access_token=***'" in guide.messages(report_before)
    assert "provider 'proxy-friendly' sets insecure=true" in guide.messages(report_before)
    private = [f for f in report_before.findings if f.policy.endswith("enforce-private-connection")]
    assert [f.enforcementLevel for f in private] == ["mandatory" if strict else "advisory"]

# %% [markdown]
# ## 2. The fix
#
# - `instance_url="https://acme.my.salesforce.com"`: host only, over https.
# - Credentials where AppFlow expects them: for Salesforce, the JWT bearer flow with the connected
#   app's client credentials in a Secrets Manager secret (`client_credentials_arn`), encrypted with
#   your key (guide 5). Rotate the password and token that were in the URL: they are in your Git
#   history.
# - `connection_mode="Private"`, and for Salesforce
#   `use_privatelink_for_metadata_and_authorization=True`, so the OAuth and metadata calls stay on
#   PrivateLink as well.
# - No `insecure=True`. If a proxy re-signs TLS, give the provider the proxy's CA bundle
#   (`custom_ca_bundle`) instead of turning verification off.

# %%
after = guide.new_program("transit-after")

# %%
# %%writefile {after}/__main__.py
import pulumi
import pulumi_aws as aws

from appflow_stack import (accounts_flow, audit_trail, client_secret, customer_managed_key, landing_bucket, macie_coverage,
                           operator_policy)

key = customer_managed_key()
bucket = landing_bucket(key)
secret = client_secret(key)     # appflow!salesforce-client: the connected app's client ID and secret

profile = aws.appflow.ConnectorProfile(
    "salesforce", name="salesforce-production", connector_type="Salesforce", kms_arn=key.arn,
    connection_mode="Private",
    connector_profile_config={
        "connector_profile_credentials": {"salesforce": {
            "client_credentials_arn": secret.arn, "oauth2_grant_type": "JWT_BEARER",
            "jwt_token": pulumi.Output.secret("placeholder.jwt.token")}},
        "connector_profile_properties": {"salesforce": {
            "instance_url": "https://acme.my.salesforce.com",
            "use_privatelink_for_metadata_and_authorization": True}},
    })

accounts_flow(key, profile, bucket)
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
# ## Run this guide against your own program
#
# ```bash
# .venv/bin/papermill notebooks/03-connections-in-transit.ipynb out.ipynb -p program_dir /path/to/your/program
# .venv/bin/papermill notebooks/03-connections-in-transit.ipynb out.ipynb -p program_dir /path/to/your/program \
#     -p config_path /path/to/policy-config.json -p strict True -p phase update
# ```
#
# With `program_dir` the guide checks your program (a folder with `Pulumi.yaml`), lists its findings
# for this topic and skips the claims that only hold for the guide's own programs.

# %%
guide.finish()  # writes what this run recorded to results_path, for the notebook tests
