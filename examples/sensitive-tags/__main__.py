"""Names and tags: an owner's email in a tag and an access key ID pasted into a description."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "shared"))

from appflow_stack import compliant_stack  # noqa: E402

compliant_stack(flow={
    "tags": {"team": "data-platform", "owner": "jane.doe@example.com"},
    "description": "Copies accounts; runs as AKIAIOSFODNN7EXAMPLE",
})
