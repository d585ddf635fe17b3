"""Buckets: the landing bucket uses SSE-S3, accepts plain HTTP and grants AppFlow s3:* for any account."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "shared"))

from appflow_stack import compliant_stack  # noqa: E402

compliant_stack(bucket={
    "bucket_name": "acme-appflow-landing",
    "sse_algorithm": "AES256",
    "deny_insecure_transport": False,
    "scoped_appflow_grant": False,
})
