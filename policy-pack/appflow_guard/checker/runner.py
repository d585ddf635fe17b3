"""Runs one Pulumi Python program under pulumi's mocks and records every resource registration.

Started as a script (``python runner.py ...``) with the interpreter that has the program's
dependencies, so it imports nothing but pulumi. Mocks answer like AWS: in preview, computed
outputs (ARNs, IDs, generated names) stay unknown; in update, they get realistic values.
Writes a JSON document to --output: {"project", "stack", "registrations": [...]} or {"error": ...}.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import runpy
import sys
import traceback

ACCOUNT = "123456789012"
UNKNOWN_SENTINEL = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"


def _digest(*parts: str, length: int = 8) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:length]


def _uuid(*parts: str) -> str:
    value = hashlib.sha256("/".join(parts).encode()).hexdigest()
    return f"{value[:8]}-{value[8:12]}-{value[12:16]}-{value[16:20]}-{value[20:32]}"


def computed_outputs(type_token: str, name: str, inputs: dict, region: str) -> tuple[str, dict]:
    """(id, outputs AWS would compute) for a created resource."""
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


def invoke_result(token: str, args: dict, region: str) -> dict:
    """What AWS answers to the data sources programs commonly read."""
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


def run(program_dir: str, main: str, project: str, stack: str, phase: str, config: dict) -> list[dict]:
    import pulumi
    from pulumi.runtime import mocks

    preview = phase == "preview"
    region = str(config.get("aws:region", "us-east-1"))
    registrations: list[dict] = []

    class AwsMocks(mocks.Mocks):
        def new_resource(self, args):
            if preview:
                return "", dict(args.inputs)
            physical, outputs = computed_outputs(args.typ, args.name, args.inputs, region)
            return physical, {**args.inputs, **outputs}

        def call(self, args):
            return invoke_result(args.token, args.args, region)

    class RecordingMonitor(mocks.MockMonitor):
        def RegisterResource(self, request):
            from google.protobuf import json_format

            response = super().RegisterResource(request)
            registrations.append({
                "type": request.type, "name": request.name, "urn": engine_urn(response.urn), "id": response.id,
                "custom": request.custom, "parent": engine_urn(request.parent), "provider": engine_urn(request.provider),
                "version": request.version,
                "inputs": json_format.MessageToDict(request.object),
                "outputs": json_format.MessageToDict(response.object),
                "dependencies": [engine_urn(urn) for urn in request.dependencies],
                "propertyDependencies": {key: [engine_urn(urn) for urn in value.urns]
                                         for key, value in request.propertyDependencies.items()},
            })
            return response

    pulumi.runtime.set_all_config({key: value if isinstance(value, str) else json.dumps(value)
                                   for key, value in config.items()})
    mocks.set_mocks(AwsMocks(), project=project, stack=stack, preview=preview, monitor=RecordingMonitor(AwsMocks()))

    os.chdir(program_dir)
    sys.path.insert(0, program_dir)
    sys.argv = [main]

    def program():
        runpy.run_path(main, run_name="__main__")

    from pulumi.runtime.stack import run_pulumi_func
    from pulumi.runtime.sync_await import _sync_await

    _sync_await(run_pulumi_func(program))
    return registrations


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
    parser.add_argument("--output", required=True)
    options = parser.parse_args()
    output = os.path.abspath(options.output)
    try:
        registrations = run(options.program_dir, options.main, options.project, options.stack, options.phase,
                            json.loads(options.config))
        result = {"project": options.project, "stack": options.stack, "registrations": registrations}
    except BaseException:  # the program's failure is reported, whatever it raised
        result = {"error": _program_error()}
    with open(output, "w", encoding="utf-8") as handle:
        handle.write(json.dumps(result))  # one-shot dumps uses the C encoder; dump() does not
    return 0


if __name__ == "__main__":
    sys.exit(main())
