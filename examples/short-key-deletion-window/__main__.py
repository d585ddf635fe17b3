"""Default controls: the key that protects AppFlow's connection, flow, secret and landing data waits only 7 days
(AWS's default is 30) before KMS destroys it once deleted."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "shared"))

from appflow_stack import compliant_stack  # noqa: E402

compliant_stack(key={"deletion_window_in_days": 7})
