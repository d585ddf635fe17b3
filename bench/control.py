"""The control pack: the same shape as appflow-guard, with rules that only read one property.

pulumi-policy decodes every resource's properties once per policy on each Analyze call, and once
per stack policy per resource on AnalyzeStack: that cost is the SDK's, whatever the rules do. The
control pack has one policy for each of ours, of the same kind (resource or stack), with the same
default enforcement level and, for remediation-only policies, a remediation instead of a
validation, so the SDK does exactly the same work for it; its process gets the same cyclic-GC
settings as ours. What is left in our figures beyond the control's is the cost of our rules. A
second control keeps CPython's default GC settings, to show what those cost the SDK.
"""

from __future__ import annotations

import os

from pulumi_policy import ResourceValidationPolicy, StackValidationPolicy

from appflow_guard.pack import POLICIES

ENTRY_POINT = '''"""Control pack for `make bench`: {resource} resource and {stack} stack policies that read one property."""

import gc

from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy, StackValidationPolicy

GC_THRESHOLDS = {gc_thresholds!r}

SHAPE = {shape!r}


def read_one_property(args, report_violation):
    args.props.get("name")


def read_one_property_of_each(args, report_violation):
    for resource in args.resources:
        resource.props.get("name")


def remediate_nothing(args):
    return None


def policy(index, kind, level, validates):
    common = dict(name=f"control-{{index:02d}}-{{kind}}", description="Reads one property.",
                  enforcement_level=EnforcementLevel(level))
    if kind == "stack":
        return StackValidationPolicy(validate=read_one_property_of_each, **common)
    if validates:
        return ResourceValidationPolicy(validate=read_one_property, **common)
    return ResourceValidationPolicy(remediate=remediate_nothing, **common)


if __name__ == "__main__":
    if GC_THRESHOLDS:  # the same process settings as appflow-guard's entry point
        gc.freeze()
        gc.set_threshold(*GC_THRESHOLDS)
    PolicyPack(name="appflow-guard-control", enforcement_level=EnforcementLevel.ADVISORY,
               policies=[policy(index, *entry) for index, entry in enumerate(SHAPE)])
'''

POLICY_YAML = """name: appflow-guard-control
version: 0.0.1
description: Control pack for make bench (same shape as appflow-guard, rules read one property).
runtime: python
"""


def shape() -> list[tuple[str, str, bool]]:
    """(kind, default enforcement level, has a validation) for each policy of our pack, in order."""
    entries = []
    for policy in POLICIES:
        if isinstance(policy, StackValidationPolicy):
            entries.append(("stack", policy.enforcement_level.value, True))
        elif isinstance(policy, ResourceValidationPolicy):
            entries.append(("resource", policy.enforcement_level.value, policy.has_validation()))
        else:
            raise TypeError(f"{policy.name} is neither a resource nor a stack policy")
    return entries


def write_control_pack(directory: str, gc_thresholds: tuple | None = None) -> dict:
    """Write the control pack into ``directory``; returns its shape counts.

    ``gc_thresholds``: the cyclic-GC settings the pack process applies before serving (those of
    appflow-guard's entry point, so that only the rules differ); None keeps CPython's defaults.
    """
    os.makedirs(directory, exist_ok=True)
    entries = shape()
    counts = {"resource": sum(kind == "resource" for kind, _, _ in entries),
              "stack": sum(kind == "stack" for kind, _, _ in entries),
              "disabled": sum(level == "disabled" for _, level, _ in entries)}
    with open(os.path.join(directory, "__main__.py"), "w", encoding="utf-8") as handle:
        handle.write(ENTRY_POINT.format(resource=counts["resource"], stack=counts["stack"], shape=entries,
                                         gc_thresholds=tuple(gc_thresholds) if gc_thresholds else None))
    with open(os.path.join(directory, "PulumiPolicy.yaml"), "w", encoding="utf-8") as handle:
        handle.write(POLICY_YAML)
    return {"policies": len(entries), **counts, "gc_thresholds": list(gc_thresholds) if gc_thresholds else "default"}
