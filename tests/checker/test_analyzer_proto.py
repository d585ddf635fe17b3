"""The checker speaks the analyzer protocol with pulumi's own generated modules, without importing the SDK."""

import subprocess
import sys

from conftest import REPO_ROOT

PACKAGE = f"{REPO_ROOT}/policy-pack"


def run_python(source: str) -> str:
    result = subprocess.run([sys.executable, "-c", source], cwd=PACKAGE, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_the_client_loads_without_the_pulumi_package():
    assert run_python(
        "import sys\n"
        "from appflow_guard.checker import evaluate, pack_process\n"
        "print(sorted(name for name in sys.modules if name == 'pulumi' or name.startswith('pulumi.')))") == "[]"


def test_importing_pulumi_afterwards_gives_the_same_message_classes():
    """A notebook that runs a check and then imports pulumi (or the other way round) shares one set of classes."""
    assert run_python(
        "from appflow_guard.checker.analyzer_proto import analyzer_pb2, analyzer_pb2_grpc\n"
        "from pulumi.runtime.proto import analyzer_pb2 as sdk, analyzer_pb2_grpc as sdk_grpc\n"
        "request = analyzer_pb2.AnalyzeRequest(type='aws:s3/bucket:Bucket')\n"
        "print(analyzer_pb2.AnalyzeRequest is sdk.AnalyzeRequest, isinstance(request, sdk.AnalyzeRequest),\n"
        "      sdk.AnalyzeRequest.FromString(request.SerializeToString()).type)") == "True True aws:s3/bucket:Bucket"


def test_with_pulumi_already_imported_its_modules_are_used():
    assert run_python(
        "import pulumi.runtime.proto.analyzer_pb2 as sdk\n"
        "from appflow_guard.checker.analyzer_proto import analyzer_pb2\n"
        "print(analyzer_pb2 is sdk)") == "True"
