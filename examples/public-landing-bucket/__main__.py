"""Default controls: a BucketPublicAccessBlock turns block_public_policy and restrict_public_buckets off on the
landing bucket, so a bucket policy could make the SaaS data AppFlow lands there public."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "shared"))

from appflow_stack import compliant_stack  # noqa: E402

compliant_stack(bucket={"public_access_block": {
    "block_public_acls": True,
    "ignore_public_acls": True,
    "block_public_policy": False,
    "restrict_public_buckets": False,
}})
