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
# # Guide 6: rolling out to an organisation
#
# Guides 1 to 5 are for the teams who write AppFlow stacks. This one is for the platform team that
# turns the pack on for everyone: enforcement levels, config, exemptions that expire, remediation,
# publishing to Pulumi Cloud, and a picture of where a stack stands before and after its fixes.

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
# Every policy of the pack, grouped by its default enforcement level (from the pack's catalog).
import json

TOPIC = list(guide.policies)
CONFIG = guide.config({})
BY_LEVEL = {}
for name, entry in guide.policies.items():
    BY_LEVEL.setdefault(entry["enforcementLevel"], []).append(name)
for name, names in BY_LEVEL.items():
    print(f"{name} ({len(names)}):")
    for policy in names:
        print(f"    {policy}")
print("\nconfig for this run:", json.dumps(CONFIG))
assert set(BY_LEVEL) <= {"advisory", "mandatory", "remediate", "disabled"}
assert sum(len(names) for names in BY_LEVEL.values()) == len(guide.policies)

# %% [markdown]
# ## 1. Enforcement levels
#
# Every policy has a default level, listed above and in the README:
#
# | level | what happens |
# |---|---|
# | `mandatory` | the finding fails `pulumi preview`; `pulumi up` stops before it changes anything |
# | `advisory` | the finding is printed (and shown in Pulumi Cloud); nothing is blocked |
# | `remediate` | the policy changes the resource's inputs before it is created or updated, and says what it changed |
# | `disabled` | the policy does not run |
#
# The pack's defaults: whatever exposes data when it is wrong (keys, credentials, TLS, key and bucket
# policies) is mandatory. What depends on what an account already has (private connections,
# CloudTrail, keys from other accounts) or on the organisation's choices (descriptions, tags, trigger
# types) is advisory. The three `-remediate-` policies are disabled until you opt in.

# %% [markdown]
# ## 2. Config
#
# A config is one JSON object, the same file for `pulumi preview --policy-pack-config`,
# `pulumi policy enable --config`, `appflow-guard check --config` and `check_program(config=...)`:
#
# ```json
# {
#   "all": "advisory",
#   "aws-appflow-flow-missing-tags": {"enforcementLevel": "mandatory", "requiredTags": ["owner", "cost-center"]},
#   "aws-appflow-stack-enable-cloudtrail": {"organizationTrail": "arn:aws:cloudtrail:us-east-1:111122223333:trail/org"}
# }
# ```
#
# - A key is a policy name, or `all`. A value is a level, or an object with `enforcementLevel` and
#   the policy's own settings (the README lists them).
# - `all` is applied first, then each policy's own entry, so a level named for one policy wins. The
#   `strict` parameter of these guides is `{"all": "mandatory"}`: every finding blocks.
# - The engine validates every entry against the policy's schema before anything runs, so a typo
#   (`"requiredTags": "owner"` instead of a list) fails with a message that names the policy and
#   the key; it does not silently turn a rule off.

# %% [markdown]
# ## 3. The compliance picture
#
# A first draft of a Salesforce-to-S3 stack, built with the shared builders and six kinds of
# problem: a key without rotation, an unencrypted landing bucket without TLS-only policy, a public
# connection, the AWS managed key on the flow, an email in a tag, and an operator policy without the
# Secrets Manager conditions. Then the same stack with everything fixed. (With `program_dir`, the
# picture shows your program instead.)

# %%
before = guide.new_program("rollout-before")

# %%
# %%writefile {before}/__main__.py
from appflow_stack import compliant_stack

compliant_stack(
    key={"rotation": False},
    bucket={"bucket_name": "acme-appflow-landing", "sse_algorithm": "AES256", "deny_insecure_transport": False},
    profile={"connection_mode": "Public"},
    flow={"kms_arn": "alias/aws/appflow", "tags": {"team": "data-platform", "owner": "jane.doe@example.com"}},
    operator_policy={"scoped_secrets_access": False},
)

# %%
after = guide.new_program("rollout-after")

# %%
# %%writefile {after}/__main__.py
from appflow_stack import compliant_stack

compliant_stack()

# %%
report_before = guide.check(before if guide.teaching else program_dir, CONFIG)
guide.show(report_before)
guide.record("before", report_before)
if guide.teaching:  # the fixed stack (skipped when you check your own program)
    report_after = guide.check(after, CONFIG)
    guide.record("after", report_after)

