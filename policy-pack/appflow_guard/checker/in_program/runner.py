"""Runs one Pulumi Python program under pulumi's mocks and records every resource registration.

Started by project.RUNNER_BOOTSTRAP (``main``) in the interpreter that has the program's dependencies,
so it imports nothing but pulumi and its own package. Mocks
answer like AWS: in preview, computed outputs (ARNs, IDs, generated names) stay unknown; in update,
they get realistic values. Streams one JSON line per registration to the file descriptor
--output-fd as the program makes it, so that the checker analyzes resources while the program is
still running (as the engine does), and ends with {"done": N} or {"error": "..."}. A registration's
"inputs" (and in update its "outputs") are the protobuf Struct the SDK sent, base64-encoded: no
decoding here, none in the checker.
"""

from __future__ import annotations

import argparse
import base64
import gc
import hashlib
import json
import os
import re
import sys
import threading
import traceback
import types
from typing import Callable, Optional

from . import aws_answers

ACCOUNT = "123456789012"
UNKNOWN_SENTINEL = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
SECRET_SIGNATURE_KEY = "4dabf18193072939515e22adb298388d"
RESOURCE_SIGNATURE = "5cf8f73096256a8f31e491e813e4eb8e"
RESOURCE_SIGNATURE_BYTES = RESOURCE_SIGNATURE.encode()
STACK_REFERENCE = "pulumi:pulumi:StackReference"
ASSET_SIGNATURE = "c44067f5952c0a294b673a41bacd8c17"
ARCHIVE_SIGNATURE = "0def7320c3a5731c473e5ecbe6d01bc7"
ARCHIVE_EXTENSIONS = (".tar", ".tgz", ".tar.gz", ".zip", ".jar")


def _digest(*parts: str, length: int = 8) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:length]


def _uuid(*parts: str) -> str:
    value = hashlib.sha256("/".join(parts).encode()).hexdigest()
    return f"{value[:8]}-{value[8:12]}-{value[12:16]}-{value[16:20]}-{value[20:32]}"


# ARNs whose service or resource part is not "<module>:...:<kind>/<name>".
ARN_FORMS = {
    "aws:sfn/stateMachine:StateMachine": ("states", "stateMachine:{}"),
    "aws:lambda/function:Function": ("lambda", "function:{}"),
    "aws:sns/topic:Topic": ("sns", "{}"),
    "aws:sqs/queue:Queue": ("sqs", "{}"),
    "aws:cloudwatch/logGroup:LogGroup": ("logs", "log-group:{}"),
    "aws:dynamodb/table:Table": ("dynamodb", "table/{}"),
    "aws:ecr/repository:Repository": ("ecr", "repository/{}"),
    "aws:ecs/cluster:Cluster": ("ecs", "cluster/{}"),
    "aws:eks/cluster:Cluster": ("eks", "cluster/{}"),
    "aws:rds/instance:Instance": ("rds", "db:{}"),
    "aws:lb/loadBalancer:LoadBalancer": ("elasticloadbalancing", "loadbalancer/app/{}/0123456789abcdef"),
    "aws:lb/targetGroup:TargetGroup": ("elasticloadbalancing", "targetgroup/{}/0123456789abcdef"),
    "aws:apigatewayv2/api:Api": ("apigateway", "/apis/{}"),
    "aws:apigateway/restApi:RestApi": ("apigateway", "/restapis/{}"),
    "aws:ec2/vpc:Vpc": ("ec2", "vpc/{}"),
    "aws:ec2/subnet:Subnet": ("ec2", "subnet/{}"),
    "aws:ec2/securityGroup:SecurityGroup": ("ec2", "security-group/{}"),
    "aws:ec2/instance:Instance": ("ec2", "instance/{}"),
}


