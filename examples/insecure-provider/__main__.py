"""Provider: the connection and the flow are deployed with insecure=True and a plain-HTTP endpoint."""

import os
import sys

import pulumi
import pulumi_aws as aws

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "shared"))

from appflow_stack import accounts_flow, audit_trail, client_secret, customer_managed_key, landing_bucket  # noqa: E402
from appflow_stack import macie_coverage, operator_policy, salesforce_profile  # noqa: E402

legacy = aws.Provider("legacy", region="us-east-1", insecure=True,
                      endpoints=[{"appflow": "http://appflow.internal.example.com"}])
through_legacy = pulumi.ResourceOptions(provider=legacy)

key = customer_managed_key()
bucket = landing_bucket(key)
macie_coverage([bucket.bucket])
secret = client_secret(key)
profile = salesforce_profile(key, secret, opts=through_legacy)
accounts_flow(key, profile, bucket, opts=through_legacy)
audit_trail()
operator_policy()
