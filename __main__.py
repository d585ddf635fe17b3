"""The entry point the Pulumi engine runs (`python -m pulumi.policy <engine> <this folder>`)."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "policy-pack"))

from pulumi_policy import EnforcementLevel, PolicyPack  # noqa: E402

from appflow_guard import PACK_NAME  # noqa: E402
from appflow_guard.pack import DESCRIPTION, POLICIES  # noqa: E402

if __name__ == "__main__":
    PolicyPack(
        name=PACK_NAME,
        policies=list(POLICIES),
        enforcement_level=EnforcementLevel.ADVISORY,
        description=DESCRIPTION,
        display_name="AppFlow data protection",
        provider="aws",
        tags=["aws", "appflow", "data-protection"],
    )