# IAM resource types whose ARN names them otherwise (IAM identifiers, "IAM ARNs").
IAM_ARN_TYPES = {"InstanceProfile": "instance-profile", "OpenIdConnectProvider": "oidc-provider",
                 "SamlProvider": "saml-provider", "ServerCertificate": "server-certificate", "VirtualMfaDevice": "mfa",
                 "ServiceLinkedRole": "role/aws-service-role"}


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
                         "credentialsArn": aws_answers.arn_for("secret", f"appflow!{ACCOUNT}-{profile}", region, ACCOUNT)}
    if type_token == "aws-native:appflow:Flow":
        flow = str(given("flowName") or name)
        return flow, {"flowArn": f"arn:aws:appflow:{region}:{ACCOUNT}:flow/{flow}"}
    if type_token == "aws-native:cloudtrail:Trail":
        trail = str(given("trailName") or f"{name}-{_digest(type_token, name)}")
        return trail, {"arn": f"arn:aws:cloudtrail:{region}:{ACCOUNT}:trail/{trail}"}
    if type_token == "aws-native:iam:ManagedPolicy":
        policy = str(given("managedPolicyName") or f"{name}-{_digest(type_token, name)}")
        arn = f"arn:aws:iam::{ACCOUNT}:policy/{policy}"
        return arn, {"policyArn": arn, "policyId": aws_answers.unique_id("ANPA", type_token, name)}
    if type_token == "aws-native:iam:Role":
        role = str(given("roleName") or f"{name}-{_digest(type_token, name)}")
        return role, {"arn": f"arn:aws:iam::{ACCOUNT}:role/{role}", "roleId": aws_answers.unique_id("AROA", type_token, name)}
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
    if type_token in ("aws:kms/key:Key", "aws:kms/externalKey:ExternalKey", "aws:kms/replicaKey:ReplicaKey",
                      "aws:kms/replicaExternalKey:ReplicaExternalKey"):
        key_id = _uuid(type_token, name)
        physical = key_id
        outputs = {"keyId": key_id, "arn": f"arn:aws:kms:{region}:{ACCOUNT}:key/{key_id}"}
    elif type_token == "aws:kms/alias:Alias":
        physical = inputs["name"] if isinstance(inputs.get("name"), str) else f"alias/{name}"
        outputs = {"arn": f"arn:aws:kms:{region}:{ACCOUNT}:{physical}", "targetKeyArn": inputs.get("targetKeyId")}
    elif type_token in ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"):
        physical = inputs["bucket"] if isinstance(inputs.get("bucket"), str) else f"{name}-{_digest(type_token, name)}"
        outputs = {"bucket": physical, "arn": f"arn:aws:s3:::{physical}",
                   "bucketDomainName": f"{physical}.s3.amazonaws.com", "region": region}
    elif type_token.startswith("aws:s3/"):
        physical = inputs.get("bucket") if isinstance(inputs.get("bucket"), str) else physical
    elif type_token == "aws:secretsmanager/secret:Secret":
        physical = f"arn:aws:secretsmanager:{region}:{ACCOUNT}:secret:{physical}-{_digest(name, length=6)}"
        outputs = {"arn": physical}
    elif type_token == "aws:secretsmanager/secretVersion:SecretVersion":
        outputs = {"arn": aws_answers.secret_arn(inputs.get("secretId") or physical, region, ACCOUNT)}
    elif type_token == "aws:cloudtrail/organizationDelegatedAdminAccount:OrganizationDelegatedAdminAccount":
        member = inputs.get("accountId") if isinstance(inputs.get("accountId"), str) else ACCOUNT
        outputs = {"arn": f"arn:aws:organizations::{ACCOUNT}:account/o-{_digest(ACCOUNT, length=10)}/{member}"}
    elif module == "iam":
        outputs = {"arn": f"arn:aws:iam::{ACCOUNT}:{IAM_ARN_TYPES.get(kind, kind[:1].lower() + kind[1:])}/{physical}"}
        if kind == "Role":
            outputs["uniqueId"] = aws_answers.unique_id("AROA", type_token, name)
    elif type_token == "aws:appflow/flow:Flow":
        outputs = {"arn": f"arn:aws:appflow:{region}:{ACCOUNT}:flow/{physical}", "flowStatus": "Active"}
    elif type_token == "aws:appflow/connectorProfile:ConnectorProfile":
        outputs = {"arn": f"arn:aws:appflow:{region}:{ACCOUNT}:connectorprofile/{physical}",
                   "credentialsArn": aws_answers.arn_for("secret", f"appflow!{ACCOUNT}-{physical}", region, ACCOUNT)}
    elif type_token == "aws:cloudtrail/trail:Trail":
        outputs = {"arn": f"arn:aws:cloudtrail:{region}:{ACCOUNT}:trail/{physical}", "homeRegion": region}
    elif type_token in ARN_FORMS:
        service, resource = ARN_FORMS[type_token]
        account = "" if service in ("apigateway",) else ACCOUNT
        outputs = {"arn": f"arn:aws:{service}:{region}:{account}:{resource.format(physical)}"}
    elif module:
        outputs = {"arn": f"arn:aws:{module}:{region}:{ACCOUNT}:{kind.lower()}/{physical}"}
    if "tags" in inputs:
        outputs["tagsAll"] = inputs["tags"]
    return str(physical), outputs


