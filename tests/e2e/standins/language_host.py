"""A stand-in for pulumi-language-python: the Python language host the Pulumi engine starts.

The real host is not served by any registry this project can reach (see README, "Tested against
the real engine"), so this one is written from pulumi's language.proto and the behaviour
documented for Python projects. The engine starts it as ``pulumi-language-python <engine-address>``
and reads its port from the first line of stdout; it then asks it to:

- list the packages a program needs (``GetRequiredPackages``): every installed distribution of the
  program's interpreter that ships a ``pulumi-plugin.json`` with ``"resource": true``;
- run a program (``Run``) in the program's interpreter, through ``program_executor.py`` beside
  this file, and report its failure as the real host does (``bail`` when the program already
  reported its error through the engine, an error text otherwise);
- run a policy pack (``RunPlugin``) as ``python -u -m pulumi.policy <engine> <pack-dir>`` with the
  pack's ``virtualenv`` interpreter, streaming its output back, and refuse at once, with a clear
  error, a virtualenv that does not exist (the real host hangs there).

The interpreter of a program or pack: ``<virtualenv>/bin/python`` when Pulumi.yaml (or
PulumiPolicy.yaml) names a virtualenv (relative to the project root), else ``$PULUMI_PYTHON_CMD``,
else ``python3`` (then ``python``) on PATH.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import types
from concurrent import futures
from typing import Iterator, Optional

import grpc
from google.protobuf import json_format


def _generated_modules(*names: str) -> list:
    """pulumi's generated protocol modules, loaded from its runtime/proto folder as a private package:
    importing them through ``pulumi`` first runs the whole SDK's ``__init__`` (a third of a second of
    every host start, twice per engine run), and they need only protobuf and grpc."""
    spec = importlib.util.find_spec("pulumi")  # finds the package without running it
    folder = os.path.join(spec.submodule_search_locations[0], "runtime", "proto")
    package = types.ModuleType("_standin_pulumi_proto")
    package.__path__ = [folder]
    sys.modules[package.__name__] = package
    return [importlib.import_module(f"{package.__name__}.{name}") for name in names]


language_pb2, language_pb2_grpc, plugin_pb2 = _generated_modules("language_pb2", "language_pb2_grpc", "plugin_pb2")

HOST_VERSION = "3.274.1"
EXECUTOR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "program_executor.py")
# The exit status program_executor.py uses when the program's error was already logged to the
# engine: the host then answers `bail`, so the engine shows that error and nothing else.
EXIT_ERROR_REPORTED = 32
CHUNK = 64 * 1024

# Lists the installed packages that carry a Pulumi resource plugin, in the program's interpreter:
# each package's pulumi-plugin.json sits in its import folder on sys.path (the real host reads it
# from each pip-listed package's folder). A glob over sys.path, not a walk of every distribution's
# RECORD: the same answer for a twentieth of the half second, on every engine run.
_LIST_PLUGIN_PACKAGES = """
import glob, json, os, sys
found = []
for entry in filter(None, sys.path):  # not the working folder: installed packages only
    for path in sorted(glob.glob(os.path.join(entry, "*", "pulumi-plugin.json"))):
        try:
            with open(path, encoding="utf-8") as handle:
                found.append(json.load(handle))
        except Exception:
            pass
print(json.dumps(found))
"""

_LIST_DISTRIBUTIONS = """
import json, importlib.metadata as md
print(json.dumps(sorted({(d.metadata["Name"], d.version) for d in md.distributions() if d.metadata["Name"]})))
"""


class HostError(Exception):
    """A problem with the user's project that the engine should show as this one line."""


def runtime_options(info: Optional[language_pb2.ProgramInfo]) -> dict:
    if info is None or not info.HasField("options"):
        return {}
    return json_format.MessageToDict(info.options)


def virtualenv_path(root_directory: str, options: dict) -> Optional[str]:
    """The virtualenv the project's runtime options name, relative to the project root; None if none."""
    virtualenv = options.get("virtualenv")
    if not isinstance(virtualenv, str) or not virtualenv:
        return None
    return virtualenv if os.path.isabs(virtualenv) else os.path.join(root_directory, virtualenv)


