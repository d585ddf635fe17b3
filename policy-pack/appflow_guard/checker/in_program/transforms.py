"""The resource monitor's side of engine transforms, served to the program as the Pulumi engine serves it.

``pulumi.runtime.register_resource_transform``, ``ResourceOptions(transforms=[...])`` and
``pulumi.runtime.register_invoke_transform`` (pulumi >= 3.118) do not run inside the SDK: the SDK serves
them from its own Callbacks gRPC server and registers them with the monitor (RegisterStackTransform,
RegisterStackInvokeTransform, RegisterResourceRequest.transforms); the engine calls them back before a
resource reaches providers and analyzers, and before a data source reaches its provider. Written from the
engine the project pins (pulumi pkg/v3 v3.274.1, resource/deploy/source_eval.go: RegisterResource, Invoke,
wrapTransformCallback, wrapInvokeTransformCallback, inheritFromParent, resolveProvider; sdk
go/propertyrpc: the wire forms):

- order: the resource's own transforms, then those of each ancestor (parent first), then the stack's in
  registration order (the ones registered by then);
- a transform gets the properties as ``MarshalOptions{PreferOutputValues}`` writes them: secrets and
  unknowns as output values; with transforms of its own, each top-level property carries its property
  dependencies as an output value (upgradeOutputValues);
- a response without properties or options keeps the previous ones; the last one is the registration;
- with transforms of its own the registration's dependencies become the options' dependsOn and its
  property dependencies those the returned values carry (the SDK returns none: its result is serialized
  without them); with stack or ancestor transforms only, the request's are kept;
- invoke transforms get the arguments as sent and the provider the engine resolved; their result is
  what the data source is answered from;
- a failing callback fails the registration ("invoke transform: rpc error: ...") or the invoke with the
  engine's gRPC error, which the SDK turns into the program's exception as under the engine.

URNs stay the SDK's own (the mocks' form) inside these messages: the program looks resources up by them.
Loaded by the runner beside it, in the program's interpreter: it imports nothing but grpc (which pulumi
imports anyway) and pulumi's protobuf modules, those only once the program uses transforms (older SDKs
have no callback protos).
"""

from __future__ import annotations

import threading
from typing import Optional

import grpc

SIGNATURE_KEY = "4dabf18193072939515e22adb298388d"
SECRET_SIGNATURE = "1b47061264138c4ac30d75fd1eb44270"
OUTPUT_VALUE_SIGNATURE = "d0e6a833031e9bbcd3f4e8bde6ca49a4"
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
MAX_MESSAGE_SIZE = 400 * 1024 * 1024  # as pulumi's own channels

# Go's names of gRPC status codes, as the engine's error text spells them ("rpc error: code = Unknown ...").
GO_STATUS_NAMES = {"CANCELLED": "Canceled", "OK": "OK"}


class EngineError(grpc.RpcError):
    """The gRPC error the engine answers a failed transform with: the SDK turns it into the program's
    exception exactly as it turns the engine's ("invoke of <token> failed: ..." for an invoke)."""

    def __init__(self, code, details: str) -> None:
        super().__init__(details)
        self._code, self._details = code, details

    def code(self):
        return self._code

    def details(self) -> str:
        return self._details


def _signature(value) -> str:
    """The signature of a protobuf Value holding a special object ("" for anything else)."""
    if value.WhichOneof("kind") != "struct_value":
        return ""
    signature = value.struct_value.fields.get(SIGNATURE_KEY)
    return signature.string_value if signature is not None else ""


def _output_value(inner, secret: bool, dependencies) -> object:
    """An output value as propertyrpc marshals one: no "value" when unknown, "dependencies" always."""
    from google.protobuf import struct_pb2

    envelope = struct_pb2.Value()
    fields = envelope.struct_value.fields
    fields[SIGNATURE_KEY].string_value = OUTPUT_VALUE_SIGNATURE
    if inner is not None:
        fields["value"].CopyFrom(inner)
    if secret:
        fields["secret"].bool_value = True
    fields["dependencies"].list_value.SetInParent()
    for urn in sorted(dependencies):
        fields["dependencies"].list_value.values.add().string_value = urn
    return envelope


