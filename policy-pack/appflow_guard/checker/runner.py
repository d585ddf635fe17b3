"""Runs one Pulumi Python program under pulumi's mocks and records every resource registration.

Started as a script (``python runner.py ...``) with the interpreter that has the program's
dependencies, so it imports nothing but pulumi. Mocks answer like AWS: in preview, computed
outputs (ARNs, IDs, generated names) stay unknown; in update, they get realistic values.
Streams one JSON line per registration to the file descriptor --output-fd as the program makes it,
so that the checker analyzes resources while the program is still running (as the engine does), and
ends with {"done": N} or {"error": "..."}. A registration's "inputs" (and in update its "outputs")
are the protobuf Struct the SDK sent, base64-encoded: no decoding here, none in the checker.
"""

from __future__ import annotations

import argparse
import base64
import gc
import hashlib
import json
import os
import sys
import threading
import traceback
import types
from typing import Callable

ACCOUNT = "123456789012"
UNKNOWN_SENTINEL = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"


def _digest(*parts: str, length: int = 8) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:length]


def _uuid(*parts: str) -> str:
    value = hashlib.sha256("/".join(parts).encode()).hexdigest()
    return f"{value[:8]}-{value[8:12]}-{value[12:16]}-{value[16:20]}-{value[20:32]}"


def native_outputs(type_token: str, name: str, inputs: dict, region: str) -> tuple[str, dict] | None:
    """(id, outputs) Cloud Control API returns for the aws-native resources the examples use, or None.

    aws-native names outputs after CloudFormation's return values (a key's ``keyId``, a bucket's
    ``bucketName``, a secret's ``awsId``, a flow's ``flowArn``); an input that depends on an output
    the mock does not return is dropped, so each output a program reads must be here.
    """
    if not type_token.startswith("aws-native:"):
        return None
    given = inputs.get
    if type_token == "aws-native:kms:Key":
        key_id = _uuid(type_token, name)
        return key_id, {"keyId": key_id, "arn": f"arn:aws:kms:{region}:{ACCOUNT}:key/{key_id}"}
    if type_token == "aws-native:kms:Alias":
        return str(given("aliasName") or f"alias/{name}"), {}
    if type_token == "aws-native:s3:Bucket":
        bucket = given("bucketName") if isinstance(given("bucketName"), str) else f"{name}-{_digest(type_token, name)}"
        return bucket, {"bucketName": bucket, "arn": f"arn:aws:s3:::{bucket}",
                        "domainName": f"{bucket}.s3.amazonaws.com",
                        "regionalDomainName": f"{bucket}.s3.{region}.amazonaws.com"}
    if type_token == "aws-native:secretsmanager:Secret":
        secret = given("name") if isinstance(given("name"), str) else f"{name}-{_digest(type_token, name)}"
        arn = f"arn:aws:secretsmanager:{region}:{ACCOUNT}:secret:{secret}-{_digest(name, length=6)}"
        return arn, {"awsId": arn}
    if type_token == "aws-native:appflow:ConnectorProfile":
        profile = str(given("connectorProfileName") or name)
        return profile, {"connectorProfileArn": f"arn:aws:appflow:{region}:{ACCOUNT}:connectorprofile/{profile}",
                         "credentialsArn": f"arn:aws:secretsmanager:{region}:{ACCOUNT}:secret:appflow!{profile}"}
    if type_token == "aws-native:appflow:Flow":
        flow = str(given("flowName") or name)
        return flow, {"flowArn": f"arn:aws:appflow:{region}:{ACCOUNT}:flow/{flow}"}
    if type_token == "aws-native:cloudtrail:Trail":
        trail = str(given("trailName") or f"{name}-{_digest(type_token, name)}")
        return trail, {"arn": f"arn:aws:cloudtrail:{region}:{ACCOUNT}:trail/{trail}"}
    if type_token == "aws-native:iam:ManagedPolicy":
        policy = str(given("managedPolicyName") or f"{name}-{_digest(type_token, name)}")
        arn = f"arn:aws:iam::{ACCOUNT}:policy/{policy}"
        return arn, {"policyArn": arn, "policyId": "ANPA" + _digest(name, length=16).upper()}
    if type_token == "aws-native:iam:Role":
        role = str(given("roleName") or f"{name}-{_digest(type_token, name)}")
        return role, {"arn": f"arn:aws:iam::{ACCOUNT}:role/{role}", "roleId": "AROA" + _digest(name, length=16).upper()}
    return f"{name}-{_digest(type_token, name)}", {}


