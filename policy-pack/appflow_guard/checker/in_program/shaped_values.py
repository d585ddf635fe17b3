"""Values shaped from the installed SDK's types: data source results, resource and component outputs.

Loaded by the program runner into the program's own interpreter (which has the program's SDKs), by
path: it imports nothing of the checker. Every field of the SDK's result or output type gets a
value: ARNs, IDs and names derived deterministically from the resource's name or the function's
arguments, in the forms AWS uses; lists have three elements (programs index them), maps are empty.
"""

from __future__ import annotations

import base64
import collections.abc
import enum
import functools
import importlib
import keyword
import os
import re
import sys
import typing
from dataclasses import dataclass
from typing import Any, Callable, Optional, Union

MAX_DEPTH = 6
# Map-valued outputs whose keys AWS fixes (appsync GraphqlApi.uris), so that programs can index them.
MAP_KEYS = {"uris": ("GRAPHQL", "REALTIME")}
LIST_LENGTH = 3

# ID prefixes AWS uses, by the stem of the field or function (vpcId, getVpc, ...).
ID_PREFIXES = {
    "vpc": "vpc-", "subnet": "subnet-", "securitygroup": "sg-", "group": "sg-", "ami": "ami-", "image": "ami-",
    "instance": "i-", "internetgateway": "igw-", "natgateway": "nat-", "routetable": "rtb-",
    "networkinterface": "eni-", "allocation": "eipalloc-", "eip": "eipalloc-", "snapshot": "snap-",
    "volume": "vol-", "launchtemplate": "lt-", "transitgateway": "tgw-", "vpcendpoint": "vpce-",
    "networkacl": "acl-", "prefixlist": "pl-", "keypair": "key-", "dhcpoptions": "dopt-",
    "customergateway": "cgw-", "vpngateway": "vgw-", "egressonlyinternetgateway": "eigw-",
}
# ARNs of the services the rules read, by the stem of the field (kmsKeyArn, roleArn, ...) or the resource
# kind: the kinds aws_answers.arn_for writes in AWS's forms. Stems that other services use for their own
# resources (an IVS channel, an EFS access point) name these kinds only inside the services of SCOPED.
ARN_KINDS = {
    "key": "kms-key", "kmskey": "kms-key", "kms": "kms-key", "targetkey": "kms-key", "kmsmasterkey": "kms-key",
    "ssekmskey": "kms-key", "replicakey": "kms-key", "primarykey": "kms-key",
    "secret": "secret", "credentials": "secret",
    "role": "iam-role", "iamrole": "iam-role", "executionrole": "iam-role", "servicerole": "iam-role",
    "cloudwatchlogsrole": "iam-role", "federationrole": "iam-role", "externalsecretrotationrole": "iam-role",
    "issuer": "iam-role", "servicelinkedrole": "iam-role", "caller": "iam-user", "policysource": "iam-user",
    "resource": "s3-bucket", "sessioncontext": "sts-assumed-role", "directorybucket": "s3express-bucket",
    "policy": "iam-policy", "managedpolicy": "iam-policy", "permissionsboundary": "iam-policy",
    "user": "iam-user", "group": "iam-group", "instanceprofile": "iam-instance-profile",
    "oidcprovider": "iam-oidc-provider", "openidconnectprovider": "iam-oidc-provider", "samlprovider": "iam-saml-provider",
    "servercertificate": "iam-server-certificate", "virtualmfadevice": "iam-mfa",
    "bucket": "s3-bucket", "s3bucket": "s3-bucket", "accesspoint": "s3-accesspoint",
    "storagelensgroup": "s3-storage-lens-group", "accessgrant": "s3-access-grant",
    "accessgrantsinstance": "s3-access-grants-instance", "accessgrantslocation": "s3-access-grants-location",
    "trail": "cloudtrail-trail", "cloudtrail": "cloudtrail-trail", "eventdatastore": "cloudtrail-eventdatastore",
    "channel": "cloudtrail-channel", "dashboard": "cloudtrail-dashboard",
    "flow": "appflow-flow", "connectorprofile": "appflow-connectorprofile", "connector": "appflow-connector",
    "function": "lambda-function", "lambda": "lambda-function", "lambdafunction": "lambda-function",
    "rotationlambda": "lambda-function", "topic": "sns-topic", "snstopic": "sns-topic", "queue": "sqs-queue",
    "loggroup": "logs-log-group", "cloudwatchlogsloggroup": "logs-log-group",
    "identitycenter": "sso-instance", "application": "sso-application",
}
SCOPED = {
    "credentials": {"appflow"}, "group": {"iam"}, "accesspoint": {"s3"}, "channel": {"cloudtrail"},
    "dashboard": {"cloudtrail"}, "flow": {"appflow"}, "connector": {"appflow"}, "connectorprofile": {"appflow"},
    "application": {"s3", "sso", "ssoadmin"}, "identitycenter": {"s3", "sso", "ssoadmin"}, "resource": {"iam"},
}


