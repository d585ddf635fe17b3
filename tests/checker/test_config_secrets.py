"""Secure values of Pulumi.<stack>.yaml: decrypted as the CLI decrypts them, or checked as unknown secrets."""

import base64
import os
import subprocess
import sys
import textwrap

import pytest
from google.protobuf import json_format

from appflow_guard.checker.errors import CheckError
from appflow_guard.checker.project import ProgramRun, load_project
from appflow_guard.checker.protocol import SECRET_SIGNATURE, SECRET_SIGNATURE_KEY, UNKNOWN_SENTINEL
from appflow_guard.checker.secrets import derive_key, encrypt

PASSPHRASE = "s3cret passphrase"
SALT = b"\x01\x02\x03\x04\x05\x06\x07\x08"
PROGRAM = """
    import pulumi
    import pulumi_aws as aws

    config = pulumi.Config()
    settings = config.require_object("settings")
    aws.sns.Topic("topic", display_name=config.require_secret("displayName"),
                  tags={"owner": settings["owner"], "token": settings["token"]})
"""


def stack(tmp_path, provider_lines=None):
    key = derive_key(PASSPHRASE, SALT)
    (tmp_path / "Pulumi.yaml").write_text("name: secrets\nruntime: python\n")
    (tmp_path / "__main__.py").write_text(textwrap.dedent(PROGRAM))
    header = provider_lines if provider_lines is not None else \
        f"encryptionsalt: v1:{base64.b64encode(SALT).decode()}:{encrypt(key, 'pulumi', b'n' * 12)}\n"
    (tmp_path / "Pulumi.dev.yaml").write_text(header + textwrap.dedent(f"""\
        config:
          secrets:displayName:
            secure: {encrypt(key, "Display-Canary-41", b"a" * 12)}
          secrets:settings:
            owner: data-platform
            token:
              secure: {encrypt(key, "Token-Canary-42", b"b" * 12)}
    """))


def topic_inputs(tmp_path, environ, monkeypatch, phase="preview"):
    for variable in ("PULUMI_CONFIG_PASSPHRASE", "PULUMI_CONFIG_PASSPHRASE_FILE"):
        monkeypatch.delenv(variable, raising=False)
    for variable, value in environ.items():
        monkeypatch.setenv(variable, value)
    project = load_project(str(tmp_path), "dev")
    with ProgramRun(project, "dev", phase, timeout=120) as run:
        found = {registration["name"]: registration for registration in run}
    return project, json_format.MessageToDict(found["topic"]["inputs"])


def secret(value):
    return {SECRET_SIGNATURE_KEY: SECRET_SIGNATURE, "value": value}


@pytest.mark.parametrize("how", ["variable", "file"])
def test_passphrase_values_are_decrypted_as_the_cli_does(tmp_path, monkeypatch, how):
    stack(tmp_path)
    (tmp_path / "passphrase.txt").write_text(PASSPHRASE + "\n")
    environ = {"PULUMI_CONFIG_PASSPHRASE": PASSPHRASE} if how == "variable" else \
        {"PULUMI_CONFIG_PASSPHRASE_FILE": str(tmp_path / "passphrase.txt")}
    project, inputs = topic_inputs(tmp_path, environ, monkeypatch)
    assert inputs == {"displayName": secret("Display-Canary-41"),
                      "tags": {"owner": "data-platform", "token": "Token-Canary-42"}}
    assert project.secret_keys == {"secrets:displayName", "secrets:settings"}
    assert project.notices == ()


@pytest.mark.parametrize("phase", ["preview", "update"])
def test_without_a_passphrase_each_secure_value_is_an_unknown_secret_and_counted(tmp_path, monkeypatch, phase):
    stack(tmp_path)
    project, inputs = topic_inputs(tmp_path, {}, monkeypatch, phase)
    assert inputs == {"displayName": secret(UNKNOWN_SENTINEL),
                      "tags": {"owner": "data-platform", "token": UNKNOWN_SENTINEL}}
    assert project.notices == ("2 secure config values were not decrypted (PULUMI_CONFIG_PASSPHRASE or "
                               "PULUMI_CONFIG_PASSPHRASE_FILE is not set) and checked as unknown secrets",)