def computed_outputs(type_token: str, name: str, inputs: dict, region: str) -> tuple[str, dict]:
    """(id, outputs AWS would compute) for a created resource."""
    native = native_outputs(type_token, name, inputs, region)
    if native is not None:
        return native
    module = type_token.split(":")[1].split("/")[0] if type_token.count(":") == 2 else ""
    kind = type_token.rsplit(":", 1)[-1]
    physical = inputs.get("name") if isinstance(inputs.get("name"), str) else f"{name}-{_digest(type_token, name)}"
    outputs: dict = {}
    if type_token == "aws:kms/key:Key":
        key_id = _uuid(type_token, name)
        physical = key_id
        outputs = {"keyId": key_id, "arn": f"arn:aws:kms:{region}:{ACCOUNT}:key/{key_id}"}
    elif type_token == "aws:kms/alias:Alias":
        physical = inputs.get("name") or f"alias/{name}"
        outputs = {"arn": f"arn:aws:kms:{region}:{ACCOUNT}:{physical}", "targetKeyArn": inputs.get("targetKeyId")}
    elif type_token in ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"):
        physical = inputs.get("bucket") or f"{name}-{_digest(type_token, name)}"
        outputs = {"bucket": physical, "arn": f"arn:aws:s3:::{physical}",
                   "bucketDomainName": f"{physical}.s3.amazonaws.com", "region": region}
    elif type_token.startswith("aws:s3/"):
        physical = inputs.get("bucket") if isinstance(inputs.get("bucket"), str) else physical
    elif type_token == "aws:secretsmanager/secret:Secret":
        physical = f"arn:aws:secretsmanager:{region}:{ACCOUNT}:secret:{physical}-{_digest(name, length=6)}"
        outputs = {"arn": physical}
    elif module == "iam":
        outputs = {"arn": f"arn:aws:iam::{ACCOUNT}:{kind[:1].lower() + kind[1:]}/{physical}"}
        if kind == "Role":
            outputs["uniqueId"] = "AROA" + _digest(name, length=16).upper()
    elif type_token == "aws:appflow/flow:Flow":
        outputs = {"arn": f"arn:aws:appflow:{region}:{ACCOUNT}:flow/{physical}", "flowStatus": "Active"}
    elif type_token == "aws:appflow/connectorProfile:ConnectorProfile":
        outputs = {"arn": f"arn:aws:appflow:{region}:{ACCOUNT}:connectorprofile/{physical}",
                   "credentialsArn": f"arn:aws:secretsmanager:{region}:{ACCOUNT}:secret:appflow!{physical}"}
    elif type_token == "aws:cloudtrail/trail:Trail":
        outputs = {"arn": f"arn:aws:cloudtrail:{region}:{ACCOUNT}:trail/{physical}", "homeRegion": region}
    elif module:
        outputs = {"arn": f"arn:aws:{module}:{region}:{ACCOUNT}:{kind.lower()}/{physical}"}
    if "tags" in inputs:
        outputs["tagsAll"] = inputs["tags"]
    return str(physical), outputs


def native_invoke_result(token: str, region: str) -> dict | None:
    """What aws-native's account and region functions answer, or None for another token."""
    if token == "aws-native:index:getAccountId":
        return {"accountId": ACCOUNT}
    if token == "aws-native:index:getRegion":
        return {"region": region}
    if token == "aws-native:index:getPartition":
        return {"partition": "aws"}
    return None


def invoke_result(token: str, args: dict, region: str) -> dict:
    """What AWS answers to the data sources programs commonly read."""
    native = native_invoke_result(token, region)
    if native is not None:
        return native
    if token == "aws:index/getCallerIdentity:getCallerIdentity":
        return {"accountId": ACCOUNT, "arn": f"arn:aws:iam::{ACCOUNT}:user/appflow-guard", "userId": "AIDAEXAMPLE",
                "id": ACCOUNT}
    if token == "aws:index/getRegion:getRegion":
        return {"name": region, "region": region, "id": region, "endpoint": f"ec2.{region}.amazonaws.com",
                "description": region}
    if token == "aws:index/getPartition:getPartition":
        return {"partition": "aws", "dnsSuffix": "amazonaws.com", "id": "aws", "reverseDnsPrefix": "com.amazonaws"}
    if token == "aws:index/getAvailabilityZones:getAvailabilityZones":
        return {"names": [f"{region}a", f"{region}b"], "id": region}
    return {}


def engine_urn(urn: str) -> str:
    """The URN the engine gives: children of the root stack carry no Stack$ type prefix."""
    return urn.replace("::pulumi:pulumi:Stack$", "::")


