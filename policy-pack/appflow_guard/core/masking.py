"""Masked renderings of inspected values, so no message ever carries a secret."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

_EMAIL = re.compile(r"^([^@\s]+)@([^@\s]+)$")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")
_MAX_SHOWN = 80


def mask_secret(value: str) -> str:
    """Show only the shape: the first two characters and the length class."""
    if len(value) <= 4:
        return "***"
    return f"{value[:2]}***"


def mask_email(value: str) -> str:
    match = _EMAIL.match(value.strip())
    if not match:
        return mask_secret(value)
    local, domain = match.groups()
    return f"{local[0]}***@{domain}"


def mask_url(value: str) -> str:
    """Keep scheme, host, port and path; drop user info; mask every query and JDBC property value."""
    value = value.strip()
    prefix = ""
    if value.lower().startswith("jdbc:"):
        prefix, value = value[:5], value[5:]
    has_scheme = bool(_SCHEME.match(value))
    try:
        parts = urlsplit(value if has_scheme else f"//{value}")
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        return "<unparseable URL>"
    path, _, properties = parts.path.partition(";")
    rendered = prefix + (f"{parts.scheme}://" if has_scheme else "") + host + (f":{port}" if port else "") + path
    if properties:
        rendered += ";" + ";".join(f"{_name(item)}=***" for item in properties.split(";") if item)
    if parts.query:
        rendered += "?" + "&".join(f"{_name(item)}=***" for item in re.split(r"[&;]", parts.query) if item)
    if len(rendered) > _MAX_SHOWN:
        rendered = rendered[:_MAX_SHOWN] + "..."
    return rendered


def _name(parameter: str) -> str:
    return parameter.split("=", 1)[0]


def shorten(value: str) -> str:
    """A harmless value (key ARN, bucket name) trimmed for a one-line message."""
    value = " ".join(value.split())
    return value if len(value) <= _MAX_SHOWN else value[:_MAX_SHOWN] + "..."


def mask_phone(value: str) -> str:
    """Only the last two digits, as a receipt shows the last four of a card."""
    digits = re.sub(r"\D", "", value)
    return f"***{digits[-2:]}" if len(digits) > 2 else "***"
