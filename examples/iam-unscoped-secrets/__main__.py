"""IAM: the operator policy lets its holders create and share any secret, not only AppFlow's."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "shared"))

from appflow_stack import compliant_stack  # noqa: E402

compliant_stack(operator_policy={"scoped_secrets_access": False})