def _matches(expected, actual) -> bool:
    """``expected`` (from a mocks file) is a subset of ``actual``: every key it names has that value."""
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(_matches(value, actual.get(key)) for key, value in expected.items())
    return expected == actual


def file_answer(entries, args: dict) -> Optional[dict]:
    """A mocks file's answer to an invoke: one result, or a list of {args, result} matched in order."""
    if isinstance(entries, dict):
        return entries
    for entry in entries or []:
        if _matches(entry.get("args") or {}, args):
            return entry.get("result") or {}
    return None


def without_references(value):
    """A copy of the protobuf ``value`` with each resource reference replaced as the engine replaces it for an
    analyzer (rpc.go, KeepResources false): the referenced resource's ID (unknown when not known yet), or
    its URN when it has no ID (a component)."""
    from google.protobuf import struct_pb2

    copy = type(value)()
    copy.CopyFrom(value)
    pending = [copy] if isinstance(copy, struct_pb2.Struct) else []
    values = [copy] if isinstance(copy, struct_pb2.Value) else []
    while pending or values:
        if pending:
            values.extend(pending.pop().fields.values())
            continue
        item = values.pop()
        kind = item.WhichOneof("kind")
        if kind == "struct_value":
            fields = item.struct_value.fields
            signature = fields.get(SECRET_SIGNATURE_KEY)
            if signature is not None and signature.string_value == RESOURCE_SIGNATURE:
                if "id" in fields:
                    identifier = fields["id"].string_value
                    item.string_value = UNKNOWN_SENTINEL if identifier in ("", UNKNOWN_SENTINEL) else identifier
                else:
                    item.string_value = engine_urn(fields["urn"].string_value)
            else:
                values.extend(fields.values())
        elif kind == "list_value":
            values.extend(item.list_value.values)
    return copy


