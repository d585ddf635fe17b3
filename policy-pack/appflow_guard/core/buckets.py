"""Grouping AppFlow's bucket references by the stack bucket they resolve to."""

from __future__ import annotations

from .stack import StackView


def appflow_bucket_users(view: StackView) -> dict:
    """Each stack bucket AppFlow reads or writes, with the fields ('flow.field') that use it."""
    users: dict = {}
    for link in view.appflow_buckets():
        for bucket in link.buckets:
            users.setdefault(bucket, []).append(f"{link.holder.name}.{link.field}")
    return users