def arn_kind(stem: str, service: str) -> Optional[str]:
    """The ARN kind a field stem or resource kind names inside ``service``, if one of ARN_KINDS."""
    scope = SCOPED.get(stem)
    return ARN_KINDS.get(stem) if scope is None or service in scope else None


# Other services' ARNs: (service, resource prefix).
ARN_SERVICES = {
    "certificate": ("acm", "certificate/"), "stream": ("kinesis", "stream/"), "table": ("dynamodb", "table/"),
    "cluster": ("ecs", "cluster/"), "targetgroup": ("elasticloadbalancing", "targetgroup/"),
    "loadbalancer": ("elasticloadbalancing", "loadbalancer/app/"), "statemachine": ("states", "stateMachine:"),
    "repository": ("ecr", "repository/"),
}
# IAM unique IDs by the stem of the field (roleId, userId, ...) or the resource kind: their documented prefixes.
IAM_ID_PREFIXES = {"role": "AROA", "user": "AIDA", "group": "AGPA", "policy": "ANPA", "managedpolicy": "ANPA",
                   "instanceprofile": "AIPA", "servercertificate": "ASCA", "issuer": "AROA"}


def snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()


def _unwrap(hint: Any) -> Any:
    """T from Optional[T], Output[T], Input[T], Awaitable[T]."""
    for _ in range(10):
        origin = typing.get_origin(hint)
        if origin is typing.Union:
            members = [member for member in typing.get_args(hint) if member is not type(None)]
            hint = members[0] if members else Any
            continue
        if origin is not None and getattr(origin, "__name__", "") in ("Output", "Awaitable", "Input"):
            arguments = typing.get_args(hint)
            hint = arguments[0] if arguments else Any
            continue
        return hint
    return hint


def conforms(value: Any, hint: Any) -> bool:
    """Whether ``value`` (a decoded property) has the shape of the type ``hint`` (unknowns conform)."""
    from pulumi import Resource, _types
    from pulumi.output import Unknown

    if value is None or isinstance(value, Unknown) or hint is Any:
        return True
    if typing.get_origin(hint) is typing.Union:
        return any(conforms(value, member) for member in typing.get_args(hint) if member is not type(None))
    hint = _unwrap(hint)
    origin = typing.get_origin(hint)
    if origin in (list, collections.abc.Sequence, typing.List) or hint is list:
        element = (typing.get_args(hint) or (Any,))[0]
        return isinstance(value, list) and all(conforms(item, element) for item in value)
    if origin in (dict, collections.abc.Mapping, typing.Dict) or hint is dict:
        return isinstance(value, dict)
    if not isinstance(hint, type):
        return True
    if issubclass(hint, enum.Enum) or hint is str:
        return isinstance(value, str)
    if hint is bool:
        return isinstance(value, bool)
    if hint in (int, float):
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if issubclass(hint, Resource):
        return isinstance(value, hint)
    if _types.is_output_type(hint):
        return isinstance(value, dict)
    return True