def unreadable_file(state, working_directory: str) -> Optional[str]:
    """The engine's error for a registration holding a FileAsset or FileArchive (or an AssetArchive of them)
    whose file it cannot read, else None: the engine hashes every asset and archive it is sent, reading each
    path from the program's directory, and refuses the registration when one fails
    (pkg/resource/plugin/property_filter.go; sdk/go/common/resource/asset and archive)."""

    def path_text(path: list) -> str:
        """A property path as the engine prints it: code.lambda, ["index.py"], rules[0]."""
        text = ""
        for part in path:
            if isinstance(part, int):
                text += f"[{part}]"
            elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", part):
                text += ("." if text else "") + part
            else:
                text += "[" + json.dumps(part) + "]"
        return text or "<root>"

    def located(relative: str) -> str:
        return os.path.normpath(os.path.join(working_directory, relative))

    def asset_error(fields, path: list) -> Optional[str]:
        if "path" not in fields or fields.get("hash") and fields["hash"].string_value:
            return None
        file = located(fields["path"].string_value)
        if not os.path.exists(file):
            why = f"failed to open asset file '{file}': open {file}: no such file or directory"
        elif os.path.isdir(file):
            why = f"asset path '{file}' is a directory; try using an archive"
        else:
            return None
        return f"failed to compute asset hash at {path_text(path)}: {why}"

    def archive_error(fields, path: list) -> Optional[str]:
        for name, member in sorted(fields["assets"].struct_value.fields.items()) if "assets" in fields else []:
            error = value_error(member, path + [name])
            if error:
                return error
        if "path" not in fields or fields.get("hash") and fields["hash"].string_value:
            return None
        file = located(fields["path"].string_value)
        if file.endswith(ARCHIVE_EXTENSIONS):
            why = None if os.path.exists(file) else f"open {file}: no such file or directory"
        elif not os.path.exists(file):
            why = f"couldn't read archive path '{file}': stat {file}: no such file or directory"
        else:
            why = None if os.path.isdir(file) else f"'{file}' is neither a recognized archive type nor a directory"
        return f"failed to compute archive hash at {path_text(path)}: {why}" if why else None

    def value_error(value, path: list) -> Optional[str]:
        kind = value.WhichOneof("kind")
        if kind == "list_value":
            return next(filter(None, (value_error(item, path + [index])
                                      for index, item in enumerate(value.list_value.values))), None)
        if kind != "struct_value":
            return None
        fields = value.struct_value.fields
        signature = fields[SECRET_SIGNATURE_KEY].string_value if SECRET_SIGNATURE_KEY in fields else ""
        if signature == ASSET_SIGNATURE:
            return asset_error(fields, path)
        if signature == ARCHIVE_SIGNATURE:
            return archive_error(fields, path)
        if signature and "value" in fields:  # a secret or an output value: the value it wraps
            return value_error(fields["value"], path)
        return next(filter(None, (value_error(item, path + [key]) for key, item in sorted(fields.items()))), None)

    return next(filter(None, (value_error(value, [key]) for key, value in sorted(state.fields.items()))), None)


def engine_urn(urn: str) -> str:
    """The URN the engine gives: children of the root stack carry no Stack$ type prefix."""
    return urn.replace("::pulumi:pulumi:Stack$", "::")