# %%
# One row per policy, one column per resource: before and after the fixes.
reports = {"before" if guide.teaching else "your program": report_before}
if guide.teaching:
    reports["after the fixes"] = report_after
chart = guide.heat_map(reports)
guide.results["chart"] = chart.as_dict()
chart

# %% [markdown]
# Each coloured cell is a policy (row) that reports a resource (column); the number is how many
# findings. One resource can fail several rules (the landing bucket: encryption and TLS), and one
# rule can fire several times on a resource (the operator policy misses four conditions). After
# the fixes the grid is empty. The same picture for your program: run this guide with
# `-p program_dir`.

# %%
from collections import Counter

if guide.teaching:
    assert guide.findings(report_before) == guide.expected(
        ("aws-appflow-kms-key-enable-rotation", "appflow-key"),
        ("aws-appflow-s3-bucket-configure-sse-kms-customer-managed-key", "landing"),
        ("aws-appflow-s3-bucket-enforce-tls-only", "landing"),
        ("aws-appflow-connectorprofile-enforce-private-connection", "salesforce"),
        ("aws-appflow-flow-configure-customer-managed-key", "accounts-to-s3"),
        ("aws-appflow-disallow-sensitive-data-in-names-and-tags", "accounts-to-s3"),
        *[("aws-appflow-iam-policy-enforce-secretsmanager-conditions", "appflow-operator")] * 4,
    ), guide.findings(report_before)
    assert report_before.blocked and guide.findings(report_after) == [] and not report_after.blocked
    assert guide.results["chart"]["cells"][guide.results["chart"]["panels"][0]] == {
        f"{policy} | {resource}": count for (policy, resource), count in
        Counter((f.policy, f.resourceName) for f in report_before.findings).items()}
    assert guide.results["chart"]["panels"][1] not in guide.results["chart"]["cells"]  # nothing drawn after the fixes
assert guide.results["chart"]["png_bytes"] > 0

# %% [markdown]
# ## 4. Exemptions that expire
#
# Sometimes a team cannot fix a finding before its next deployment: the landing bucket is shared
# with a legacy consumer, the key is replaced next quarter. An exemption lets that one resource pass
# one policy, on the record:
#
# - `resource`: the logical name or URN, glob patterns allowed (`legacy-export-*`);
# - `reason`: required; put the ticket there;
# - `expires`: optional, `YYYY-MM-DD`, the last day it applies. Give every exemption one.
#
# An expired exemption stops applying on its own, and the finding says so, so the reminder arrives
# in the team's own preview. Below, the first draft again, with a current exemption for the landing
# bucket's TLS-only finding and an expired one for its encryption.

# %%
import datetime

in_a_month = (datetime.datetime.now(datetime.timezone.utc).date() + datetime.timedelta(days=30)).isoformat()
EXEMPTIONS = {
    "aws-appflow-s3-bucket-enforce-tls-only": {"exemptions": [
        {"resource": "landing", "reason": "DATA-1234: legacy consumer moves to TLS", "expires": in_a_month}]},
    "aws-appflow-s3-bucket-configure-sse-kms-customer-managed-key": {"exemptions": [
        {"resource": "land*", "reason": "DATA-1200: re-encrypt existing objects", "expires": "2025-01-31"}]},
}
if guide.teaching:  # exemptions name this guide's resources (skipped when you check your own program)
    report_exempted = guide.check(before, {**CONFIG, **EXEMPTIONS})
    guide.show(report_exempted, [name for name in EXEMPTIONS])
    guide.record("exemptions", report_exempted)

# %%
if guide.teaching:
    gone = ("aws-appflow-s3-bucket-enforce-tls-only", "landing", guide.level("aws-appflow-s3-bucket-enforce-tls-only"))
    remaining = guide.findings(report_before)
    remaining.remove(gone)
    assert guide.findings(report_exempted) == remaining, guide.findings(report_exempted)
    expired = [f for f in report_exempted.findings if f.policy.endswith("s3-bucket-configure-sse-kms-customer-managed-key")]
    assert len(expired) == 1 and expired[0].message.endswith("(The exemption for 'land*' expired on 2025-01-31.)")

