"""Keys: the flow uses the AWS managed key, the connection and its secret name no key at all."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "shared"))

from appflow_stack import compliant_stack  # noqa: E402

compliant_stack(
    flow={"kms_arn": "alias/aws/appflow"},
    profile={"kms_arn": None},
    secret={"encrypted_with_key": False},
)
