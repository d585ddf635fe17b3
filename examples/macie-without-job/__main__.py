"""Macie: the account is enabled, but no classification job lists the landing bucket AppFlow writes to."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "shared"))

from appflow_stack import compliant_stack  # noqa: E402

compliant_stack(macie={"job": False})
