"""The pack's processes behind one interface: Analyze requests answered in order, AnalyzeStack split.

A second process of the pack shares the work on two cores: it analyzes every other resource and
runs the later half of the stack policies. An everyday stack is done before it would start, and
pays nothing. The first process is the caller's (started, configured); the second is the pool's.
"""

from __future__ import annotations

import os
import threading
from collections import deque
from typing import Optional

from .analyzer_proto import analyzer_pb2
from .pack_process import PackError, PackProcess, Resource

# The second process starts when the stack reaches this many resources, or when the program is still
# running this long after the pool was made (a large program declares its resources before it
# registers the first). Two seconds, not less: on a busy machine an everyday program outlasts half a
# second, and a second process it never needed cost it half a CPU-second (a 1,002-resource program
# took the same 4 s with either; a 52-resource one is done in 0.6 s on an idle machine).
SECOND_PROCESS_MIN_RESOURCES = 200
SECOND_PROCESS_AFTER_S = 2.0
# Analyze requests in flight at once, over both processes (2,000 resources, six runs each: 8 in flight
# 5.7 s, 32 in flight 5.5 s: the packs never wait for the next request).
ANALYZE_IN_FLIGHT = 32


class SecondProcess:
    """A second process of the pack, started in the background and configured as the first."""

    def __init__(self, first: PackProcess, config: dict[str, dict]) -> None:
        self.process = PackProcess(first.pack_dir, python=first.python, timeout=first.timeout, env=first.env)
        self.ready = threading.Event()
        self.answer = None
        self.error: Optional[PackError] = None
        self._thread = threading.Thread(target=self._start, args=(config,), daemon=True)
        self._thread.start()

    def _start(self, config: dict[str, dict]) -> None:
        try:
            self.process.start()
            self.process.configure(config)
        except PackError as error:
            self.error = error
        finally:
            self.ready.set()  # whatever happened: nobody waits for it forever

    @property
    def usable(self) -> bool:
        return self.ready.is_set() and self.error is None

    def analyze_stack(self, request, config: dict[str, dict]) -> None:
        """Configure this process's share and send AnalyzeStack, without waiting for the answer."""
        self._thread = threading.Thread(target=self._analyze_stack, args=(request, config), daemon=True)
        self._thread.start()

    def _analyze_stack(self, request, config: dict[str, dict]) -> None:
        try:
            self.process.configure(config)
            self.answer = self.process.analyze_stack(request)
        except PackError as error:
            self.error = error

    def result(self):
        self._thread.join()
        if self.error is not None:
            raise self.error
        return self.answer

    def close(self) -> None:
        self.process.stop()


def split_stack_policies(stack_policies: list[str], config: dict[str, dict]) -> tuple[list[str], list[str]]:
    """(the first process's share, the second's) of the enabled stack policies, in pack order.

    pulumi-policy decodes every resource once per stack policy, so their time splits by count."""
    enabled = [name for name in stack_policies if config.get(name, {}).get("enforcementLevel") != "disabled"]
    middle = len(enabled) - len(enabled) // 2
    return enabled[:middle], enabled[middle:]


def _disabled(config: dict[str, dict], names: list[str]) -> dict[str, dict]:
    return {name: {**entry, "enforcementLevel": "disabled"} if name in names else entry
            for name, entry in config.items()}


class PackPool:
    """Analyze requests spread over the pack's processes, answered in the order sent; AnalyzeStack
    shared between them, answered as one process answers it.

    ``first`` is started and configured with ``config`` (the reconciled config, every policy);
    ``stack_policies`` names the pack's stack policies in pack order. ``close`` ends what the pool
    started and never waits for a process that is still starting.
    """

    def __init__(self, first: PackProcess, config: dict[str, dict], stack_policies: list[str]) -> None:
        self.first = first
        self.config = config
        self.stack_policies = stack_policies
        self.kept, self.shared = split_stack_policies(stack_policies, config)
        self.second: Optional[SecondProcess] = None
        self.sent = 0  # Analyze requests so far
        self._in_flight: deque = deque()  # (resource, process, Analyze future), in the order sent
        self._turn = 0
        self._lock = threading.Lock()  # the timer's start against analyze_stack and close
        self._finished = False
        self._timer = threading.Timer(SECOND_PROCESS_AFTER_S, self.start_second_process)
        self._timer.daemon = True
        self._timer.start()

    def start_second_process(self) -> None:
        """Start the second process (once, on two cores or more) while the first runs and the stack is
        not analyzed yet."""
        with self._lock:
            if self.second is None and not self._finished and self.first.running and (os.cpu_count() or 1) >= 2:
                self.second = SecondProcess(self.first, self.config)

    def remediate(self, resource: Resource):
        """Remediate in the first process (the answer, if a policy changed nothing, may be None)."""
        return self.first.remediate(resource)

    def analyze(self, resource: Resource) -> list[tuple[Resource, object]]:
        """Send Analyze for ``resource``; the (resource, answer) pairs answered by now, oldest first."""
        process = self.first
        if self.second is not None and self.second.usable:  # resources alternate once the second is up
            self._turn ^= 1
            process = self.second.process if self._turn else self.first
        self._in_flight.append((resource, process, process.analyze_future(resource)))
        answered = self._answered(ANALYZE_IN_FLIGHT)
        self.sent += 1
        if self.sent >= SECOND_PROCESS_MIN_RESOURCES:
            self.start_second_process()
        return answered

    def drain(self) -> list[tuple[Resource, object]]:
        """Every answer still in flight, oldest first."""
        return self._answered(0)

    def _answered(self, keep: int) -> list[tuple[Resource, object]]:
        """Answers, oldest first, until at most ``keep`` are in flight (and those are not answered yet)."""
        answered = []
        while self._in_flight and (len(self._in_flight) > keep or self._in_flight[0][2].done()):
            resource, process, future = self._in_flight.popleft()
            answered.append((resource, process.answer(future)))
        return answered

    def analyze_stack(self, request: analyzer_pb2.AnalyzeStackRequest) -> list:
        """AnalyzeStack's diagnostics in the pack's policy order, as one process gives them; no second
        process starts after this."""
        with self._lock:
            self._finished = True
            self._timer.cancel()
        if self.second is not None and self.sent >= SECOND_PROCESS_MIN_RESOURCES:
            self.second.ready.wait()  # a large stack: worth the rest of its start-up
        second = self.second if self.second is not None and self.second.usable and self.shared else None
        if second is None:
            return list(self.first.analyze_stack(request).diagnostics)
        # Each process runs its share, the other's disabled in its config (Configure only replaces config).
        second.analyze_stack(request, _disabled(self.config, self.kept))
        self.first.configure(_disabled(self.config, self.shared))
        mine = self.first.analyze_stack(request)
        order = {name: index for index, name in enumerate(self.stack_policies)}
        return sorted([*mine.diagnostics, *second.result().diagnostics],
                      key=lambda diagnostic: order.get(diagnostic.policyName, len(order)))

    def close(self) -> None:
        """Cancel what is in flight and end the second process, started or starting."""
        with self._lock:
            self._finished = True
            self._timer.cancel()
        for _, _, future in self._in_flight:
            future.cancel()
        self._in_flight.clear()
        if self.second is not None:
            self.second.close()
