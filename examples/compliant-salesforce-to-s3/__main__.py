"""A compliant Salesforce-to-S3 AppFlow stack: the pack reports nothing, in preview or update."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "shared"))

from appflow_stack import compliant_stack  # noqa: E402

compliant_stack()
