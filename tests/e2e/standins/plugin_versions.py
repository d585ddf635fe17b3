"""Which version of a provider plugin an installed Pulumi SDK asks the engine for.

Shared by the stand-in provider (which reports that version) and the engine tests (which install
the stand-in under it in PULUMI_HOME), so both read it the same way: from the pulumi-plugin.json
that each provider SDK ships.
"""

from __future__ import annotations

import importlib.util
import json
import os
from typing import Optional

SDK_MODULES = {"aws": "pulumi_aws", "aws-native": "pulumi_aws_native"}


def installed_plugin_version(package: str) -> Optional[str]:
    """The version (without a leading v) the installed SDK of ``package`` asks for; None if not installed."""
    spec = importlib.util.find_spec(SDK_MODULES[package])
    if spec is None or not spec.submodule_search_locations:
        return None
    with open(os.path.join(spec.submodule_search_locations[0], "pulumi-plugin.json"), encoding="utf-8") as handle:
        return str(json.load(handle)["version"]).lstrip("v")