class Shaper:
    """Shapes values for one program run (one region and account)."""

    def __init__(self, answers, region: str, account: str, computed=None, register=None, urn_prefix: str = "") -> None:
        """``computed(type, name, inputs, region) -> (id, outputs)`` gives a resource's ID and ARN in AWS's
        forms; ``register(urn, id, state)`` records a resource a component's output refers to, so that the
        program can read it back by URN; ``urn_prefix`` is "urn:pulumi:<stack>::<project>"."""
        self.answers = answers
        self.region = region
        self.account = account
        self.partition = answers.partition_of(region)[0]
        self.computed = computed
        self.register = register
        self.urn_prefix = urn_prefix
        self._classes: dict = {}
        self._results: dict = {}
        self._tokens: Optional[dict] = None

    def token_of(self, cls: type) -> Optional[str]:
        """The type token of an SDK resource class (from the SDK's registered resource modules)."""
        if self._tokens is None:
            from pulumi.runtime import rpc

            self._tokens = {}
            for modules in list(getattr(rpc, "_RESOURCE_MODULES", {}).values()):
                for module in modules:
                    info = getattr(module, "mod_info", None)
                    if isinstance(info, dict):
                        for token, class_name in (info.get("classes") or {}).items():
                            self._tokens.setdefault((info.get("fqn"), class_name), token)
        module = cls.__module__
        for fqn in (module, module.rsplit(".", 1)[0]):
            if (fqn, cls.__name__) in self._tokens:
                return self._tokens[(fqn, cls.__name__)]
        return None

    def reference(self, cls: type, field: str, context: dict, depth: int, index: int) -> Optional[dict]:
        """A component's output that is one of its child resources: a reference to a resource whose state
        is shaped from its type and recorded (the program may read it back by URN)."""
        token = self.token_of(cls)
        if token is None or self.register is None or depth > 3:
            return None
        name = f"{context['name']}-{snake(field).replace('_', '-')}" + (f"-{index}" if index else "")
        kind = token.rsplit(":", 1)[-1]
        if self.computed is not None:
            identifier, outputs = self.computed(token, name, {}, self.region)
        else:
            identifier, outputs = name, {}
        if kind.lower() in ID_PREFIXES and identifier.startswith(name):
            identifier = ID_PREFIXES[kind.lower()] + self.answers.digest(token, name, length=17)
        state = {**self.resource_outputs(token, name, {}, identifier, outputs.get("arn", ""), everything=True,
                                         depth=depth + 1), **outputs, "id": identifier}
        urn = f"{self.urn_prefix}::{token}::{name}"
        self.register(urn, identifier, state)
        return {"4dabf18193072939515e22adb298388d": "5cf8f73096256a8f31e491e813e4eb8e", "urn": urn, "id": identifier}

    # ---- finding the SDK's types ----

    def resource_class(self, type_token: str, version: str = "") -> Optional[type]:
        key = (type_token, version)
        if key not in self._classes:
            self._classes[key] = self._find_resource_class(type_token, version)
        return self._classes[key]

    @staticmethod
    def _find_resource_class(type_token: str, version: str) -> Optional[type]:
        from pulumi.runtime import rpc

        parts = type_token.split(":")
        if len(parts) != 3:
            return None
        try:
            module = rpc.get_resource_module(parts[0], parts[1], version) or rpc.get_resource_module(parts[0], parts[1], "")
        except Exception:  # a version string the SDK cannot parse
            module = rpc.get_resource_module(parts[0], parts[1], "")
        info = getattr(module, "mod_info", None)
        if not isinstance(info, dict):
            return None
        class_name = info.get("classes", {}).get(type_token)
        try:
            return getattr(importlib.import_module(info["fqn"]), class_name) if class_name else None
        except (ImportError, AttributeError, KeyError):
            return None

    def result_class(self, token: str) -> Optional[type]:
        if token not in self._results:
            self._results[token] = self._find_result_class(token)
        return self._results[token]

    def _find_result_class(self, token: str) -> Optional[type]:
        parts = token.split(":")
        if len(parts) != 3:
            return None
        if "/" in parts[2]:  # a resource method ("pkg:mod:Type/method"): its result type is in the class's module
            resource = self.resource_class(token.rsplit("/", 1)[0])
            module = sys.modules.get(resource.__module__) if resource is not None else None
            try:
                with open(module.__file__, encoding="utf-8") as handle:
                    source = handle.read()
            except (AttributeError, OSError, TypeError):
                return None
            match = re.search(r"call\('" + re.escape(token) + r"',[^)]*?typ=([\w.]+)\)", source)
            found = module
            for part in match.group(1).split(".") if match else []:
                found = getattr(found, part, None)
            return found if match and isinstance(found, type) else None
        package, module_path, function = parts[0], parts[1].split("/")[0], parts[2]
        base = "pulumi_" + package.replace("-", "_")
        module_name = module_path.replace("-", "_")
        module_name = module_name + "_" if keyword.iskeyword(module_name) else module_name  # pulumi_aws.lambda_
        fqn = base if module_path in ("index", "") else f"{base}.{module_name}"
        try:
            candidates = [f"{fqn}.{snake(function)}"]
            package_module = importlib.import_module(fqn)
        except ImportError:
            return None
        folder = os.path.dirname(getattr(package_module, "__file__", "") or "")
        for name in candidates + sorted(f"{fqn}.{file[:-3]}" for file in (os.listdir(folder) if folder else [])
                                        if file.startswith("get") and file.endswith(".py")):
            try:
                module = importlib.import_module(name)
                with open(module.__file__, encoding="utf-8") as handle:
                    source = handle.read()
            except (ImportError, OSError):
                continue
            match = re.search(r"invoke\('" + re.escape(token) + r"',[^)]*?typ=(\w+)\)", source)
            if match:
                return getattr(module, match.group(1), None)
        return None

    @staticmethod
    def _fields(cls: type) -> list[tuple[str, Any]]:
        from pulumi import _types

        try:
            types = _types.output_type_types(cls) if _types.is_output_type(cls) else _types.resource_types(cls)
        except Exception:  # an SDK class whose annotations cannot be resolved: no fields
            return []
        return [(name, hint) for name, hint in types.items() if not name.startswith("__")]

    def input_names(self, cls: type) -> set[str]:
        from pulumi import _types

        module = importlib.import_module(cls.__module__)
        arguments = getattr(module, cls.__name__ + "Args", None)
        try:
            return set(_types.input_type_py_to_pulumi_names(arguments).values()) if arguments else set()
        except Exception:
            return set()

    # ---- values ----

    def value(self, field: str, hint: Any, context: dict, depth: int = 0, index: int = 0) -> Any:
        hint = _unwrap(hint)
        origin = typing.get_origin(hint)
        if depth > MAX_DEPTH:
            return None
        if origin in (list, collections.abc.Sequence, typing.List) or hint in (list,):
            arguments = typing.get_args(hint)
            element = arguments[0] if arguments else str
            count = LIST_LENGTH if depth <= 1 else 1
            items = [self.value(field, element, context, depth + 1, position) for position in range(count)]
            return [item for item in items if item is not None]
        if origin in (dict, collections.abc.Mapping, typing.Dict) or hint in (dict,):
            keys = MAP_KEYS.get(field.lower(), ())
            return {key: self.string(f"{key.lower()}Url", context) for key in keys}
        if isinstance(hint, type):
            if issubclass(hint, enum.Enum):
                members = list(hint)
                return members[0].value if members else None
            if hint is bool:
                return False
            if hint is int:
                return 443 if field.lower().endswith("port") else 1
            if hint is float:
                return 1.0
            if hint is str:
                return self.string(field, context, index)
            from pulumi import Resource, _types

            if issubclass(hint, Resource):
                return self.reference(hint, field, context, depth, index)
            if _types.is_output_type(hint):
                return {name: item for name, item in
                        ((name, self.value(name, member, context, depth + 1, index)) for name, member in self._fields(hint))
                        if item is not None}
        return None

    def string(self, field: str, context: dict, index: int = 0) -> str:
        """A string field's value in the form AWS gives it: the first of STRING_FORMS its name matches."""
        echoed = context.get("inputs", {}).get(field)
        if isinstance(echoed, str) and not index:
            return echoed  # a nested output that repeats an input (the certificate's domainName)
        shaped = ShapedField(field, field.lower(), context, index,
                             self.answers.digest(context["seed"], field, index, length=17))
        if field == "id":
            return context["id"] + shaped.suffix
        for form in _forms_of(shaped.lower):
            value = form if isinstance(form, str) else form(self, shaped)
            if value is not None:
                return value
        return f"{context['name']}-{shaped.tail[:8]}{shaped.suffix}"

    def shape(self, cls: type, context: dict, skip: set, depth: int = 0) -> dict:
        values = {}
        for field, hint in self._fields(cls):
            if field in skip:
                continue
            item = self.value(field, hint, context, depth)
            if item is not None:
                values[field] = item
        return values

    # ---- entry points ----

    def invoke(self, token: str, args: Optional[dict]) -> Optional[dict]:
        """The answer to a data source, the one the checker's mocks and the engine suite's stand-in provider both
        give: what AWS computes (aws_answers.invoke_answer), else the SDK's result type shaped around the
        lookup's identity in AWS's forms (aws_answers.lookup_answer); None if the installed SDKs lack it."""
        args = dict(args or {})
        computed = self.answers.invoke_answer(token, args, self.region, self.account)
        if computed is not None:
            return computed
        return self.function_result(token, args, self.answers.lookup_answer(token, args, self.region, self.account))

    def function_result(self, token: str, args: dict, known: Optional[dict] = None) -> Optional[dict]:
        """Every field of the function's result type (``known`` fields as given), arguments echoed; None if the SDK
        has no such function."""
        cls = self.result_class(token)
        if cls is None:
            return None
        function = token.rsplit(":", 1)[-1].rsplit("/", 1)[-1]
        stem = re.sub(r"^get", "", function).lower()
        service = token.split(":")[1].split("/")[0]
        service = "" if service == "index" else service
        preferred = ["name", "id", "arn", "bucket", "domain"] + sorted(
            key for key in args if key.endswith(("Name", "Id", "Arn")))
        named = next((str(args[key]) for key in preferred if isinstance(args.get(key), str) and args[key]), "")
        name = named.rsplit("/", 1)[-1].rsplit(":", 1)[-1] if named else stem
        seed = self.answers.digest(token, sorted((key, repr(value)) for key, value in args.items()), length=16)
        id_value = args.get("id") if isinstance(args.get("id"), str) else (
            ID_PREFIXES.get(stem, "") + self.answers.digest(seed, "id", length=17) if stem in ID_PREFIXES
            else "Z" + self.answers.digest(seed, "id", length=13).upper() if stem == "zone" else named or self.region)
        context = {"name": name or stem, "service": service or stem, "seed": seed, "stem": stem, "id": id_value,
                   "arn": args.get("arn") if isinstance(args.get("arn"), str) else self.kind_arn(service or stem, stem, name),
                   "physical": named.rsplit("/", 1)[-1] if named else ""}
        result = self.shape(cls, context, set())
        fields = dict(self._fields(cls))
        result.update({key: value for key, value in (known or {}).items() if key in fields})
        for key, value in args.items():  # arguments come back in the result, in the result's types
            hint = _unwrap(fields.get(key)) if key in fields else None
            if value is None or hint is None:
                continue
            if hint is bool and isinstance(value, str):
                value = value.strip().lower() == "true"
            elif hint in (int, float) and isinstance(value, str):
                try:
                    value = hint(value)
                except ValueError:
                    continue
            elif hint is str and isinstance(value, (bool, int, float)):
                value = str(value).lower() if isinstance(value, bool) else str(value)
            result[key] = value
        return result

    def component_outputs(self, type_token: str, name: str, inputs: dict, version: str = "",
                          shaped: bool = True) -> dict:
        """A multi-language component's outputs: the inputs it echoes, and with ``shaped`` (an update; in preview
        they come from children not created yet) every other output property shaped from its type. An input
        whose output namesake has another type (awsx ec2.Vpc's natGateways: a strategy in, NatGateway resources
        out) never comes back as that output."""
        cls = self.resource_class(type_token, version)
        types = dict(self._fields(cls)) if cls is not None else {}
        echoed = {key: value for key, value in inputs.items() if key not in types or conforms(value, types[key])}
        outputs = self.resource_outputs(type_token, name, echoed, "", "", version, everything=True) if shaped else {}
        return {**outputs, **echoed}

    def kind_arn(self, service: str, kind: str, name: str) -> str:
        """The ARN of a resource of ``kind`` (a type or field stem) named ``name``: AWS's form where known."""
        if arn_kind(kind, service):
            return self.answers.arn_for(arn_kind(kind, service), name, self.region, self.account, self.partition)
        arn_service, prefix = ARN_SERVICES.get(kind, (service, f"{kind}/"))
        region = "" if arn_service in ("iam", "s3", "route53", "cloudfront") else self.region
        account = "" if arn_service in ("s3", "route53") else self.account
        return self.answers.arn(arn_service, region, account, f"{prefix}{name}", self.partition)

    def resource_outputs(self, type_token: str, name: str, inputs: dict, physical: str, arn: str,
                         version: str = "", everything: bool = False, depth: int = 0) -> dict:
        """Output properties of the type the program's inputs do not set; without ``everything``, only the
        properties AWS computes (not the ones a program may set and left unset)."""
        cls = self.resource_class(type_token, version)
        if cls is None:
            return {}
        parts = type_token.split(":")
        service = parts[1].split("/")[0] if len(parts) == 3 else ""
        kind = parts[-1]
        skip = set(inputs) | ({"id", "urn"} if not everything else {"urn"})
        autonamed = {}
        if not everything:
            input_names = self.input_names(cls)
            skip |= input_names
            if "name" in input_names and "name" not in inputs:  # the provider names it, as Pulumi autonames
                prefix = inputs.get("namePrefix") if isinstance(inputs.get("namePrefix"), str) else f"{name}-"
                autonamed["name"] = prefix + self.answers.digest(type_token, name, "autoname", length=7)
        context = {"name": autonamed.get("name", name), "service": service, "seed": f"{type_token}/{name}",
                   "stem": kind.lower(),
                   "id": physical or f"{kind.lower()}-{self.answers.digest(type_token, name, length=17)}",
                   "arn": arn or self.kind_arn(service, kind.lower(), name), "physical": "",
                   "inputs": {key: value for key, value in inputs.items() if isinstance(value, str)}}
        return {**self.shape(cls, context, skip, depth), **autonamed}