def _facets(value) -> tuple[object, bool, set]:
    """(plain value or None when unknown, secret, dependencies) of a value as the engine models it."""
    secret, dependencies = False, set()
    while True:
        signature = _signature(value)
        if signature == SECRET_SIGNATURE:
            secret = True
            value = value.struct_value.fields["value"]
        elif signature == OUTPUT_VALUE_SIGNATURE:
            fields = value.struct_value.fields
            secret = secret or ("secret" in fields and fields["secret"].bool_value)
            if "dependencies" in fields:
                dependencies.update(item.string_value for item in fields["dependencies"].list_value.values)
            if "value" not in fields:
                return None, secret, dependencies
            value = fields["value"]
        elif value.WhichOneof("kind") == "string_value" and value.string_value == UNKNOWN:
            return None, secret, dependencies
        else:
            return value, secret, dependencies


def transform_value(value, extra_dependencies=frozenset()):
    """``value`` as the engine sends it to a transform: secrets, unknowns and values with dependencies as
    output values, everywhere in the value (``extra_dependencies``: a top-level property's own)."""
    plain, secret, dependencies = _facets(value)
    dependencies |= extra_dependencies
    inner = None if plain is None else _transform_plain(plain)
    if secret or dependencies or plain is None:
        return _output_value(inner, secret, dependencies)
    return inner


def _transform_plain(value):
    from google.protobuf import struct_pb2

    kind = value.WhichOneof("kind")
    copy = struct_pb2.Value()
    if kind == "struct_value" and not _signature(value):
        copy.struct_value.SetInParent()
        for key, item in value.struct_value.fields.items():
            copy.struct_value.fields[key].CopyFrom(transform_value(item))
    elif kind == "list_value":
        copy.list_value.SetInParent()
        for item in value.list_value.values:
            copy.list_value.values.add().CopyFrom(transform_value(item))
    else:  # scalars, resource references, assets and archives travel as they are
        copy.CopyFrom(value)
    return copy


def registration_value(value) -> tuple[object, set]:
    """(``value`` as the SDK sends it and the engine hands it to providers and analyzers: secrets signed,
    unknowns as the sentinel, no output values; the dependencies its output values carried)."""
    from google.protobuf import struct_pb2

    plain, secret, dependencies = _facets(value)
    if plain is None:
        result = struct_pb2.Value(string_value=UNKNOWN)
    else:
        result = struct_pb2.Value()
        kind = plain.WhichOneof("kind")
        if kind == "struct_value" and not _signature(plain):
            result.struct_value.SetInParent()
            for key, item in plain.struct_value.fields.items():
                converted, inner = registration_value(item)
                result.struct_value.fields[key].CopyFrom(converted)
                dependencies |= inner
        elif kind == "list_value":
            result.list_value.SetInParent()
            for item in plain.list_value.values:
                converted, inner = registration_value(item)
                result.list_value.values.add().CopyFrom(converted)
                dependencies |= inner
        else:
            result.CopyFrom(plain)
    if secret:
        wrapped = struct_pb2.Value()
        wrapped.struct_value.fields[SIGNATURE_KEY].string_value = SECRET_SIGNATURE
        wrapped.struct_value.fields["value"].CopyFrom(result)
        result = wrapped
    return result, dependencies


def _has(message, field: str) -> bool:
    """Whether an optional field is set (an SDK whose proto has no presence for it: whether it is true)."""
    try:
        return message.HasField(field)
    except ValueError:
        return bool(getattr(message, field, False))
    except AttributeError:  # an SDK whose proto has no such field
        return False


def _package(type_token: str) -> str:
    return type_token.split(":", 1)[0]


def _provider_package(reference: str) -> str:
    """The package a provider reference ("<urn>::<id>", its type pulumi:providers:<package>) is for."""
    urn = reference.rsplit("::", 1)[0]
    qualified = urn.split("::")[2] if urn.count("::") >= 3 else ""
    resource_type = qualified.rsplit("$", 1)[-1]
    return resource_type.split(":", 2)[2] if resource_type.startswith("pulumi:providers:") else ""


