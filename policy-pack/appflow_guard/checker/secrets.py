"""Secure values of a stack's config, decrypted as the Pulumi CLI decrypts them, or left unknown.

The passphrase secrets provider (the default of a file backend, `secretsprovider: passphrase`)
derives its key from the passphrase and the stack's `encryptionsalt` (PBKDF2-SHA256, 1,000,000
rounds, 32 bytes) and encrypts each value with AES-256-GCM as `v1:<nonce>:<ciphertext>`; the salt
line ends with the encryption of "pulumi", which tells a wrong passphrase. The passphrase comes
from PULUMI_CONFIG_PASSPHRASE or the file PULUMI_CONFIG_PASSPHRASE_FILE names. Without them, or
with another provider (a cloud KMS, Pulumi Cloud), each secure value is an unknown secret.
Decrypted values are never printed.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from typing import Any, Optional

from .errors import CheckError

UNKNOWN_SENTINEL = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
ROUNDS = 1_000_000


def derive_key(passphrase: str, salt: bytes) -> bytes:
    return hashlib.pbkdf2_hmac("sha256", passphrase.encode(), salt, ROUNDS, 32)


def _decrypt(key: bytes, value: str) -> Optional[str]:
    """The plaintext of `v1:<nonce>:<ciphertext>`, or None when it does not decrypt with ``key``."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    parts = value.split(":")
    if len(parts) != 3 or parts[0] != "v1":
        return None
    try:
        nonce, ciphertext = base64.b64decode(parts[1], validate=True), base64.b64decode(parts[2], validate=True)
        return AESGCM(key).decrypt(nonce, ciphertext, None).decode("utf-8")
    except (binascii.Error, ValueError, InvalidTag, UnicodeDecodeError):
        return None


def encrypt(key: bytes, plaintext: str, nonce: bytes) -> str:
    """`v1:<nonce>:<ciphertext>` as the CLI writes it (used to build test stacks)."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    sealed = AESGCM(key).encrypt(nonce, plaintext.encode(), None)
    return f"v1:{base64.b64encode(nonce).decode()}:{base64.b64encode(sealed).decode()}"


def passphrase() -> Optional[str]:
    if "PULUMI_CONFIG_PASSPHRASE" in os.environ:
        return os.environ["PULUMI_CONFIG_PASSPHRASE"]
    path = os.environ.get("PULUMI_CONFIG_PASSPHRASE_FILE")
    if path:
        try:
            with open(path, encoding="utf-8") as handle:
                return handle.read().strip()
        except OSError as error:
            raise CheckError(f"cannot read PULUMI_CONFIG_PASSPHRASE_FILE {path}: {error.strerror}") from None
    return None


class StackSecrets:
    """Reveals the secure values of one Pulumi.<stack>.yaml; counts those it could not decrypt."""

    def __init__(self, path: str, settings: dict) -> None:
        self.path = path
        self.provider = str(settings.get("secretsprovider") or "passphrase")
        self.salt = settings.get("encryptionsalt")
        self.undecrypted = 0
        self._key: Optional[bytes] = None
        self._reason = ""

    def _crypter_key(self) -> Optional[bytes]:
        if self._key is not None or self._reason:
            return self._key
        if self.provider != "passphrase" or not isinstance(self.salt, str):
            self._reason = (f"the stack's secrets provider is {self.provider.split('://')[0]}"
                            if self.provider != "passphrase" else
                            "the stack has no encryptionsalt: its secrets provider is Pulumi Cloud's")
            return None
        phrase = passphrase()
        if phrase is None:
            self._reason = "PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE is not set"
            return None
        parts = self.salt.split(":", 2)
        try:
            salt = base64.b64decode(parts[1], validate=True) if len(parts) == 3 and parts[0] == "v1" else None
        except binascii.Error:
            salt = None
        if salt is None:
            raise CheckError(f"{self.path}: encryptionsalt is malformed")
        key = derive_key(phrase, salt)
        if _decrypt(key, parts[2]) != "pulumi":
            raise CheckError(f"{self.path}: incorrect passphrase (PULUMI_CONFIG_PASSPHRASE does not decrypt "
                             f"the stack's secrets)")
        self._key = key
        return key

    def reveal(self, key: str, value: Any) -> tuple[Any, bool]:
        """(the value with every secure value decrypted or unknown, whether it held one)."""
        if isinstance(value, dict) and set(value) == {"secure"}:
            cipher = value["secure"]
            crypter = self._crypter_key()
            if crypter is None:
                self.undecrypted += 1
                return UNKNOWN_SENTINEL, True
            plaintext = _decrypt(crypter, str(cipher))
            if plaintext is None:
                raise CheckError(f"{self.path}: the secure value of {key} does not decrypt")
            return plaintext, True
        if isinstance(value, dict):
            revealed = {name: self.reveal(key, item) for name, item in value.items()}
            return {name: item for name, (item, _) in revealed.items()}, any(s for _, s in revealed.values())
        if isinstance(value, list):
            revealed = [self.reveal(key, item) for item in value]
            return [item for item, _ in revealed], any(s for _, s in revealed)
        return value, False

    def notices(self) -> list[str]:
        if not self.undecrypted:
            return []
        plural = "s were" if self.undecrypted != 1 else " was"
        return [f"{self.undecrypted} secure config value{plural} not decrypted ({self._reason}) and checked as "
                f"unknown secret{'s' if self.undecrypted != 1 else ''}"]
