"""Private connections: Salesforce supports PrivateLink, but the connection is Public (advisory)."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "shared"))

from appflow_stack import compliant_stack  # noqa: E402

compliant_stack(profile={"connection_mode": "Public"})
