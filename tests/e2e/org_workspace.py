"""The real engine logged in to a stand-in Pulumi Cloud organisation (tests/e2e/standins/cloud.py).

Shared by the organisation-wide tests (test_org_policy.py) and `make bench`. Everything stays in a
temporary folder, as for EngineWorkspace: PULUMI_HOME (so every required pack is downloaded and
installed from scratch, as on a fresh CI runner), the service's data folder and the programs.

When the engine installs a required pack it asks the language host to create the pack's virtualenv
and `pip install -r requirements.txt` into it. PIP_CONSTRAINT pins that install to the versions of
the project's .venv (the versions every other test runs); ``use_wheelhouse`` then makes it offline:
the pack's requirements are downloaded once into a folder (the only step that reads the package
index this machine is configured with) and pip installs from there, as a runner with a package
mirror would (three times as fast as from the index here: 15 s instead of 44 s under load).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib import metadata
from typing import Optional

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pulumi_engine import EngineRun, EngineWorkspace  # noqa: E402
from cloud import CloudStandIn  # noqa: E402  (tests/e2e/standins, put on sys.path by pulumi_engine)

ORGANIZATION = "acme"
PACK = "appflow-guard"
ACCESS_TOKEN = "pul-standin-token"  # the stand-in accepts any token; this one is nobody's credential


def write_constraints(path: str) -> str:
    """Every distribution of this interpreter pinned to its version, as a pip constraints file."""
    pins = sorted({f"{dist.metadata['Name']}=={dist.version}" for dist in metadata.distributions()
                   if dist.metadata["Name"]})
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("\n".join(pins) + "\n")
    return path


class OrgWorkspace(EngineWorkspace):
    """One PULUMI_HOME whose backend is the stand-in Cloud; stacks are the organisation's."""

    def __init__(self, pulumi: str, root: str, cloud: CloudStandIn) -> None:
        super().__init__(pulumi, root)
        self.cloud = cloud
        self.env.pop("PULUMI_CONFIG_PASSPHRASE", None)  # Cloud stacks use the service's secrets provider
        self.env.update({
            "PULUMI_BACKEND_URL": cloud.base_url,
            "PULUMI_ACCESS_TOKEN": ACCESS_TOKEN,
            "PIP_CONSTRAINT": write_constraints(os.path.join(root, "constraints.txt")),
        })

    def use_wheelhouse(self, folder: str, requirements: str) -> None:
        """Download ``requirements`` (pinned by the constraints) into ``folder``; pip installs from it only."""
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--dest", folder,
                        "--constraint", self.env["PIP_CONSTRAINT"], "--requirement", requirements],
                       check=True, capture_output=True, timeout=600)
        self.env.update({"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": folder})

    def checked(self, args: list[str], cwd: Optional[str] = None) -> EngineRun:
        run = self.run(args, cwd or self.root)
        if run.exit_code != 0:
            raise AssertionError(f"pulumi {' '.join(args)} failed: {run.stdout}{run.stderr}")
        return run

    def login(self) -> EngineRun:
        return self.checked(["login", self.cloud.base_url])

    def publish(self, pack_dir: str) -> EngineRun:
        return self.checked(["policy", "publish", ORGANIZATION], pack_dir)

    def enable(self, version: str = "latest", config: Optional[dict] = None) -> EngineRun:
        """`pulumi policy enable <org>/appflow-guard <version> [--config FILE]` on the default group."""
        args = ["policy", "enable", f"{ORGANIZATION}/{PACK}", version]
        if config is not None:
            path = os.path.join(self.root, f"policy-config-{len(os.listdir(self.root))}.json")
            with open(path, "w", encoding="utf-8") as handle:
                json.dump(config, handle)
            args += ["--config", path]
        return self.checked(args)

    def disable(self) -> EngineRun:
        return self.checked(["policy", "disable", f"{ORGANIZATION}/{PACK}"])

    def installed_pack(self, version: str) -> str:
        """Where the engine extracts and installs a required pack (workspace.GetPolicyPath)."""
        return os.path.join(self.home, "policies", ORGANIZATION, f"pulumi-analyzer-{PACK}-v{version}")

    def stored_tarball(self, version: str) -> str:
        return self.cloud.store.path("policypacks", ORGANIZATION, PACK, version + ".tgz")
