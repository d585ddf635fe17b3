"""URLs, with pulumi-aws-native: the Salesforce instance URL carries a user, a password and an access token, over http."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "shared"))

from native_appflow_stack import compliant_stack  # noqa: E402

compliant_stack(profile={
    "instance_url": "http://integration:Winter2026!@acme.my.salesforce.com/services?access_token=00D5g000004Example",
})
