"""External references: the flow's key lives in a security account; the pack cannot verify it (advisory)."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "shared"))

from appflow_stack import compliant_stack  # noqa: E402

compliant_stack(flow={"kms_arn": "arn:aws:kms:us-east-1:210987654321:key/7c9e6679-7425-40de-944b-e07fc1f90ae7"})
