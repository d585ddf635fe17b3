"""What AppFlow asks of the policies around it: its service principal, the S3 requests it makes,
and whether an identity-based policy is one for AppFlow at all."""

from __future__ import annotations

import json
from typing import Any

from .policy_evaluation import Policy, Statement

APPFLOW_SERVICE = "appflow.amazonaws.com"

# The requests AppFlow makes on a bucket, from the bucket policies the Amazon AppFlow User Guide
# gives for an S3 source (s3:ListBucket, s3:GetObject) and an S3 destination (the other six).
# Bucket actions act on arn:aws:s3:::bucket, object actions on arn:aws:s3:::bucket/key.
S3_BUCKET_ACTIONS = ("s3:ListBucket", "s3:ListBucketMultipartUploads", "s3:GetBucketAcl")
S3_OBJECT_ACTIONS = ("s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts",
                     "s3:PutObjectAcl")


def names_appflow_service(statement: Statement) -> bool:
    """Whether the statement's Principal names AppFlow's service principal."""
    principals = statement.principals
    return isinstance(principals, dict) and APPFLOW_SERVICE in principals.get("Service", ())


def names_appflow_actions(policy: Policy) -> bool:
    """Whether an Allow statement names AppFlow actions (``appflow:*``, ``appflow:StartFlow``): a
    policy for AppFlow. ``Action: "*"`` (an administrator's policy) or a NotAction does not make a
    policy one for AppFlow, so they do not bring it into scope."""
    return any(isinstance(action, str) and action.lower().startswith("appflow:")
               for statement in policy.statements if statement.allows
               for action in statement.actions or ())


def mentions(raw: Any, text: str) -> bool:
    """Whether a document's text names ``text`` (case-insensitive): how far a document AWS would
    refuse can be read, since it has no statements to evaluate."""
    written = raw if isinstance(raw, str) else json.dumps(raw, default=str)
    return text.lower() in written.lower()


def for_appflow(policy: Policy, raw: Any) -> bool:
    """Whether an identity-based policy is one for AppFlow (see ``names_appflow_actions``); a
    document AWS would refuse is, when its text names AppFlow actions."""
    return mentions(raw, "appflow:") if policy.invalid else names_appflow_actions(policy)