def python_for(root_directory: str, options: dict, environ: Optional[dict] = None) -> str:
    """The interpreter a Python project (program or policy pack) runs with."""
    environ = os.environ if environ is None else environ
    path = virtualenv_path(root_directory, options)
    if path is not None:
        python = os.path.join(path, "bin", "python")
        if not os.path.isdir(path):
            raise HostError(
                f"The virtual environment '{path}' named by the project's runtime option 'virtualenv' does not "
                f"exist; create it with: python3 -m venv {path} && {python} -m pip install -r requirements.txt")
        if not os.access(python, os.X_OK):
            raise HostError(f"The virtual environment '{path}' has no Python interpreter at {python}; recreate it "
                            f"with: python3 -m venv --clear {path}")
        return python
    command = environ.get("PULUMI_PYTHON_CMD")
    if command:
        found = shutil.which(command, path=environ.get("PATH"))
        if not found:
            raise HostError(f"PULUMI_PYTHON_CMD names '{command}', which is not an executable file or on PATH")
        return found
    for name in ("python3", "python"):
        found = shutil.which(name, path=environ.get("PATH"))
        if found:
            return found
    raise HostError("No Python interpreter found: neither python3 nor python is on PATH; set PULUMI_PYTHON_CMD "
                    "or the project's 'virtualenv' runtime option")


def _probe(python: str, script: str, cwd: str) -> list:
    completed = subprocess.run([python, "-c", script], cwd=cwd, capture_output=True, text=True, timeout=120)
    if completed.returncode != 0:
        last = (completed.stderr.strip().splitlines() or ["no output"])[-1]
        raise HostError(f"{python} could not list its installed packages: {last}")
    return json.loads(completed.stdout)


def required_packages(python: str, cwd: str) -> list[plugin_pb2.PackageDependency]:
    """The resource plugins the program's installed SDKs ask for (as each SDK's pulumi-plugin.json says)."""
    packages = []
    for plugin in _probe(python, _LIST_PLUGIN_PACKAGES, cwd):
        if not isinstance(plugin, dict) or plugin.get("resource") is not True or not plugin.get("name"):
            continue
        version = str(plugin.get("version") or "")
        packages.append(plugin_pb2.PackageDependency(
            kind="resource", name=str(plugin["name"]),
            version=version if not version or version.startswith("v") else "v" + version,
            server=str(plugin.get("server") or "")))
    return sorted(packages, key=lambda package: package.name)


def program_path(info: language_pb2.ProgramInfo) -> str:
    entry = info.entry_point or "."
    return os.path.normpath(os.path.join(info.program_directory, entry))


def executor_command(python: str, request: language_pb2.RunRequest, program: str, engine_address: str) -> list[str]:
    return [python, "-u", EXECUTOR,
            "--monitor", request.monitor_address, "--engine", engine_address,
            "--project", request.project, "--stack", request.stack, "--organization", request.organization,
            "--root-directory", request.info.root_directory or request.pwd,
            "--parallel", str(request.parallel), "--dry-run", "true" if request.dryRun else "false",
            program, *request.args]


def executor_environment(request: language_pb2.RunRequest) -> dict:
    """What the program's SDK reads from its environment: its config and which keys are secret."""
    environ = dict(os.environ)
    environ.update({
        "PULUMI_CONFIG": json.dumps(dict(request.config)),
        "PULUMI_CONFIG_SECRET_KEYS": json.dumps(list(request.configSecretKeys)),
    })
    return environ


def run_result(exit_code: int) -> language_pb2.RunResponse:
    """How a finished program is reported to the engine."""
    if exit_code == 0:
        return language_pb2.RunResponse()
    if exit_code == EXIT_ERROR_REPORTED:
        return language_pb2.RunResponse(bail=True)
    if exit_code < 0:
        return language_pb2.RunResponse(error=f"Program was terminated by signal {-exit_code}")
    return language_pb2.RunResponse(error=f"Program exited with non-zero exit code: {exit_code}")


