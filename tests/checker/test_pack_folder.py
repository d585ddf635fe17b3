"""The pack's folder is resolved once: refused in one line when it is no pack, its PulumiPolicy.yaml
read for the version and the interpreter the engine would use, never a crash on an odd file."""

import os
import sys

import pytest

from appflow_guard.checker import pack_folder
from appflow_guard.checker.errors import CheckError
from appflow_guard.checker.pack_folder import PackFolder, resolve_pack
from conftest import REPO_ROOT


def pack(tmp_path, settings):
    (tmp_path / "PulumiPolicy.yaml").write_text(settings)
    return str(tmp_path)


def test_the_repository_pack_is_the_default_with_its_version_and_virtualenv():
    virtualenv_python = os.path.join(REPO_ROOT, ".venv", "bin", "python")
    assert resolve_pack() == PackFolder(
        REPO_ROOT, "0.1.0", virtualenv_python if os.path.isfile(virtualenv_python) else sys.executable)


def test_a_pack_with_its_own_virtualenv_runs_with_that_interpreter(tmp_path):
    interpreter = tmp_path / "env" / "bin" / "python"
    interpreter.parent.mkdir(parents=True)
    interpreter.write_text("")
    folder = pack(tmp_path, "runtime:\n  name: python\n  options:\n    virtualenv: env\nversion: 2.3.0\n")
    assert resolve_pack(folder) == PackFolder(folder, "2.3.0", str(interpreter))


@pytest.mark.parametrize("settings", [
    "runtime: python\n",
    "runtime:\n  name: python\n  options:\n    virtualenv: missing-env\n",
    "version: [unclosed\n",
    "- a list\n- not a mapping\n",
    "",
], ids=["no-version", "missing-virtualenv", "invalid-yaml", "a-list", "empty"])
def test_what_the_file_does_not_say_falls_back_to_the_engine_defaults(tmp_path, settings):
    folder = pack(tmp_path, settings)
    assert resolve_pack(folder) == PackFolder(folder, "0.0.1", sys.executable)


def test_a_relative_folder_is_made_absolute(tmp_path, monkeypatch):
    pack(tmp_path, "version: 1.0.0\n")
    monkeypatch.chdir(tmp_path.parent)
    assert resolve_pack(tmp_path.name).path == str(tmp_path)


def test_a_missing_folder_is_refused(tmp_path):
    with pytest.raises(CheckError) as raised:
        resolve_pack(str(tmp_path / "nope"))
    assert str(raised.value) == f"no such policy pack folder: {tmp_path / 'nope'}"


def test_a_folder_without_pulumipolicy_yaml_is_refused(tmp_path):
    with pytest.raises(CheckError) as raised:
        resolve_pack(str(tmp_path))
    assert str(raised.value) == f"{tmp_path} is not a policy pack (no PulumiPolicy.yaml)"


def test_a_default_pack_that_is_gone_asks_for_one(tmp_path, monkeypatch):
    monkeypatch.setattr(pack_folder, "REPOSITORY_PACK", str(tmp_path))
    with pytest.raises(CheckError) as raised:
        resolve_pack()
    assert str(raised.value) == f"{tmp_path} is not a policy pack (no PulumiPolicy.yaml); pass --policy-pack DIR"
