"""The policy pack's folder, found and read once: where it is and what its PulumiPolicy.yaml says."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from typing import Optional

from .errors import CheckError

POLICY_FILE = "PulumiPolicy.yaml"
PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPOSITORY_PACK = os.path.dirname(os.path.dirname(PACKAGE_DIR))
# An installed wheel has no repository: its build puts the pack's entry files here (setup.py).
BUNDLED_PACK = os.path.join(PACKAGE_DIR, "bundled_pack")
DEFAULT_VERSION = "0.0.1"


@dataclass(frozen=True)
class PackFolder:
    path: str  # absolute
    version: str  # PulumiPolicy.yaml's version, DEFAULT_VERSION when it names none
    python: str  # the interpreter the engine would use for the pack: its virtualenv option if present


def _settings(pack: str) -> dict:
    import yaml  # pulumi depends on PyYAML

    try:
        with open(os.path.join(pack, POLICY_FILE), encoding="utf-8") as handle:
            settings = yaml.safe_load(handle)
    except (OSError, yaml.YAMLError):
        return {}
    return settings if isinstance(settings, dict) else {}


def _python(pack: str, settings: dict) -> str:
    runtime = settings.get("runtime")
    options = runtime.get("options") if isinstance(runtime, dict) else None
    virtualenv = options.get("virtualenv") if isinstance(options, dict) else None
    candidate = os.path.join(pack, str(virtualenv), "bin", "python") if virtualenv else ""
    return candidate if candidate and os.path.isfile(candidate) else sys.executable


def default_pack() -> str:
    """The clone's pack when running from a clone, else the one that came with the installed wheel."""
    if os.path.isfile(os.path.join(REPOSITORY_PACK, POLICY_FILE)) or not os.path.isdir(BUNDLED_PACK):
        return REPOSITORY_PACK
    return BUNDLED_PACK


def resolve_pack(path: Optional[str] = None) -> PackFolder:
    """The pack at ``path`` (default: the clone's, else the installed wheel's), refused in one line when it is none."""
    pack = os.path.abspath(path or default_pack())
    if not os.path.isdir(pack):
        raise CheckError(f"no such policy pack folder: {pack}")
    if not os.path.isfile(os.path.join(pack, POLICY_FILE)):
        raise CheckError(f"{pack} is not a policy pack (no {POLICY_FILE})" + ("" if path else "; pass --policy-pack DIR"))
    settings = _settings(pack)
    version = settings.get("version")
    return PackFolder(pack, str(version) if version else DEFAULT_VERSION, _python(pack, settings))