def _is_default_provider(reference: str) -> bool:
    name = reference.rsplit("::", 1)[0].rsplit("::", 1)[-1]
    return name.startswith("default")


class EngineTransforms:
    """The engine's transform tables, and the calls to the program's callbacks server.

    Resources register from several SDK threads at once: every table is guarded by one lock, and the
    callbacks are called outside it (a transform may wait on another resource's registration).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stack: list = []  # callbacks of RegisterStackTransform, in order
        self._stack_invoke: list = []  # callbacks of RegisterStackInvokeTransform, in order
        self._own: dict[str, list] = {}  # URN -> the transforms declared on that resource
        self._parents: dict[str, str] = {}  # URN -> parent URN, registrations and reads
        self._goals: dict[str, dict] = {}  # URN -> the options its children inherit (inheritFromParent)
        self._transformed_providers: set[str] = set()  # URNs whose provider a transform changed
        self._component_providers: dict[str, dict] = {}  # component URN -> its providers by package
        self._stubs: dict[str, object] = {}

    # ---- registration of the callbacks ----

    def register_stack(self, callback) -> None:
        if not callback.target:
            raise EngineError(grpc.StatusCode.UNKNOWN, "target must be specified")
        with self._lock:
            self._stack.append(callback)

    def register_stack_invoke(self, callback) -> None:
        if not callback.target:
            raise EngineError(grpc.StatusCode.UNKNOWN, "target must be specified")
        with self._lock:
            self._stack_invoke.append(callback)

    def read(self, urn: str, parent: str) -> None:
        """A resource read (Resource.get): a link in its children's ancestor chain, with no transforms."""
        with self._lock:
            self._parents[urn] = parent

    # ---- resources ----

    def register(self, request, urn: str) -> None:
        """Runs the transforms that apply to the registration ``request`` of ``urn``, in the engine's order,
        and leaves in ``request`` what the engine registers: properties, provider, version, import ID,
        dependencies and property dependencies. A registration no transform applies to is left alone."""
        parent = request.parent
        own = getattr(request, "transforms", None)  # an SDK older than transforms has no such field
        own = list(own) if own else []
        with self._lock:
            self._parents[urn] = parent
            parent_goal = self._goals.get(parent)
            quiet = not (own or self._stack or self._own or self._transformed_providers)
            if not quiet:
                inherit_provider = parent in self._transformed_providers
                chain, current = [], parent
                while current:
                    chain.extend(self._own.get(current, ()))
                    current = self._parents.get(current, "")
                transforms = own + chain + list(self._stack)
                if own:
                    self._own[urn] = own
        if quiet:
            # No transform registered yet (the usual case, and cheap): only what a later transform's options
            # inherit from this resource is kept (the SDK itself passes protect and providers down).
            retain, deleted_with = getattr(request, "retainOnDelete", False), getattr(request, "deletedWith", "")
            if retain or deleted_with or parent_goal is not None:
                with self._lock:
                    self._goals[urn] = self._goal(request.provider, request, "protect", "retainOnDelete",
                                                  deleted_with, parent_goal)
            return
        if parent_goal is not None and inherit_provider and not request.provider:
            provider = parent_goal["provider"]
            if (not request.remote and not request.custom) or _provider_package(provider) == _package(request.type):
                request.provider = provider
        if not transforms:
            with self._lock:
                self._goals[urn] = self._goal(request.provider, request, "protect", "retainOnDelete",
                                              getattr(request, "deletedWith", ""), parent_goal)
                if not request.custom:
                    self._component_providers[urn] = self._with_parent_providers(request.providers, request.parent)
            return
        options = self._options(request, parent_goal)
        self._transform(request, own, transforms, options)
        with self._lock:
            self._goals[urn] = self._goal(options.provider, options, "protect", "retain_on_delete",
                                          options.deleted_with, None)
            if options.provider != request.provider:
                self._transformed_providers.add(urn)
            if not request.custom:
                self._component_providers[urn] = self._with_parent_providers(options.providers, request.parent)
        request.provider = options.provider

    @staticmethod
    def _goal(provider: str, message, protect: str, retain_on_delete: str, deleted_with: str,
              parent_goal: Optional[dict]) -> dict:
        """What a resource's children inherit from it (inheritFromParent): provider, protect, retainOnDelete,
        deletedWith; an option the resource does not set comes from its own parent."""
        inherited = parent_goal or {}
        return {"provider": provider,
                "protect": getattr(message, protect) if _has(message, protect) else inherited.get("protect", False),
                "retain_on_delete": getattr(message, retain_on_delete) if _has(message, retain_on_delete)
                else inherited.get("retain_on_delete", False),
                "deleted_with": deleted_with or inherited.get("deleted_with", "")}

    def _with_parent_providers(self, providers, parent: str) -> dict:
        """A component's providers by package, with those of a component parent it does not override."""
        return {**self._component_providers.get(parent, {}), **dict(providers)}

    def _options(self, request, parent_goal: Optional[dict]):
        """The TransformResourceOptions the engine builds from a registration (after inheritFromParent)."""
        from pulumi.runtime.proto import alias_pb2, resource_pb2

        options = resource_pb2.TransformResourceOptions()
        fields = options.DESCRIPTOR.fields_by_name
        provider = request.provider
        if request.custom or request.remote:
            package = _package(request.type)
            if not provider:
                provider = request.providers.get(package, "")
            if not provider and request.parent:
                with self._lock:
                    provider = self._component_providers.get(request.parent, {}).get(package, "")
        options.provider = provider
        options.version = request.version
        options.plugin_download_url = request.pluginDownloadURL
        setattr(options, "import", request.importId)
        options.depends_on.extend(request.dependencies)
        options.ignore_changes.extend(request.ignoreChanges)
        options.replace_on_changes.extend(request.replaceOnChanges)
        options.additional_secret_outputs.extend(request.additionalSecretOutputs)
        options.providers.update(request.providers)
        options.deleted_with = request.deletedWith or (parent_goal or {}).get("deleted_with", "")
        if _has(request, "protect"):
            options.protect = request.protect
        elif parent_goal is not None and parent_goal["protect"]:
            options.protect = True
        if _has(request, "retainOnDelete"):
            options.retain_on_delete = request.retainOnDelete
        elif parent_goal is not None and parent_goal["retain_on_delete"]:
            options.retain_on_delete = True
        if request.deleteBeforeReplaceDefined or request.deleteBeforeReplace:
            options.delete_before_replace = request.deleteBeforeReplace
        if request.HasField("customTimeouts"):
            options.custom_timeouts.CopyFrom(request.customTimeouts)
        options.aliases.extend(alias_pb2.Alias(urn=urn) for urn in request.aliasURNs)
        options.aliases.extend(request.aliases)
        # Fields of newer protos, on both sides when the program's SDK has them.
        request_fields = request.DESCRIPTOR.fields_by_name
        for option, field in (("hide_diff", "hideDiffs"), ("replace_with", "replace_with"),
                              ("plugin_checksums", "pluginChecksums")):
            if option in fields and field in request_fields:
                target = getattr(options, option)
                (target.update if hasattr(target, "update") else target.extend)(getattr(request, field))
        for option, field in (("hooks", "hooks"), ("replacement_trigger", "replacement_trigger")):
            if option in fields and field in request_fields and request.HasField(field):
                getattr(options, option).CopyFrom(getattr(request, field))
        return options

    def _transform(self, request, own: list, transforms: list, options) -> None:
        from google.protobuf import struct_pb2
        from pulumi.runtime.proto import resource_pb2

        property_dependencies = {key: set(value.urns) for key, value in request.propertyDependencies.items()}
        if not property_dependencies and not request.remote:  # the engine's backfill for older SDKs
            property_dependencies = {key: set(request.dependencies) for key in request.object.fields}
        properties = struct_pb2.Struct()
        for key, value in request.object.fields.items():
            # Only with transforms of its own does a property carry its dependencies (upgradeOutputValues).
            extra = frozenset(property_dependencies.get(key, ())) if own else frozenset()
            properties.fields[key].CopyFrom(transform_value(value, extra))
        for callback in transforms:
            message = resource_pb2.TransformRequest(
                type=request.type, name=request.name, custom=request.custom, parent=request.parent,
                properties=properties, options=options)
            response = resource_pb2.TransformResponse.FromString(
                self._call(callback, message.SerializeToString(), "invoke transform: "))
            if response.HasField("properties"):
                properties = struct_pb2.Struct()
                for key, value in response.properties.fields.items():
                    properties.fields[key].CopyFrom(transform_value(value))
            if response.HasField("options"):
                options.CopyFrom(response.options)
        registered = struct_pb2.Struct()
        carried: dict[str, set] = {}
        for key, value in properties.fields.items():
            converted, carried[key] = registration_value(value)
            registered.fields[key].CopyFrom(converted)
        if own:
            property_dependencies = carried
            dependencies = list(options.depends_on)
        else:
            for key, urns in carried.items():
                property_dependencies.setdefault(key, set()).update(urns)
            dependencies = list(request.dependencies)
        request.object.CopyFrom(registered)
        request.version = options.version
        request.importId = getattr(options, "import")
        del request.dependencies[:]
        request.dependencies.extend(dependencies)
        request.ClearField("propertyDependencies")
        for key, urns in property_dependencies.items():
            request.propertyDependencies[key].urns.extend(sorted(urns))
        request.ClearField("providers")
        request.providers.update(options.providers)

    # ---- invokes ----

    def invoke(self, request) -> None:
        """Runs the stack's invoke transforms on the data source call ``request``, leaving in it the arguments,
        provider and version the engine calls the provider with."""
        with self._lock:
            transforms = list(self._stack_invoke)
            parent_goal = self._goals.get(getattr(request, "parent", ""))
        if not transforms:
            return
        from pulumi.runtime.proto import resource_pb2

        options = resource_pb2.TransformInvokeOptions(
            provider=request.provider, version=request.version, plugin_download_url=request.pluginDownloadURL)
        if not options.provider and parent_goal is not None:  # parentProvider: a non-default one of this package
            provider = parent_goal["provider"]
            if provider and not _is_default_provider(provider) and \
                    _provider_package(provider) == _package(request.tok):
                options.provider = provider
        if "plugin_checksums" in options.DESCRIPTOR.fields_by_name:
            options.plugin_checksums.update(request.pluginChecksums)
        arguments = request.args
        for callback in transforms:
            message = resource_pb2.TransformInvokeRequest(token=request.tok, args=arguments, options=options)
            response = resource_pb2.TransformInvokeResponse.FromString(
                self._call(callback, message.SerializeToString(), ""))
            if response.HasField("args"):
                arguments = response.args
            if response.HasField("options"):
                options = response.options
        request.args.CopyFrom(arguments)
        request.provider = options.provider
        request.version = options.version

    # ---- the callbacks client ----

    def _call(self, callback, request: bytes, context: str) -> bytes:
        """One call to the program's callbacks server; a failure is the engine's error (its status code, and
        the callback's message behind ``context``, as the engine wraps a resource transform's)."""
        from pulumi.runtime.proto import callback_pb2

        with self._lock:
            stub = self._stubs.get(callback.target)
            if stub is None:
                from pulumi.runtime.proto import callback_pb2_grpc

                channel = grpc.insecure_channel(callback.target, options=[
                    ("grpc.max_receive_message_length", MAX_MESSAGE_SIZE),
                    ("grpc.max_send_message_length", MAX_MESSAGE_SIZE)])
                stub = self._stubs[callback.target] = callback_pb2_grpc.CallbacksStub(channel)
        try:
            return stub.Invoke(callback_pb2.CallbackInvokeRequest(token=callback.token, request=request)).response
        except grpc.RpcError as error:
            code, details = error.code(), error.details() or ""
            if context:  # Go's status error text: "rpc error: code = Unknown desc = ..."
                name = GO_STATUS_NAMES.get(code.name, code.name.title().replace("_", ""))
                details = f"{context}rpc error: code = {name} desc = {details}"
            raise EngineError(code, details) from None
