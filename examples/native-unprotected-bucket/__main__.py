"""Bucket, with pulumi-aws-native: SSE-S3 (AES256) inline, no TLS-only statement, AppFlow granted s3:* without source account."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "shared"))

from native_appflow_stack import compliant_stack  # noqa: E402

compliant_stack(bucket={"bucket_name": "acme-appflow-landing", "sse_algorithm": "AES256", "deny_insecure_transport": False, "scoped_appflow_grant": False})