def run(program_dir: str, main: str, project: str, stack: str, phase: str, config: dict,
        emit: Callable[[dict], None]) -> None:
    """Run the program, passing each registration to ``emit`` (from the SDK's worker threads, serialised)."""
    import pulumi
    from pulumi.runtime import mocks, rpc
    from pulumi.runtime.proto import resource_pb2
    from pulumi.runtime.sync_await import _ensure_event_loop

    preview = phase == "preview"
    region = str(config.get("aws:region", "us-east-1"))
    emitting = threading.Lock()

    class AwsMocks(mocks.Mocks):
        def new_resource(self, args):
            if preview:
                return "", dict(args.inputs)
            physical, outputs = computed_outputs(args.typ, args.name, args.inputs, region)
            return physical, {**args.inputs, **outputs}

        def call(self, args):
            return invoke_result(args.token, args.args, region)

    class RecordingMonitor(mocks.MockMonitor):
        """Records every registration; in preview answers it as the engine does, with the inputs as outputs.

        MockMonitor would decode the inputs, hand them to Mocks.new_resource and encode its answer:
        in preview that answer is the inputs, so they are echoed as sent (a sixth of a large
        program's run saved), and decoded only if the program asks for the resource by URN.
        """

        def __init__(self, answers: mocks.Mocks) -> None:
            super().__init__(answers)
            self.echoed: dict = {}

        def RegisterResource(self, request):
            if preview and request.type != "pulumi:pulumi:Stack":
                urn = self.make_urn(request.parent, request.type, request.name)
                self.echoed[urn] = request.object
                response = resource_pb2.RegisterResourceResponse(urn=urn, id="", object=request.object)
            else:
                response = super().RegisterResource(request)
            registration = {
                "type": request.type, "name": request.name, "urn": engine_urn(response.urn), "id": response.id,
                "custom": request.custom, "parent": engine_urn(request.parent), "provider": engine_urn(request.provider),
                "version": request.version,
                "inputs": base64.b64encode(request.object.SerializeToString()).decode("ascii"),
                "dependencies": [engine_urn(urn) for urn in request.dependencies],
                "propertyDependencies": {key: [engine_urn(urn) for urn in value.urns]
                                         for key, value in request.propertyDependencies.items()},
            }
            if not preview:  # a preview's state is its inputs: its outputs echo them, unknowns and all
                registration["outputs"] = base64.b64encode(response.object.SerializeToString()).decode("ascii")
            with emitting:
                emit(registration)
            return response

        def Invoke(self, request):
            if request.tok == "pulumi:pulumi:getResource":
                urn = request.args.fields["urn"].string_value
                if urn in self.echoed:
                    _ensure_event_loop()  # decoding resource references needs one on this thread
                    self.resources[urn] = mocks.MockMonitor.ResourceRegistration(
                        urn, "", rpc.deserialize_properties(self.echoed.pop(urn)))
            return super().Invoke(request)

    pulumi.runtime.set_all_config({key: value if isinstance(value, str) else json.dumps(value)
                                   for key, value in config.items()})
    mocks.set_mocks(AwsMocks(), project=project, stack=stack, preview=preview, monitor=RecordingMonitor(AwsMocks()))

    os.chdir(program_dir)
    sys.path.insert(0, program_dir)
    sys.argv = [main]

    def program():
        """What runpy.run_path(main, run_name="__main__") does, without its three frames.

        The SDK captures the whole call stack for every resource (source positions) and converts
        each frame below the program's: every frame the runner adds costs on every resource.
        """
        with open(main, "rb") as handle:
            code = compile(handle.read(), main, "exec")
        module = types.ModuleType("__main__")
        module.__dict__.update(__file__=main, __cached__=None, __loader__=None, __package__=None, __spec__=None)
        previous = sys.modules.get("__main__")
        sys.modules["__main__"] = module
        try:
            exec(code, module.__dict__)
        finally:
            sys.modules["__main__"] = previous

    from pulumi.runtime.stack import run_pulumi_func
    from pulumi.runtime.sync_await import _sync_await

    _sync_await(run_pulumi_func(program))


def _program_error() -> str:
    """The program's own exception: its message and the deepest frame inside the program folder."""
    kind, error, trace = sys.exc_info()
    location = ""
    for frame in traceback.extract_tb(trace):
        if frame.filename.startswith(os.getcwd()):
            location = f" ({os.path.relpath(frame.filename)}:{frame.lineno})"
    message = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"{kind.__name__}: {message}{location}" if message else f"{kind.__name__}{location}"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--program-dir", required=True)
    parser.add_argument("--main", required=True)
    parser.add_argument("--project", required=True)
    parser.add_argument("--stack", required=True)
    parser.add_argument("--phase", choices=("preview", "update"), required=True)
    parser.add_argument("--config", default="{}")
    parser.add_argument("--output-fd", type=int, required=True)
    options = parser.parse_args()
    os.set_inheritable(options.output_fd, False)  # processes the program starts do not hold the stream open
    count = 0
    with open(options.output_fd, "w", encoding="utf-8", closefd=True) as stream:
        def emit(registration: dict) -> None:
            nonlocal count
            stream.write(json.dumps(registration) + "\n")  # dumps uses the C encoder; dump() does not
            stream.flush()
            count += 1

        # A program allocates many small, long-lived objects (resources, outputs, tasks): collecting
        # the young generation every 700 allocations costs a third of a large program's run.
        gc.set_threshold(50_000, 20, 100)
        try:
            run(options.program_dir, options.main, options.project, options.stack, options.phase,
                json.loads(options.config), emit)
            result = {"done": count}
        except BaseException:  # the program's failure is reported, whatever it raised
            result = {"error": _program_error()}
        stream.write(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
