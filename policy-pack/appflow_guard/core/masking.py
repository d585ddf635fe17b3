"""Masked renderings of inspected values, so no message ever carries a secret."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

_EMAIL = re.compile(r"^([^@\s]+)@([^@\s]+)$")
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
    """Keep scheme, host, port and path; drop user info; mask every query value."""
    try:
        parts = urlsplit(value.strip())
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        return "<unparseable URL>"
    if not parts.scheme and not host:
        return "<unparseable URL>"
    netloc = host + (f":{port}" if port else "")
    rendered = f"{parts.scheme}://{netloc}{parts.path}" if parts.scheme else f"{netloc}{parts.path}"
    if parts.query:
        names = [pair.split("=", 1)[0] for pair in re.split(r"[&;]", parts.query) if pair]
        rendered += "?" + "&".join(f"{name}=***" for name in names)
    if len(rendered) > _MAX_SHOWN:
        rendered = rendered[:_MAX_SHOWN] + "..."
    return rendered


def shorten(value: str) -> str:
    """A harmless value (key ARN, bucket name) trimmed for a one-line message."""
    value = " ".join(value.split())
    return value if len(value) <= _MAX_SHOWN else value[:_MAX_SHOWN] + "..."
