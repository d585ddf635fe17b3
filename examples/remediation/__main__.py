"""Remediation: a key without rotation and a flow without kmsArn, fixed by the opt-in remediations.

Run with policy-config.json (beside this file), which sets the remediation policies to
``remediate`` and names the organisation's default AppFlow key.
"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "shared"))

from appflow_stack import compliant_stack  # noqa: E402

compliant_stack(key={"rotation": False}, flow={"kms_arn": None})
