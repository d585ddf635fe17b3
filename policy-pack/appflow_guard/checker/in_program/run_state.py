"""What one program run's mocks and monitor share: its settings, the stream it writes, a shaper per region."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Callable

from . import aws_answers, shaped_values
from .aws_answers import ACCOUNT
from .aws_outputs import computed_outputs


@dataclass(frozen=True)
class RunSettings:
    """The run's stack and phase, and the answers the user gave (--mocks, --stack-reference)."""

    project: str
    stack: str
    preview: bool
    region: str
    invoke_answers: dict
    resource_answers: dict
    stack_references: dict

    @classmethod
    def of(cls, project: str, stack: str, phase: str, config: dict, options: dict) -> "RunSettings":
        file_mocks = options.get("mocks") or {}
        return cls(project=project, stack=stack, preview=phase == "preview",
                   region=str(config.get("aws:region", "us-east-1")),
                   invoke_answers=file_mocks.get("invokes") or {}, resource_answers=file_mocks.get("resources") or {},
                   stack_references=options.get("stackReferences") or {})

    def overrides(self, typ: str, name: str) -> dict:
        """The outputs a mocks file gives a resource, by type and then by name."""
        return {**(self.resource_answers.get(typ) or {}), **(self.resource_answers.get(name) or {})}


class Emitter:
    """The run's one writer: registrations and notices (each notice once), serialised across the SDK's threads."""

    def __init__(self, emit: Callable[[dict], None]) -> None:
        self._emit = emit
        self._lock = threading.Lock()
        self._noticed: set = set()

    def registration(self, registration: dict) -> None:
        with self._lock:
            self._emit(registration)

    def notice(self, text: str) -> None:
        with self._lock:
            if text not in self._noticed:
                self._noticed.add(text)
                self._emit({"notice": text})


class Shapers:
    """A shaper per region: the region of the explicit aws provider a resource or invoke names, else the stack's.

    ``register(urn, id, state)`` records a child resource a component's output refers to (the monitor's)."""

    def __init__(self, settings: RunSettings, register: Callable[[str, str, dict], None]) -> None:
        self.settings = settings
        self.register = register
        self._by_region: dict = {}
        self._provider_regions: dict = {}  # explicit aws providers: URN -> region

    def record_provider(self, urn: str, region: str) -> None:
        self._provider_regions[urn] = region or self.settings.region

    def region_of(self, provider: str) -> str:
        """The region of the provider a resource or invoke names ("<urn>::<id>"), else the stack's."""
        region = self.settings.region
        return self._provider_regions.get(provider.rsplit("::", 1)[0], region) if provider else region

    def for_provider(self, provider: str) -> shaped_values.Shaper:
        where = self.region_of(provider)
        if where not in self._by_region:
            self._by_region[where] = shaped_values.Shaper(
                aws_answers, where, ACCOUNT, computed=computed_outputs, register=self.register,
                urn_prefix=f"urn:pulumi:{self.settings.stack}::{self.settings.project}")
        return self._by_region[where]
