"""pulumi's Mocks answering as AWS does: resource outputs, stack references and data sources.

In preview, a created resource's computed outputs stay unknown (its outputs echo its inputs); in update,
they get AWS's forms (aws_outputs) and every other output property is shaped from the SDK's types. A
mocks file (--mocks) and stack reference files (--stack-reference) take precedence.
"""

from __future__ import annotations

from typing import Optional

from pulumi.runtime import mocks, rpc

from .aws_outputs import computed_outputs
from .run_state import Emitter, RunSettings, Shapers

STACK_REFERENCE = "pulumi:pulumi:StackReference"


class AwsMocks(mocks.Mocks):
    def __init__(self, settings: RunSettings, shapers: Shapers, emitter: Emitter) -> None:
        self.settings = settings
        self.shapers = shapers
        self.emitter = emitter

    def new_resource(self, args):
        if args.typ == STACK_REFERENCE:
            return self.stack_reference(args)
        preview, overrides = self.settings.preview, self.settings.overrides
        shaper = self.shapers.for_provider(args.provider or "")
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

    def stack_reference(self, args):
        name = str(args.inputs.get("name") or args.resource_id or args.name)
        if name in self.settings.stack_references:
            return name, {"name": name, "outputs": self.settings.stack_references[name], "secretOutputNames": []}
        self.emitter.notice(f"stack reference {name}: no outputs given (--stack-reference {name}=FILE); "
                            f"its outputs were unknown")
        return name, {"name": name, "outputs": rpc.UNKNOWN, "secretOutputNames": []}

    def call(self, args):
        answer = self.file_answer(args.token, args.args)
        if answer is not None:
            return answer
        answer = self.shapers.for_provider(args.provider or "").invoke(args.token, args.args)
        if answer is None:
            self.emitter.notice(f"data source {args.token} has no answer (not in the installed SDKs nor in --mocks); "
                                f"its result was empty")
            return {}
        return answer

    def file_answer(self, token: str, args: dict) -> Optional[dict]:
        """A mocks file's answer to an invoke or a method: one result, or a list of {args, result} matched in
        order; None when it gives none."""
        entries = self.settings.invoke_answers.get(token)
        if entries is None:
            return None
        if isinstance(entries, dict):
            return entries
        for entry in entries or []:
            if _matches(entry.get("args") or {}, args):
                return entry.get("result") or {}
        return None


def _matches(expected, actual) -> bool:
    """``expected`` (from a mocks file) is a subset of ``actual``: every key it names has that value."""
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(_matches(value, actual.get(key)) for key, value in expected.items())
    return expected == actual


def make_unfiled_references_unknown(pulumi, given: dict) -> None:
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
