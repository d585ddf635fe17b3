"""A policy pack process started exactly as the Pulumi engine starts a Python pack, and its client."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from typing import Any, Optional

import grpc
from google.protobuf import empty_pb2

from .analyzer_proto import analyzer_pb2, analyzer_pb2_grpc

from .errors import CheckError
from .pack_folder import POLICY_FILE
from .protocol import ENFORCEMENT_LEVELS, struct


class PackError(CheckError):
    """The pack could not be started or did not answer; the message is one line for the user."""


@dataclass
class Resource:
    """A resource as the engine describes it to an analyzer."""

    type: str
    name: str
    urn: str
    properties: Any  # a dict, or the protobuf Struct a program's SDK sent
    parent: str = ""
    dependencies: list[str] = field(default_factory=list)
    property_dependencies: dict[str, list[str]] = field(default_factory=dict)
    provider: Optional["Resource"] = None
    # (properties, message): a provider's message, built once for the many resources that name it
    _provider_message: Any = field(default=None, repr=False, compare=False)

    def provider_message(self):
        provider = self.provider
        if provider is None:
            return None
        built = provider._provider_message
        if built is None or built[0] is not provider.properties:
            built = provider._provider_message = (provider.properties, analyzer_pb2.AnalyzerProviderResource(
                type=provider.type, properties=struct(provider.properties), urn=provider.urn, name=provider.name))
        return built[1]

    def options(self):
        return analyzer_pb2.AnalyzerResourceOptions(parent=self.parent)


class PackProcess:
    """``python -u -m pulumi.policy <engine> <pack-dir>`` with the pack dir as working directory."""

    def __init__(self, pack_dir: str, python: str = sys.executable, timeout: float = 60.0,
                 env: Optional[dict] = None) -> None:
        self.pack_dir = os.path.abspath(pack_dir)
        self.python = python
        self.timeout = timeout
        # As the engine starts it, except that no bytecode is written into the pack's folder.
        self.env = {**(os.environ if env is None else env), "PYTHONDONTWRITEBYTECODE": "1"}
        self._process: Optional[subprocess.Popen] = None
        self._stopped = False
        self._lifecycle = threading.Lock()  # stop() from one thread while another still starts it
        self._stderr = tempfile.TemporaryFile()
        self._channel = None
        self.stub: Optional[analyzer_pb2_grpc.AnalyzerStub] = None

    def __enter__(self) -> "PackProcess":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def spawn(self) -> None:
        """Start the pack's process without waiting for it; ``start`` then connects to it."""
        if not os.path.isfile(os.path.join(self.pack_dir, POLICY_FILE)):
            raise PackError(f"{self.pack_dir} is not a policy pack (no {POLICY_FILE})")
        command = [self.python, "-u", "-m", "pulumi.policy", "127.0.0.1:0", self.pack_dir]
        with self._lifecycle:
            if self._stopped:
                raise PackError("the policy pack was stopped before it started")
            if self._process is not None:
                return
            try:
                self._process = subprocess.Popen(command, cwd=self.pack_dir, stdin=subprocess.DEVNULL,
                                                 stdout=subprocess.PIPE, stderr=self._stderr, env=self.env)
            except OSError as error:
                raise PackError(f"could not start the policy pack with {self.python}: {error.strerror}") from None

    def start(self) -> None:
        """Spawn the process if needed and connect to it; nothing more once connected (and not stopped)."""
        if self.stub is not None and not self._stopped:
            return
        self.spawn()
        port = self._read_port()
        with self._lifecycle:
            if self._stopped:
                raise PackError("the policy pack was stopped before it started")
            self._channel = channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        ready = grpc.channel_ready_future(channel)
        try:
            ready.result(timeout=self.timeout)
        except grpc.FutureTimeoutError:
            self.stop()
            raise PackError(f"the policy pack did not accept connections within {self.timeout:g}s") from None
        except grpc.FutureCancelledError:  # stop() closed the channel meanwhile
            raise PackError("the policy pack was stopped before it started") from None
        self.stub = analyzer_pb2_grpc.AnalyzerStub(channel)

    def _read_port(self) -> int:
        process = self._process
        if process is None:
            raise PackError("the policy pack was stopped before it started")
        line: list[bytes] = []

        def read() -> None:
            try:
                line.append(process.stdout.readline())
            except (OSError, ValueError):  # stopped meanwhile: its stdout is closed
                pass

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        reader.join(self.timeout)
        first = line[0].strip() if line else b""
        if not first.isdigit():
            problem = self.stderr_tail() or (
                f"no port within {self.timeout:g}s" if not line else "it exited before listening")
            self.stop()
            raise PackError(f"the policy pack failed to start: {problem}")
        return int(first)

    def stderr_tail(self) -> str:
        """The last meaningful line the pack wrote to stderr (its error, not the traceback)."""
        self._stderr.seek(0)
        lines = [line.strip() for line in self._stderr.read().decode(errors="replace").splitlines() if line.strip()]
        return lines[-1] if lines else ""

    @property
    def running(self) -> bool:
        return self._process is not None  # stop() clears it, and nothing spawns after stop()

    def stop(self) -> None:
        """End the process; one that is still starting ends too, and this object starts no other."""
        with self._lifecycle:
            self._stopped = True
            process, self._process = self._process, None
        if process is not None:
            process.kill()
            process.wait()
        if self._channel is not None:
            self._channel.close()
            self._channel = None
        if process is not None:
            process.stdout.close()

    def _call(self, method: str, request) -> Any:
        try:
            return getattr(self.stub, method)(request, timeout=self.timeout)
        except grpc.RpcError as error:
            raise _failure(method, error) from None

    def analyzer_info(self):
        return self._call("GetAnalyzerInfo", empty_pb2.Empty())

    def configure(self, config: dict[str, Any]) -> None:
        """Send policy config as ``pulumi policy enable --config`` JSON: name -> level or object."""
        policy_config = {}
        for name, value in config.items():
            if isinstance(value, str):
                policy_config[name] = analyzer_pb2.PolicyConfig(enforcementLevel=ENFORCEMENT_LEVELS[value])
                continue
            properties = {key: item for key, item in value.items() if key != "enforcementLevel"}
            level = ENFORCEMENT_LEVELS.get(value.get("enforcementLevel", ""), analyzer_pb2.ADVISORY)
            policy_config[name] = analyzer_pb2.PolicyConfig(enforcementLevel=level, properties=struct(properties))
        self._call("Configure", analyzer_pb2.ConfigureAnalyzerRequest(policyConfig=policy_config))

    def analyze(self, resource: Resource):
        return self._call("Analyze", analyze_request(resource))

    def analyze_future(self, resource: Resource) -> "grpc.Future":
        """Send Analyze without waiting; ``answer`` takes the response (the engine, too, analyzes
        several resources at once)."""
        return self.stub.Analyze.future(analyze_request(resource), timeout=self.timeout)

    @staticmethod
    def answer(future: "grpc.Future", method: str = "Analyze") -> Any:
        try:
            return future.result()
        except grpc.RpcError as error:
            raise _failure(method, error) from None

    def remediate(self, resource: Resource):
        return self._call("Remediate", analyze_request(resource))

    def analyze_stack(self, resources: "list[Resource] | analyzer_pb2.AnalyzeStackRequest"):
        request = resources if isinstance(resources, analyzer_pb2.AnalyzeStackRequest) else stack_request(resources)
        return self._call("AnalyzeStack", request)