class LanguageHost(language_pb2_grpc.LanguageRuntimeServicer):
    def __init__(self, engine_address: str) -> None:
        self.engine_address = engine_address

    def Handshake(self, request, context):
        self.engine_address = request.engine_address or self.engine_address
        return language_pb2.LanguageHandshakeResponse()

    def GetPluginInfo(self, request, context):
        return plugin_pb2.PluginInfo(version=HOST_VERSION)

    def _python(self, info, context, environ: Optional[dict] = None) -> str:
        try:
            return python_for(info.root_directory, runtime_options(info), environ)
        except HostError as error:
            context.abort(grpc.StatusCode.FAILED_PRECONDITION, str(error))

    def _required_packages(self, info, context) -> list[plugin_pb2.PackageDependency]:
        python = self._python(info, context)
        try:
            return required_packages(python, info.program_directory or info.root_directory)
        except HostError as error:
            context.abort(grpc.StatusCode.FAILED_PRECONDITION, str(error))

    def GetRequiredPackages(self, request, context):
        return language_pb2.GetRequiredPackagesResponse(packages=self._required_packages(request.info, context))

    def GetRequiredPlugins(self, request, context):
        packages = self._required_packages(request.info, context)
        return language_pb2.GetRequiredPluginsResponse(plugins=[
            plugin_pb2.PluginDependency(name=p.name, kind=p.kind, version=p.version, server=p.server)
            for p in packages])

    def Run(self, request, context):
        try:
            python = python_for(request.info.root_directory or request.pwd, runtime_options(request.info))
        except HostError as error:
            return language_pb2.RunResponse(error=str(error))
        program = program_path(request.info) if request.info.program_directory else request.program
        command = executor_command(python, request, program, self.engine_address)
        environ = executor_environment(request)
        # The program's output goes to the host's own stdout and stderr, which the engine shows.
        process = subprocess.Popen(command, cwd=request.pwd or None, env=environ, stdin=subprocess.DEVNULL)
        context.add_callback(lambda: process.poll() is None and process.terminate())
        return run_result(process.wait())

    def RunPlugin(self, request, context) -> Iterator[language_pb2.RunPluginResponse]:
        environ = dict(entry.split("=", 1) for entry in request.env if "=" in entry) if request.env else dict(os.environ)
        python = self._python(request.info, context, environ)
        directory = request.info.program_directory
        if request.kind == "analyzer":
            command = [python, "-u", "-m", "pulumi.policy", *request.args, directory]
        else:
            command = [python, "-u", directory, *request.args]
        process = subprocess.Popen(command, cwd=directory, env=environ, stdin=subprocess.DEVNULL,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
        context.add_callback(lambda: process.poll() is None and os.killpg(process.pid, signal.SIGKILL))
        yield from stream_process(process)

    def About(self, request, context):
        python = self._python(request.info, context)
        completed = subprocess.run([python, "--version"], capture_output=True, text=True)
        return language_pb2.AboutResponse(executable=python, version=(completed.stdout.split() or [""])[-1])

    def GetProgramDependencies(self, request, context):
        python = self._python(request.info, context)
        return language_pb2.GetProgramDependenciesResponse(dependencies=[
            language_pb2.DependencyInfo(name=name, version=version)
            for name, version in _probe(python, _LIST_DISTRIBUTIONS, request.info.program_directory or request.pwd)])

    def RuntimeOptionsPrompts(self, request, context):
        return language_pb2.RuntimeOptionsResponse()

    def InstallDependencies(self, request, context):
        """`pulumi install`: the virtualenv the project names, then its requirements.txt."""
        root = request.info.root_directory or request.directory
        steps = []
        path = virtualenv_path(root, runtime_options(request.info))
        if path is not None:
            if not os.path.isdir(path):
                steps.append([sys.executable, "-m", "venv", path])
            python = os.path.join(path, "bin", "python")
        else:
            python = self._python(request.info, context)
        if os.path.isfile(os.path.join(root, "requirements.txt")):
            steps.append([python, "-m", "pip", "install", "-r", "requirements.txt"])
        for step in steps:
            process = subprocess.Popen(step, cwd=root, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                       stderr=subprocess.PIPE)
            for message in stream_process(process):
                if message.HasField("exitcode"):
                    if message.exitcode:
                        context.abort(grpc.StatusCode.UNKNOWN, f"{' '.join(step)} exited with {message.exitcode}")
                else:
                    yield language_pb2.InstallDependenciesResponse(stdout=message.stdout, stderr=message.stderr)


def stream_process(process: subprocess.Popen) -> Iterator[language_pb2.RunPluginResponse]:
    """The process's stdout and stderr as they come, then its exit code."""
    chunks: queue.Queue = queue.Queue()

    def pump(stream, field: str) -> None:
        for data in iter(lambda: os.read(stream.fileno(), CHUNK), b""):
            chunks.put(language_pb2.RunPluginResponse(**{field: data}))
        chunks.put(None)  # this stream is closed

    for stream, field in ((process.stdout, "stdout"), (process.stderr, "stderr")):
        threading.Thread(target=pump, args=(stream, field), daemon=True).start()
    for _ in range(2):
        yield from iter(chunks.get, None)
    yield language_pb2.RunPluginResponse(exitcode=process.wait())


def serve(engine_address: str) -> None:
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=16),
                         options=[("grpc.max_receive_message_length", 400 * 1024 * 1024)])
    language_pb2_grpc.add_LanguageRuntimeServicer_to_server(LanguageHost(engine_address), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print(port, flush=True)
    # The engine interrupts its plugins when it is done with them: that is a normal end.
    for stop in (signal.SIGTERM, signal.SIGINT):
        signal.signal(stop, lambda *_: server.stop(0))
    server.wait_for_termination()


def main(argv: list[str]) -> int:
    # The engine passes flags (-tracing, -root, ...) before its address, which comes last.
    positional = [arg for arg in argv if not arg.startswith("-")]
    serve(positional[-1] if positional else "")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
