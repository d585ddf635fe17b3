"""Grouping AppFlow's bucket references by the stack bucket they resolve to."""

from __future__ import annotations

from . import types
from .stack import StackView


def appflow_bucket_users(view: StackView, written: bool = False) -> dict:
    """Each stack bucket AppFlow reads or writes (with ``written``, writes), with the fields
    ('flow.field') that use it that way, sorted: the engine hands a stack policy its resources in
    the order their steps finished, so a message that followed that order would change from one
    run to the next."""
    if not view.of_type(*types.S3_BUCKET_TYPES):
        return {}  # no bucket in the stack: no reference can resolve to one (and nothing is decoded)
    users: dict = {}
    for link in view.appflow_buckets():
        if written and not link.writes:
            continue
        for bucket in link.buckets:
            users.setdefault(bucket, []).append(f"{link.holder.name}.{link.field}")
    return {bucket: sorted(fields) for bucket, fields in users.items()}