def run(program_dir: str, main: str, project: str, stack: str, phase: str, config: dict,
        emit: Callable[[dict], None], options: Optional[dict] = None) -> None:
    """Run the program, passing each registration to ``emit`` (from the SDK's worker threads, serialised).

    ``options``: "mocks" ({"invokes": {token: answer}, "resources": {type or name: outputs}}),
    "stackReferences" ({stack name: outputs}), "secretKeys" (config keys that hold secrets),
    "sdkStackCapture" (keep the SDK's own capture of the whole call stack for every resource instead
    of stack_capture's, which records the same source position: for comparing the two).
    ``emit`` also receives {"notice": text} for what the checker must tell the user.
    """
    import pulumi
    from google.protobuf import empty_pb2
    from pulumi.runtime import mocks, rpc
    from pulumi.runtime.proto import resource_pb2
    from pulumi.runtime.sync_await import _ensure_event_loop, _sync_await

    options = options or {}
    if not options.get("sdkStackCapture"):
        from . import stack_capture

        stack_capture.install()
    preview = phase == "preview"
    region = str(config.get("aws:region", "us-east-1"))
    emitting = threading.Lock()
    file_mocks = options.get("mocks") or {}
    invoke_answers = file_mocks.get("invokes") or {}
    resource_answers = file_mocks.get("resources") or {}
    stack_references = options.get("stackReferences") or {}
    from . import shapes, transforms

    engine_transforms = transforms.EngineTransforms()
    shapers: dict = {}
    provider_regions: dict = {}  # explicit aws providers: URN -> region
    noticed: set = set()

    def region_of(provider: str) -> str:
        """The region of the provider a resource or invoke names ("<urn>::<id>"), else the stack's."""
        return provider_regions.get(provider.rsplit("::", 1)[0], region) if provider else region

    def shaper_for(provider: str):
        where = region_of(provider)
        if where not in shapers:
            shapers[where] = shapes.Shaper(aws_answers, where, ACCOUNT, computed=computed_outputs,
                                           register=register_child, urn_prefix=f"urn:pulumi:{stack}::{project}")
        return shapers[where]

    def register_child(urn: str, identifier: str, state: dict) -> None:
        """A child resource a multi-language component's output refers to: the SDK reads it back by URN."""
        with monitor.lock:
            monitor.resources[urn] = mocks.MockMonitor.ResourceRegistration(urn, identifier, state)

    def notice(text: str) -> None:
        with emitting:
            if text not in noticed:
                noticed.add(text)
                emit({"notice": text})

    def overrides(typ: str, name: str) -> dict:
        return {**(resource_answers.get(typ) or {}), **(resource_answers.get(name) or {})}

    class AwsMocks(mocks.Mocks):
        def new_resource(self, args):
            if args.typ == STACK_REFERENCE:
                return self.stack_reference(args)
            shaper = shaper_for(args.provider or "")
            if args.resource_id:  # a read (Resource.get): AWS answers with the resource's state in both phases
                physical = str(args.resource_id)
                arn = computed_outputs(args.typ, physical, args.inputs, shaper.region)[1].get("arn", "")
                outputs = shaper.resource_outputs(args.typ, physical, args.inputs, physical, arn, everything=True)
                return physical, {**outputs, **args.inputs, **overrides(args.typ, args.name)}
            if getattr(args, "remote", False):  # a multi-language component, built by its provider
                # In preview its outputs come from children not created yet: unknown (left out). In
                # update they are shaped from its SDK types.
                given = {key: value for key, value in args.inputs.items() if value is not None}
                outputs = shaper.component_outputs(args.typ, args.name, given, shaped=not preview)
                return "", {**outputs, **({} if preview else overrides(args.typ, args.name))}
            if not args.custom:  # a component of the program: its outputs are what it registers itself
                return "", dict(args.inputs)
            if preview:
                return "", dict(args.inputs)
            physical, outputs = computed_outputs(args.typ, args.name, args.inputs, shaper.region)
            shaped = shaper.resource_outputs(args.typ, args.name, args.inputs, physical, outputs.get("arn", ""))
            return physical, {**shaped, **args.inputs, **outputs, **overrides(args.typ, args.name)}

        @staticmethod
        def stack_reference(args):
            name = str(args.inputs.get("name") or args.resource_id or args.name)
            if name in stack_references:
                return name, {"name": name, "outputs": stack_references[name], "secretOutputNames": []}
            notice(f"stack reference {name}: no outputs given (--stack-reference {name}=FILE); "
                   f"its outputs were unknown")
            return name, {"name": name, "outputs": rpc.UNKNOWN, "secretOutputNames": []}

        def call(self, args):
            if args.token in invoke_answers:
                answer = file_answer(invoke_answers[args.token], args.args)
                if answer is not None:
                    return answer
            answer = shaper_for(args.provider or "").invoke(args.token, args.args)
            if answer is None:
                notice(f"data source {args.token} has no answer (not in the installed SDKs nor in --mocks); "
                       f"its result was empty")
                return {}
            return answer

    class RecordingMonitor(mocks.MockMonitor):
        """Records every registration and answers it as the engine does.

        Resource references in a registration are replaced, at the protobuf level, as the engine replaces
        them for analyzers (the referenced resource's ID, or URN) before anything decodes them: decoding
        one would build a Resource object on the SDK's worker thread, bound to that thread's event loop
        (the "attached to a different loop" failure). In preview the registration is answered with its
        own inputs, as sent (a sixth of a large program's run saved), decoded only if the program asks
        for the resource by URN. Every shared table is guarded by one lock: the SDK calls the monitor
        from several threads at once.
        """

        def __init__(self, answers: mocks.Mocks) -> None:
            super().__init__(answers)
            self.echoed: dict = {}
            self.lock = threading.Lock()

        def RegisterResource(self, request):
            urn = self.make_urn(request.parent, request.type, request.name)
            engine_transforms.register(request, urn)  # the request becomes what the engine registers
            state = request.object
            encoded = state.SerializeToString()
            if RESOURCE_SIGNATURE_BYTES in encoded:
                state = without_references(state)
                encoded = state.SerializeToString()
            if ASSET_SIGNATURE.encode() in encoded or ARCHIVE_SIGNATURE.encode() in encoded:
                refused = unreadable_file(state, os.getcwd())
                if refused:  # the engine's words, and the resource it refused
                    raise Exception(f'{request.type} "{request.name}": unmarshal properties: {refused}')
            if request.type == "pulumi:providers:aws" and "region" in state.fields:
                provider_regions[urn] = state.fields["region"].string_value or region
            if request.type == "pulumi:pulumi:Stack":
                response = resource_pb2.RegisterResourceResponse(urn=urn)
            elif preview and (request.custom or not request.remote):
                with self.lock:
                    self.echoed[urn] = state
                response = resource_pb2.RegisterResourceResponse(urn=urn, id="", object=state)
            else:
                _ensure_event_loop()
                inputs = rpc.deserialize_properties(state, keep_unknowns=True)  # unknown stays unknown
                try:
                    arguments = mocks.MockResourceArgs(
                        typ=request.type, name=request.name, inputs=inputs, provider=request.provider,
                        resource_id=request.importId, custom=request.custom or False)
                except TypeError:  # an older SDK in the program's virtualenv: no "custom" argument
                    arguments = mocks.MockResourceArgs(typ=request.type, name=request.name, inputs=inputs,
                                                       provider=request.provider, resource_id=request.importId)
                    arguments.custom = request.custom or False
                arguments.remote = request.remote
                identifier, outputs = self.mocks.new_resource(arguments)
                answer = _sync_await(rpc.serialize_properties(outputs, {}))
                with self.lock:
                    self.resources[urn] = mocks.MockMonitor.ResourceRegistration(urn, identifier, outputs)
                response = resource_pb2.RegisterResourceResponse(urn=urn, id=identifier, object=answer)
                if request.remote:
                    notice(f"component {request.type} \"{request.name}\": its children are built by its own "
                           f"provider and were not checked; its outputs were shaped from its SDK types")
            registration = {
                "type": request.type, "name": request.name, "urn": engine_urn(response.urn), "id": response.id,
                "custom": request.custom, "parent": engine_urn(request.parent), "provider": engine_urn(request.provider),
                "version": request.version,
                "inputs": base64.b64encode(encoded).decode("ascii"),
                "dependencies": [engine_urn(urn) for urn in request.dependencies],
                "propertyDependencies": {key: [engine_urn(urn) for urn in value.urns]
                                         for key, value in request.propertyDependencies.items()},
                "sourcePosition": {"uri": request.sourcePosition.uri, "line": request.sourcePosition.line},
            }
            if not preview:  # a preview's state is its inputs: its outputs echo them, unknowns and all
                outputs = response.object.SerializeToString()
                if RESOURCE_SIGNATURE_BYTES in outputs:  # a component's outputs may hold its children
                    outputs = without_references(response.object).SerializeToString()
                registration["outputs"] = base64.b64encode(outputs).decode("ascii")
            with emitting:
                emit(registration)
            return response

        def ReadResource(self, request):
            engine_transforms.read(self.make_urn(request.parent, request.type, request.name), request.parent)
            if RESOURCE_SIGNATURE_BYTES in request.properties.SerializeToString():
                request.properties.CopyFrom(without_references(request.properties))
            return super().ReadResource(request)

        def Call(self, request):
            """A method of a resource (a multi-language component's, mostly): answered like a data source, from
            the method's result type, without decoding its arguments here (they may hold outputs and references)."""
            from google.protobuf import json_format

            arguments = json_format.MessageToDict(request.args)
            answer = None
            if request.tok in invoke_answers:
                answer = file_answer(invoke_answers[request.tok], arguments)
            if answer is None:
                answer = shaper_for(request.provider).function_result(request.tok, {
                    key: value for key, value in arguments.items() if not key.startswith("__")})
            if answer is None:
                notice(f"method {request.tok} has no answer (not in the installed SDKs nor in --mocks); "
                       f"its result was empty")
                answer = {}
            _ensure_event_loop()
            from pulumi.runtime.proto import provider_pb2

            return provider_pb2.CallResponse(**{"return": _sync_await(rpc.serialize_properties(answer, {}))})

        def Invoke(self, request):
            engine_transforms.invoke(request)  # the stack's invoke transforms run before anything answers
            if RESOURCE_SIGNATURE_BYTES in request.args.SerializeToString():
                request.args.CopyFrom(without_references(request.args))
            if request.tok == "pulumi:pulumi:getResource":
                urn = request.args.fields["urn"].string_value
                with self.lock:  # two lookups of one URN at once: one decodes, both find it
                    state = self.echoed.pop(urn, None)
                    if state is not None:
                        _ensure_event_loop()
                        self.resources[urn] = mocks.MockMonitor.ResourceRegistration(
                            urn, "", rpc.deserialize_properties(state))
            return super().Invoke(request)

        # Engine-side transforms (transforms.py), and the hooks the checker does not run.

        def RegisterStackTransform(self, request):
            engine_transforms.register_stack(request)
            return empty_pb2.Empty()

        def RegisterStackInvokeTransform(self, request):
            engine_transforms.register_stack_invoke(request)
            return empty_pb2.Empty()

        def RegisterResourceHook(self, request):
            notice(f"resource hook {request.name}: not run (the engine runs hooks around a provider's create, "
                   f"update and delete; they do not change what the pack checks)")
            return empty_pb2.Empty()

        def RegisterErrorHook(self, request):
            notice(f"error hook {request.name}: not run (the engine runs error hooks when a provider operation "
                   f"fails; they do not change what the pack checks)")
            return empty_pb2.Empty()

    if not preview:
        _unknown_stack_outputs(pulumi, stack_references)
    pulumi.runtime.set_all_config({key: value if isinstance(value, str) else json.dumps(value)
                                   for key, value in config.items()}, options.get("secretKeys") or [])
    monitor = RecordingMonitor(AwsMocks())
    mocks.set_mocks(AwsMocks(), project=project, stack=stack, preview=preview, monitor=monitor)

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

    _sync_await(run_pulumi_func(program))


