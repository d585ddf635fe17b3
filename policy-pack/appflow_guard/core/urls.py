"""Finding and parsing the URLs a connector profile makes AppFlow call."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator
from urllib.parse import urlsplit

from .values import dig, strings_in

_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")
_URL_KEY = re.compile(r"(url|uri)$", re.IGNORECASE)
_CREDENTIAL_PARAMETER = re.compile(
    r"(token|secret|passw|pwd|signature|credential|apikey|api[_-]key|access[_-]?key|session|private[_-]?key)",
    re.IGNORECASE,
)
_CREDENTIAL_PARAMETER_NAMES = frozenset({"key", "sig", "auth", "code", "pass", "client_secret"})
_TLS_DISABLED = re.compile(r"^(ssl|tls|usessl|encrypt)=(false|0|no|off)$|^sslmode=(disable|allow)$", re.IGNORECASE)


@dataclass(frozen=True)
class Url:
    path: str
    value: str

    @property
    def is_jdbc(self) -> bool:
        return self.value.strip().lower().startswith("jdbc:")

    def _parts(self):
        value = self.value.strip()
        if self.is_jdbc:
            value = value[len("jdbc:"):]
        return urlsplit(value)

    @property
    def scheme(self) -> str:
        value = self.value.strip()
        match = _SCHEME.match(value[len("jdbc:"):] if self.is_jdbc else value)
        return match.group(0)[:-len("://")].lower() if match else ""

    def has_user_info(self) -> bool:
        try:
            netloc = self._parts().netloc
        except ValueError:
            return False
        return "@" in netloc

    def parameters(self) -> list[str]:
        """Query (and JDBC ';'-separated) parameters as raw 'name=value' strings."""
        try:
            parts = self._parts()
        except ValueError:
            return []
        raw = parts.query
        if self.is_jdbc and ";" in parts.path:
            raw += ";" + parts.path.split(";", 1)[1]
        return [item for item in re.split(r"[&;]", raw) if item]

    def credential_parameters(self) -> list[str]:
        names = []
        for item in self.parameters():
            name = item.split("=", 1)[0]
            if "=" in item and (name.lower() in _CREDENTIAL_PARAMETER_NAMES or _CREDENTIAL_PARAMETER.search(name)):
                names.append(name)
        return names

    def disables_tls(self) -> bool:
        return any(_TLS_DISABLED.match(item.strip()) for item in self.parameters())


def profile_urls(profile_props: dict) -> Iterator[Url]:
    """Every URL-valued field of a connector profile: fields named *Url/*Uri and any scheme://."""
    config = dig(profile_props, "connectorProfileConfig")
    for path, value in strings_in(config, "connectorProfileConfig"):
        key = re.split(r"[.\[]", path)[-1]
        if _URL_KEY.search(key) or _SCHEME.match(value.strip()) or value.strip().lower().startswith("jdbc:"):
            yield Url(path, value)
