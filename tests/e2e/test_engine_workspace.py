"""EngineWorkspace.new_stack writes the files `pulumi stack init` writes, and the engine takes them as its own."""

import base64
import hashlib
import json
import os
import sys

import pytest
import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pulumi_engine import EngineWorkspace, build_engine  # noqa: E402

pytestmark = pytest.mark.e2e


def project(folder, name: str) -> str:
    os.makedirs(folder)
    with open(os.path.join(folder, "Pulumi.yaml"), "w", encoding="utf-8") as handle:
        handle.write(f"name: {name}\nruntime: python\n")
    with open(os.path.join(folder, "__main__.py"), "w", encoding="utf-8") as handle:
        handle.write("import pulumi\n\npulumi.export('greeting', pulumi.Config().require('greeting'))\n")
    return str(folder)


def stack_files(workspace: EngineWorkspace, program: str, name: str) -> tuple[dict, dict, dict]:
    """(checkpoint, its blob attributes, Pulumi.dev.yaml) of stack dev of project ``name``."""
    path = os.path.join(workspace.backend, ".pulumi", "stacks", name, "dev.json")
    with open(path, encoding="utf-8") as handle, open(path + ".attrs", encoding="utf-8") as attributes, \
            open(os.path.join(program, "Pulumi.dev.yaml"), encoding="utf-8") as settings:
        content = handle.read()
        attrs = json.load(attributes)
        assert attrs["md5"] == base64.b64encode(hashlib.md5(content.encode()).digest()).decode()
        return json.loads(content), attrs, yaml.safe_load(settings)


def without_time_and_salt(checkpoint: dict) -> dict:
    latest = dict(checkpoint["checkpoint"]["latest"])
    latest["manifest"] = {key: value for key, value in latest["manifest"].items() if key != "time"}
    latest["secrets_providers"] = {**latest["secrets_providers"], "state": "<salt>"}
    return {**checkpoint, "checkpoint": {**checkpoint["checkpoint"], "latest": latest}}


def test_a_new_stack_is_what_stack_init_writes_and_the_engine_runs_it(tmp_path):
    pulumi = build_engine()
    made = EngineWorkspace(pulumi, str(tmp_path / "made"))
    real = EngineWorkspace(pulumi, str(tmp_path / "real"))
    first = project(tmp_path / "first", "first-project")
    second = project(tmp_path / "second", "second-project")
    reference = project(tmp_path / "reference", "second-project")
    made.new_stack(first, config={"greeting": "hello"})
    made.new_stack(second, config={"greeting": "hi"})
    real.init_stack(reference, config={"greeting": "hi"})

    new_checkpoint, new_attributes, new_settings = stack_files(made, second, "second-project")
    real_checkpoint, real_attributes, real_settings = stack_files(real, reference, "second-project")
    assert new_checkpoint["checkpoint"]["stack"] == "organization/second-project/dev"
    assert without_time_and_salt(new_checkpoint) == without_time_and_salt(real_checkpoint)
    assert {key: value for key, value in new_attributes.items() if key != "md5"} == \
        {key: value for key, value in real_attributes.items() if key != "md5"}
    assert new_settings.keys() == real_settings.keys() == {"encryptionsalt", "config"}
    assert new_settings["config"] == real_settings["config"] == {"second-project:greeting": "hi"}

    listed = made.run(["stack", "ls", "--json"], second)
    assert [stack["name"] for stack in json.loads(listed.stdout)] == ["dev"], listed.stderr
    for program, greeting in ((first, "hello"), (second, "hi")):
        deployed = made.run(["up", "--stack", "dev", "--yes", "--skip-preview"], program)
        assert deployed.exit_code == 0, deployed.stdout + deployed.stderr
        output = made.run(["stack", "output", "--stack", "dev", "greeting"], program)
        assert output.stdout.strip() == greeting
