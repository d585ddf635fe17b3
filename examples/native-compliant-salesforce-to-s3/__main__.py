"""Compliant, with pulumi-aws-native: key with rotation and a scoped policy, SSE-KMS and TLS-only bucket,
secret, private connection, flow, trail, scoped IAM."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "shared"))

from native_appflow_stack import compliant_stack  # noqa: E402

compliant_stack()