def _unknown_stack_outputs(pulumi, given: dict) -> None:
    """In update, the SDK turns an unknown output of a resource into None (a preview keeps it unknown): the
    outputs of a stack reference the user gave no file for are made unknown where the program reads them."""
    import asyncio

    reference = pulumi.StackReference
    original_init, original_get, original_require = reference.__init__, reference.get_output, reference.require_output

    def unknown() -> "pulumi.Output":
        loop = asyncio.get_event_loop()
        value, known, secret = loop.create_future(), loop.create_future(), loop.create_future()
        value.set_result(None)
        known.set_result(False)
        secret.set_result(False)
        return pulumi.Output(set(), value, known, secret)

    def init(self, name, stack_name=None, opts=None):
        self._appflow_guard_name = stack_name or name
        original_init(self, name, stack_name, opts)

    def get_output(self, name):
        return original_get(self, name) if self._appflow_guard_name in given else unknown()

    def require_output(self, name):
        return original_require(self, name) if self._appflow_guard_name in given else unknown()

    reference.__init__, reference.get_output, reference.require_output = init, get_output, require_output


def _program_error(program_dir: str = "") -> str:
    """The program's own exception: its message and the deepest frame in the program's own files.

    An exception raised in an ``apply`` callback reaches here through the SDK's futures; its traceback
    still holds the callback's frame, which is what names the program's file and line.
    """
    kind, error, trace = sys.exc_info()
    location = ""
    # The folder as given and as resolved: code objects keep the path the program was run by (a symlink
    # stays a symlink), the working directory is the resolved one.
    roots = {os.path.join(os.path.abspath(folder), "") for folder in (program_dir or os.getcwd(), os.getcwd())}
    roots |= {os.path.join(os.path.realpath(root), "") for root in roots}
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        for frame in traceback.extract_tb(error.__traceback__):
            root = next((root for root in roots if frame.filename.startswith(root)), None)
            if root and os.sep + "site-packages" + os.sep not in frame.filename:
                location = f" ({os.path.relpath(frame.filename, root)}:{frame.lineno})"
        if location:
            break
        error = error.__cause__ or error.__context__
    _, error, _ = sys.exc_info()
    lines = [line.strip() for line in str(error).strip().splitlines() if line.strip()]
    message = lines[0] if lines else ""
    named = re.match(r"While processing resource: '([^']+)'", message)
    if named:
        # The SDK's wrapper of an invalid input (often an apply callback's result): say what was wrong
        # (its innermost line) and where the program declares that resource.
        if len(lines) > 1:
            message += ": " + re.sub(r"^\w+ has risen: ", "", lines[-1])
        if not location:
            location = _declared_at(named.group(1), program_dir or os.getcwd())
    quoted = _quoted_location(lines, roots)  # where a transform failed, not where it was called from
    if quoted:
        location, message = quoted, message.rstrip(":")
    return f"{kind.__name__}: {message}{location}" if message else f"{kind.__name__}{location}"


