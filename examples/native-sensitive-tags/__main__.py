"""Tags, with pulumi-aws-native: an email address in a flow tag (a list of {key, value}), an access key ID in its description."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "shared"))

from native_appflow_stack import FLOW_TAGS, compliant_stack  # noqa: E402

compliant_stack(flow={
    "tags": FLOW_TAGS + [{"key": "owner", "value": "jane.doe@example.com"}],
    "description": "Copies Salesforce accounts; runs as AKIAIOSFODNN7EXAMPLE",
})
