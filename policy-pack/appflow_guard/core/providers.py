"""Reading the AWS provider a resource is deployed with (properties arrive JSON-encoded)."""

from __future__ import annotations

from typing import Iterator

from .values import UNKNOWN, as_dict, as_list, decode_json, plain


def provider_settings(args) -> tuple[str, dict] | None:
    """(provider name, decoded properties) of the analysed resource's provider, if any."""
    provider = getattr(args, "provider", None)
    if provider is None:
        return None
    props = plain(provider.props)
    return provider.name, {key: decode_json(value) for key, value in as_dict(props).items()}


def custom_endpoints(settings: dict) -> Iterator[tuple[str, object]]:
    """(service, URL) for every custom endpoint the provider overrides."""
    endpoints = settings.get("endpoints")
    if endpoints is UNKNOWN:
        return
    for block in as_list(endpoints) or [endpoints]:
        for service, url in as_dict(block).items():
            if url is not None and url != "":
                yield service, url