def _failure(method: str, error: grpc.RpcError) -> PackError:
    detail = error.details() if hasattr(error, "details") else str(error)
    return PackError(f"the policy pack failed in {method}: {(detail or '').splitlines()[-1] if detail else error}")


def analyze_request(resource: Resource) -> analyzer_pb2.AnalyzeRequest:
    return analyzer_pb2.AnalyzeRequest(
        type=resource.type, properties=struct(resource.properties), urn=resource.urn, name=resource.name,
        options=resource.options(), provider=resource.provider_message())


def stack_entry(resource: Resource) -> analyzer_pb2.AnalyzerResource:
    """``resource`` as an entry of an AnalyzeStack request."""
    return analyzer_pb2.AnalyzerResource(
        type=resource.type, properties=struct(resource.properties), urn=resource.urn, name=resource.name,
        options=resource.options(), provider=resource.provider_message(), parent=resource.parent,
        dependencies=resource.dependencies,
        propertyDependencies={prop: analyzer_pb2.AnalyzerPropertyDependencies(urns=urns)
                              for prop, urns in resource.property_dependencies.items()})


def stack_request(resources: list[Resource]) -> analyzer_pb2.AnalyzeStackRequest:
    return analyzer_pb2.AnalyzeStackRequest(resources=[stack_entry(resource) for resource in resources])
