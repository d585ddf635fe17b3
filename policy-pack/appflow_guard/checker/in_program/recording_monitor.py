"""The resource monitor the program's SDK talks to: records every registration and answers it as the engine does."""

from __future__ import annotations

import base64
import os
import threading

from google.protobuf import empty_pb2
from pulumi.runtime import mocks, rpc
from pulumi.runtime.proto import resource_pb2
from pulumi.runtime.sync_await import _ensure_event_loop, _sync_await

from .aws_mocks import AwsMocks
from .engine_registration import (FILE_SIGNATURES_BYTES, RESOURCE_SIGNATURE_BYTES, engine_urn, unreadable_file,
                                  without_references)
from .run_state import Emitter, RunSettings, Shapers
from .transforms import EngineTransforms


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

    def __init__(self, settings: RunSettings, emitter: Emitter) -> None:
        shapers = Shapers(settings, register=self.register_child)
        super().__init__(AwsMocks(settings, shapers, emitter))
        self.settings = settings
        self.emitter = emitter
        self.shapers = shapers
        self.engine_transforms = EngineTransforms()
        self.echoed: dict = {}
        self.lock = threading.Lock()

    def register_child(self, urn: str, identifier: str, state: dict) -> None:
        """A child resource a multi-language component's output refers to: the SDK reads it back by URN."""
        with self.lock:
            self.resources[urn] = mocks.MockMonitor.ResourceRegistration(urn, identifier, state)

    def RegisterResource(self, request):
        urn = self.make_urn(request.parent, request.type, request.name)
        self.engine_transforms.register(request, urn)  # the request becomes what the engine registers
        state = request.object
        encoded = state.SerializeToString()
        if RESOURCE_SIGNATURE_BYTES in encoded:
            state = without_references(state)
            encoded = state.SerializeToString()
        if any(signature in encoded for signature in FILE_SIGNATURES_BYTES):
            refused = unreadable_file(state, os.getcwd())
            if refused:  # the engine's words, and the resource it refused
                raise Exception(f'{request.type} "{request.name}": unmarshal properties: {refused}')
        if request.type == "pulumi:providers:aws" and "region" in state.fields:
            self.shapers.record_provider(urn, state.fields["region"].string_value)
        if request.type == "pulumi:pulumi:Stack":
            response = resource_pb2.RegisterResourceResponse(urn=urn)
        elif self.settings.preview and (request.custom or not request.remote):
            with self.lock:
                self.echoed[urn] = state
            response = resource_pb2.RegisterResourceResponse(urn=urn, id="", object=state)
        else:
            response = self._created(request, urn, state)
        self.emitter.registration(self._registration(request, response, encoded))
        return response

    def _created(self, request, urn: str, state):
        """The mocks' answer to a registration: an update's resource, or a multi-language component."""
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
        if request.remote:
            self.emitter.notice(f"component {request.type} \"{request.name}\": its children are built by its own "
                                f"provider and were not checked; its outputs were shaped from its SDK types")
        return resource_pb2.RegisterResourceResponse(urn=urn, id=identifier, object=answer)

    def _registration(self, request, response, encoded: bytes) -> dict:
        """The line the checker reads: the registration as the engine hands it to an analyzer."""
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
        if not self.settings.preview:  # a preview's state is its inputs: its outputs echo them, unknowns and all
            outputs = response.object.SerializeToString()
            if RESOURCE_SIGNATURE_BYTES in outputs:  # a component's outputs may hold its children
                outputs = without_references(response.object).SerializeToString()
            registration["outputs"] = base64.b64encode(outputs).decode("ascii")
        return registration

    def ReadResource(self, request):
        self.engine_transforms.read(self.make_urn(request.parent, request.type, request.name), request.parent)
        if RESOURCE_SIGNATURE_BYTES in request.properties.SerializeToString():
            request.properties.CopyFrom(without_references(request.properties))
        return super().ReadResource(request)

    def Call(self, request):
        """A method of a resource (a multi-language component's, mostly): answered like a data source, from
        the method's result type, without decoding its arguments here (they may hold outputs and references)."""
        from google.protobuf import json_format

        arguments = json_format.MessageToDict(request.args)
        answer = self.mocks.file_answer(request.tok, arguments)
        if answer is None:
            answer = self.shapers.for_provider(request.provider).function_result(request.tok, {
                key: value for key, value in arguments.items() if not key.startswith("__")})
        if answer is None:
            self.emitter.notice(f"method {request.tok} has no answer (not in the installed SDKs nor in --mocks); "
                                f"its result was empty")
            answer = {}
        _ensure_event_loop()
        from pulumi.runtime.proto import provider_pb2

        return provider_pb2.CallResponse(**{"return": _sync_await(rpc.serialize_properties(answer, {}))})

    def Invoke(self, request):
        self.engine_transforms.invoke(request)  # the stack's invoke transforms run before anything answers
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
        self.engine_transforms.register_stack(request)
        return empty_pb2.Empty()

    def RegisterStackInvokeTransform(self, request):
        self.engine_transforms.register_stack_invoke(request)
        return empty_pb2.Empty()

    def RegisterResourceHook(self, request):
        self.emitter.notice(f"resource hook {request.name}: not run (the engine runs hooks around a provider's "
                            f"create, update and delete; they do not change what the pack checks)")
        return empty_pb2.Empty()

    def RegisterErrorHook(self, request):
        self.emitter.notice(f"error hook {request.name}: not run (the engine runs error hooks when a provider "
                            f"operation fails; they do not change what the pack checks)")
        return empty_pb2.Empty()
