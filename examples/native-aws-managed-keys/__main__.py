"""Keys, with pulumi-aws-native: alias/aws/appflow on the flow, no key on the connection and its secret,
and the key that still protects the landing bucket neither rotates nor scopes AppFlow's grant."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "shared"))

from native_appflow_stack import compliant_stack  # noqa: E402

compliant_stack(key={"rotation": False, "scoped_appflow_grant": False},
                flow={"kms_arn": "alias/aws/appflow"}, profile={"kms_arn": None},
                secret={"encrypted_with_key": False})