@dataclass(frozen=True)
class ShapedField:
    """A string field being shaped: its name (and lower-cased), what it belongs to, its place in a list."""

    name: str
    lower: str
    context: dict  # name, service, seed, stem, id, arn, physical of the resource or result it belongs to
    index: int
    tail: str  # a digest of the field's seed, name and index: the varying part of its value

    @property
    def suffix(self) -> str:
        return f"-{self.index}" if self.index else ""


def _own_arn(shaper: Shaper, field: ShapedField) -> str:
    context = field.context
    if not field.index:
        return context["arn"]
    if arn_kind(context.get("stem", ""), context["service"]):
        return shaper.kind_arn(context["service"], context["stem"], f"{context['name']}-{field.index}")
    return context["arn"] + field.suffix


def _named_arn(shaper: Shaper, field: ShapedField) -> str:
    """kmsKeyArn, roleArn, ...: an ARN of the kind the name's stem says, in AWS's form where known."""
    context = field.context
    stem = re.sub(r"arns?$", "", field.lower) or re.sub(r"s$", "", context.get("stem", "")) or context["service"]
    if stem == "execution":
        return shaper.answers.arn("execute-api", shaper.region, shaper.account, context["id"], shaper.partition)
    return shaper.kind_arn(context["service"], stem, f"{context['name']}-{field.tail[:8]}")