@pytest.mark.parametrize("header, reason", [
    ("secretsprovider: awskms://alias/pulumi?region=us-east-1\nencryptedkey: AQIDBAU=\n",
     "the stack's secrets provider is awskms"),
    ("", "the stack has no encryptionsalt: its secrets provider is Pulumi Cloud's"),
])
def test_another_secrets_provider_is_named_and_its_values_unknown(tmp_path, monkeypatch, header, reason):
    stack(tmp_path, header)
    project, inputs = topic_inputs(tmp_path, {"PULUMI_CONFIG_PASSPHRASE": PASSPHRASE}, monkeypatch)
    assert inputs["displayName"] == secret(UNKNOWN_SENTINEL)
    assert project.notices == (f"2 secure config values were not decrypted ({reason}) and checked as unknown secrets",)


def test_a_wrong_passphrase_is_one_line_exit_2_and_shows_nothing_decrypted(tmp_path):
    stack(tmp_path)
    env = {**os.environ, "PULUMI_CONFIG_PASSPHRASE": "wrong"}
    env.pop("PULUMI_CONFIG_PASSPHRASE_FILE", None)
    completed = subprocess.run([sys.executable, "-m", "appflow_guard.checker.cli", "check", str(tmp_path)],
                               capture_output=True, text=True, env=env, timeout=120)
    assert completed.returncode == 2 and completed.stdout == ""
    assert completed.stderr == (f"appflow-guard: {tmp_path}/Pulumi.dev.yaml: incorrect passphrase "
                                f"(PULUMI_CONFIG_PASSPHRASE does not decrypt the stack's secrets)\n")


def test_decrypted_values_never_reach_the_command_line_or_stay_on_disk(tmp_path, monkeypatch):
    """The runner's argv is visible to every user of the machine (ps): decrypted config travels in a file
    that the runner removes as soon as it has read it."""
    stack(tmp_path)
    monkeypatch.setenv("PULUMI_CONFIG_PASSPHRASE", PASSPHRASE)
    project = load_project(str(tmp_path), "dev")
    run = ProgramRun(project, "dev", "preview", timeout=120)
    with run:
        command = " ".join(run._process.args)
        options = run._options.name
        list(run)
    assert "Canary" not in command
    assert not os.path.exists(options)
    with pytest.raises(CheckError, match="incorrect passphrase"):
        monkeypatch.setenv("PULUMI_CONFIG_PASSPHRASE", "wrong")
        load_project(str(tmp_path), "dev")


@pytest.mark.parametrize("header, value, message", [
    ("encryptionsalt: v1:not base64!:v1:x:y\n", "v1:AAAA:BBBB", "encryptionsalt is malformed"),
    (None, "v1:AAAAAAAAAAAAAAAA:garbage", "the secure value of secrets:displayName does not decrypt"),
    (None, "not-a-cipher", "the secure value of secrets:displayName does not decrypt"),
])
def test_broken_secure_config_is_one_line_naming_the_problem(tmp_path, monkeypatch, header, value, message):
    stack(tmp_path, header)
    text = (tmp_path / "Pulumi.dev.yaml").read_text()
    first = text.index("secure: ") + len("secure: ")
    (tmp_path / "Pulumi.dev.yaml").write_text(text[:first] + value + text[text.index("\n", first):])
    monkeypatch.setenv("PULUMI_CONFIG_PASSPHRASE", PASSPHRASE)
    with pytest.raises(CheckError) as raised:
        load_project(str(tmp_path), "dev")
    assert str(raised.value) == f"{tmp_path}/Pulumi.dev.yaml: {message}"