# %% [markdown]
# ## 5. Remediation
#
# pulumi-policy runs remediations only for resource policies, before a resource is created or
# updated. The pack offers three safe ones, each a separate policy that is disabled by default:
#
# - `aws-appflow-kms-key-remediate-rotation` turns on `enableKeyRotation` of symmetric keys;
# - `aws-appflow-flow-remediate-customer-managed-key` and
#   `aws-appflow-connectorprofile-remediate-customer-managed-key` set a missing `kmsArn` to the
#   organisation's key (`keyArn`).
#
# `examples/remediation` is a stack with a key without rotation and a flow without `kmsArn`; on its
# own, guide 1's rules block it. Its `policy-config.json` turns the remediations on, names the
# organisation's key, and lists that key under `trustedKeyArns` (it lives in another account, so
# the pack would otherwise report it as unverified).

# %%
REMEDIATION = guide.repo / "examples" / "remediation"
remediation_config = json.loads((REMEDIATION / "policy-config.json").read_text())
print((REMEDIATION / "__main__.py").read_text())
print("policy-config.json:", json.dumps(remediation_config, indent=2))
if guide.teaching:  # skipped when you check your own program
    report_remediated = guide.check(REMEDIATION, {**remediation_config, "all": "mandatory"} if strict else remediation_config)
    guide.show(report_remediated)
    guide.record("remediation", report_remediated)

# %%
if guide.teaching:
    assert guide.findings(report_remediated) == [
        ("aws-appflow-flow-remediate-customer-managed-key", "accounts-to-s3", "remediate"),
        ("aws-appflow-kms-key-remediate-rotation", "appflow-key", "remediate"),
    ], guide.findings(report_remediated)
    assert not report_remediated.blocked
    assert sorted(guide.messages(report_remediated).splitlines()) == [
        "Remediated: set enableKeyRotation.", "Remediated: set kmsArn."]

# %% [markdown]
# A remediation changes what Pulumi deploys, not your program: the next preview remediates again.
# Treat the findings as a to-do list and fix the program too.

# %% [markdown]
# ## 6. Publishing and enabling (Pulumi Cloud)
#
# Run from the pack's folder (the repository root, where `PulumiPolicy.yaml` is); not executed here:
#
# ```bash
# pulumi policy publish <org>                                  # uploads appflow-guard@<version>
# pulumi policy validate-config <org>/appflow-guard <version> --config policy-config.json
# pulumi policy enable <org>/appflow-guard latest \
#     --policy-group default-policy-group --config policy-config.json
# ```
#
# Every stack in the policy group then runs the pack on each `pulumi preview` and `pulumi up`, with
# that config; Pulumi Cloud installs the pack's `requirements.txt` (pulumi and pulumi-policy) on the
# machine that runs the stack. Without Pulumi Cloud, pass `--policy-pack <path to this repository>`
# (and `--policy-pack-config policy-config.json`) to `pulumi preview` and `pulumi up`.
#
# README, "For a whole organisation (Pulumi Cloud)", says what the engine tests prove about this
# (tests/e2e/test_org_policy.py, with the real engine): what `publish` uploads, config per policy
# group, where an invalid config is refused, what a blocked stack's owner sees, and how long the
# first preview on a fresh runner waits for the pack's install.

# %% [markdown]
# ## 7. A rollout plan that does not stop everyone on day one
#
# 1. **Observe.** Publish and enable with `{"all": "advisory"}`. Nothing blocks; every team sees its
#    findings. Send them these guides.
# 2. **Enforce the defaults.** Remove `all`. Mandatory findings now block. Teams that need time get
#    an exemption with a reason and an expiry date, in the shared config, reviewed like code.
# 3. **Tighten.** Add `requiredTags`, `allowedTriggerTypes`, `organizationTrail`, FIPS where it
#    applies; opt in to remediation if you want rotation and default keys fixed on the way; use
#    `{"all": "mandatory"}` (this guide's `strict`) for regulated stacks.
#
# Run the offline checker (`appflow-guard check`, or these guides with `program_dir`) in pull
# requests, so teams see the findings before the deployment does.

# %% [markdown]
# ## Run this guide against your own program
#
# ```bash
# .venv/bin/papermill notebooks/06-rolling-out.ipynb out.ipynb -p program_dir /path/to/your/program
# .venv/bin/papermill notebooks/06-rolling-out.ipynb out.ipynb -p program_dir /path/to/your/program \
#     -p config_path /path/to/policy-config.json -p strict True -p phase update
# ```
#
# With `program_dir` the guide checks your program (a folder with `Pulumi.yaml`), lists its findings
# for this topic and skips the claims that only hold for the guide's own programs.

# %%
guide.finish()  # writes what this run recorded to results_path, for the notebook tests