def _iam_unique_id(shaper: Shaper, field: ShapedField) -> Optional[str]:
    """roleId, uniqueId, ... of an IAM resource: its documented prefix; None outside IAM."""
    if field.context["service"] != "iam":
        return None
    prefix = IAM_ID_PREFIXES.get(field.lower[:-2]) or IAM_ID_PREFIXES.get(field.context.get("stem", ""), "AIDA")
    return shaper.answers.unique_id(prefix, field.context["seed"], field.name, field.index)


def _resource_id(shaper: Shaper, field: ShapedField) -> str:
    """vpcId, subnetIds, ...: the prefix AWS gives IDs of that kind (the field's stem, else its owner's)."""
    context = field.context
    owner = context.get("stem", "")
    stem = re.sub(r"(arn|id|ids|name|names)$", "", field.lower) or owner
    candidates = [form for base in (stem, owner) for form in (base, base[:-1] if base.endswith("s") else "")]
    known = next((key for candidate in candidates for key in sorted(ID_PREFIXES, key=len, reverse=True)
                  if candidate and candidate.endswith(key)), None)
    prefix = ID_PREFIXES[known] if known else ID_PREFIXES.get(owner, f"{stem or context['service']}-")
    if known and context["id"].startswith(prefix) and not field.index:
        return context["id"]  # imageId of getAmi is its id
    return prefix + field.tail


