"""The entry point the Pulumi engine runs (`python -m pulumi.policy <engine> <this folder>`)."""

import gc
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "policy-pack"))

from pulumi_policy import EnforcementLevel, PolicyPack  # noqa: E402

from appflow_guard import GC_THRESHOLDS, PACK_NAME  # noqa: E402
from appflow_guard.pack import DESCRIPTION, POLICIES  # noqa: E402

if __name__ == "__main__":
    # On AnalyzeStack the SDK keeps every decoded resource of the stack alive while each stack
    # policy runs; with the default thresholds the cyclic GC's full collections rescan that heap so
    # often that a 10,000-resource stack took 17x as long as a 1,000-resource one (`make bench`).
    # Objects that exist after start-up are frozen (they live as long as the process) and full
    # collections are made rarer; reference counting still frees everything else at once.
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
    PolicyPack(
        name=PACK_NAME,
        policies=list(POLICIES),
        enforcement_level=EnforcementLevel.ADVISORY,
        description=DESCRIPTION,
        display_name="AppFlow data protection",
        provider="aws",
        tags=["aws", "appflow", "data-protection"],
    )
