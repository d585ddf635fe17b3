"""Provider, with pulumi-aws-native: the flow and the connection are deployed by a provider that skips TLS
verification and sends Cloud Control API calls over plain HTTP."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "shared"))

import pulumi  # noqa: E402
import pulumi_aws_native as aws_native  # noqa: E402

from native_appflow_stack import (accounts_flow, audit_trail, client_secret, customer_managed_key,  # noqa: E402
                                  landing_bucket, macie_coverage, operator_policy, salesforce_profile)

insecure = aws_native.Provider("insecure", region="us-east-1", insecure=True,
                               endpoints=[{"cloudcontrol": "http://cloudcontrol.internal.example.com"}])
key = customer_managed_key()
bucket = landing_bucket(key)
macie_coverage(bucket.bucket_name)
secret = client_secret(key)
profile = salesforce_profile(key, secret, opts=pulumi.ResourceOptions(provider=insecure))
accounts_flow(key, profile, bucket.bucket_name, opts=pulumi.ResourceOptions(provider=insecure))
audit_trail()
operator_policy()