def _host(shaper: Shaper, field: ShapedField) -> str:
    host = f"{field.context['name']}-{field.tail[:8]}.{field.context['service']}.{shaper.region}.amazonaws.com"
    lower = field.lower
    is_url = lower in ("apiendpoint", "endpoint") or lower.endswith("endpoint") and "url" in lower
    return f"https://{host}" if is_url else host


def _url(shaper: Shaper, field: ShapedField) -> str:
    host = f"{field.context['name']}-{field.tail[:8]}.{field.context['service']}.{shaper.region}.amazonaws.com"
    return f"https://{host}/{field.index if field.index else ''}".rstrip("/") + "/"


def _nth(choices: list, index: int) -> str:
    return choices[index % len(choices)]


CERTIFICATE = base64.b64encode(b"-----BEGIN CERTIFICATE-----\nappflow-guard\n-----END CERTIFICATE-----\n").decode()
Form = Union[str, Callable[[Shaper, ShapedField], Optional[str]]]

# A string field's AWS form by its lower-cased name (the whole name matches the pattern): the first
# pattern that matches and whose form gives a value (not None) wins. A form is the value itself, or a
# function of the shaper and the field.
STRING_FORMS: tuple[tuple[str, Form], ...] = (
    (r".*accountid|ownerid|account", lambda shaper, field: shaper.account),
    (r".*region", lambda shaper, field: shaper.region),
    (r"partition", lambda shaper, field: shaper.partition),
    (r"availabilityzones?", lambda shaper, field: _nth(shaper.answers.zone_names(shaper.region), field.index)),
    (r"arn", _own_arn),
    (r".*arns?", _named_arn),
    (r"keyid|kmskeyid|targetkeyid|uuid|requestid",
     lambda shaper, field: shaper.answers.uuid(field.context["seed"], field.name, field.index)),
    (r"uniqueid|issuerid|(?:" + "|".join(IAM_ID_PREFIXES) + ")id", _iam_unique_id),
    (r"hostedzoneid|zoneid", lambda shaper, field: "Z" + field.tail.upper()[:13]),
    (r".*ids?", _resource_id),
    (r"hostname|address|fqdn|.*(?:dnsname|domainname|endpoint)", _host),
    (r".*(?:url|uri|uris)", _url),
    (r"cidr|.*cidrblock", lambda shaper, field: f"10.{field.index}.0.0/16"),
    (r"public.*(?:ip|ipaddress)", lambda shaper, field: f"203.0.113.{10 + field.index}"),
    (r".*(?:ip|ipaddress)", lambda shaper, field: f"10.0.{field.index}.{10 + field.index}"),
    (r"authorizationtoken", lambda shaper, field: base64.b64encode(f"AWS:{field.tail}".encode()).decode()),
    (r"password", lambda shaper, field: field.tail),
    (r"username|user", "AWS"),
    (r"data|certificatedata|certificateauthoritydata", CERTIFICATE),
    (r"status|state|lifecyclestate", "available"),
    (r".*(?:date|time|at|timestamp)", "2026-01-01T00:00:00Z"),
    (r"architecture", "x86_64"),
    (r"json|document|minifiedjson|.*policy", '{"Version":"2012-10-17","Statement":[]}'),
    (r"resourcerecordtype|recordtype", "CNAME"),
    (r"resourcerecordname", lambda shaper, field: f"_{field.tail[:12]}.{field.context['name']}.example.com."),
    (r"resourcerecordvalue", lambda shaper, field: f"_{field.tail[:12]}.acm-validations.aws."),
    (r".*names?", lambda shaper, field: field.context.get("physical") or
     f"{field.context['name']}-{field.tail[:7]}{field.suffix}"),
    (r"version|latestversion", "1"),
)


@functools.lru_cache(maxsize=None)
def _forms_of(lower: str) -> tuple[Form, ...]:
    """The forms whose pattern a lower-cased field name matches, in STRING_FORMS' order."""
    return tuple(form for pattern, form in STRING_FORMS if re.fullmatch(pattern, lower))