def _quoted_location(lines: list, roots: set) -> str:
    """ " (file:line)" of the deepest frame in the program's own files that an error's text quotes, or "": a
    transform's error comes back from the program's callbacks server as text ("<message>:" and its stack)."""
    location = ""
    for line in lines:
        quoted = re.match(r'File "([^"]+)", line (\d+)', line)
        root = next((root for root in roots if quoted and quoted.group(1).startswith(root)), None)
        if root and os.sep + "site-packages" + os.sep not in quoted.group(1):
            location = f" ({os.path.relpath(quoted.group(1), root)}:{quoted.group(2)})"
    return location


def _declared_at(name: str, program_dir: str) -> str:
    """ " (file:line)" of the first string literal ``name`` in the program's own Python files, or ""."""
    literal = re.compile(r"""(["'])""" + re.escape(name) + r"\1")
    for folder, directories, files in os.walk(program_dir):
        directories[:] = sorted(d for d in directories if not d.startswith(".") and d not in ("venv", "node_modules"))
        for file in sorted(files):
            if file.endswith(".py"):
                path = os.path.join(folder, file)
                try:
                    with open(path, encoding="utf-8", errors="replace") as handle:
                        for number, text in enumerate(handle, start=1):
                            if literal.search(text):
                                return f" ({os.path.relpath(path, program_dir)}:{number})"
                except OSError:
                    continue
    return ""


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--program-dir", required=True)
    parser.add_argument("--main", required=True)
    parser.add_argument("--project", required=True)
    parser.add_argument("--stack", required=True)
    parser.add_argument("--phase", choices=("preview", "update"), required=True)
    parser.add_argument("--config", default="{}")
    parser.add_argument("--output-fd", type=int, required=True)
    parser.add_argument("--options", help="a JSON file: mocks, stack references, secret config keys")
    options = parser.parse_args()
    run_options = {}
    if options.options:
        with open(options.options, encoding="utf-8") as handle:
            run_options = json.load(handle)
        try:
            os.unlink(options.options)  # it may hold decrypted config values
        except OSError:
            pass
    os.set_inheritable(options.output_fd, False)  # processes the program starts do not hold the stream open
    count = 0
    with open(options.output_fd, "w", encoding="utf-8", closefd=True) as stream:
        def emit(registration: dict) -> None:
            nonlocal count
            stream.write(json.dumps(registration) + "\n")  # dumps uses the C encoder; dump() does not
            stream.flush()
            count += "notice" not in registration

        # A program allocates many small, long-lived objects (resources, outputs, tasks): collecting
        # the young generation every 700 allocations costs a third of a large program's run.
        gc.set_threshold(50_000, 20, 100)
        try:
            run(options.program_dir, options.main, options.project, options.stack, options.phase,
                run_options.get("config", json.loads(options.config)), emit, run_options)
            result = {"done": count}
        except BaseException:  # the program's failure is reported, whatever it raised
            result = {"error": _program_error(options.program_dir)}
        stream.write(json.dumps(result) + "\n")
    return 0

