"""A stand-in for the pulumi-aws and pulumi-aws-native resource providers, for the engine tests.

No registry here serves the real provider plugins, so this one speaks their gRPC protocol (through
``pulumi.provider.experimental``) and answers like AWS without AWS: Check fills in the names the
real providers generate (auto-naming), Diff reports changed inputs as updates, Create leaves the
outputs AWS computes unknown during preview and gives them AWS-shaped values on ``pulumi up``,
and Read, Update and Delete keep the state consistent. Outputs and data-source answers come from
the checker's own AWS answers (``appflow_guard.checker.in_program``), so the engine and
``appflow-guard check`` see the same values; nothing is created anywhere.

Started by the ``pulumi-resource-aws`` and ``pulumi-resource-aws-native`` wrappers in
``tests/e2e/bin`` as ``python -u provider.py <engine-address>`` with
``APPFLOW_GUARD_STANDIN_PACKAGE`` naming the package it stands in for; it reports the version the
installed SDK of that package asks for.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from types import MappingProxyType
from typing import Any, Optional

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
sys.path.insert(0, os.path.join(REPO_ROOT, "policy-pack"))

from pulumi.provider.experimental.property_value import Computed, PropertyValue  # noqa: E402
from pulumi.provider.experimental.provider import (  # noqa: E402
    CheckRequest,
    CheckResponse,
    ConfigureRequest,
    ConfigureResponse,
    CreateRequest,
    CreateResponse,
    DeleteRequest,
    DiffRequest,
    DiffResponse,
    GetSchemaRequest,
    GetSchemaResponse,
    InvokeRequest,
    InvokeResponse,
    PropertyDiff,
    PropertyDiffKind,
    Provider,
    ReadRequest,
    ReadResponse,
    UpdateRequest,
    UpdateResponse,
)
from pulumi.provider.experimental.server import main  # noqa: E402
from pulumi.runtime.rpc import UNKNOWN  # noqa: E402

from appflow_guard.checker.in_program import aws_answers  # noqa: E402
from appflow_guard.checker.in_program.aws_answers import ACCOUNT  # noqa: E402
from appflow_guard.checker.in_program.aws_outputs import computed_outputs  # noqa: E402
from appflow_guard.checker.in_program.shaped_values import Shaper  # noqa: E402
from plugin_versions import SDK_MODULES, installed_plugin_version  # noqa: E402

DEFAULT_REGION = "us-east-1"

# Inputs the real providers fill in during Check when the program leaves them out (auto-naming).
AUTONAMED = {
    "aws:s3/bucket:Bucket": "bucket",
    "aws:s3/bucketV2:BucketV2": "bucket",
    "aws:appflow/flow:Flow": "name",
    "aws:appflow/connectorProfile:ConnectorProfile": "name",
    "aws:secretsmanager/secret:Secret": "name",
    "aws:iam/role:Role": "name",
    "aws:iam/policy:Policy": "name",
    "aws:iam/user:User": "name",
    "aws:iam/group:Group": "name",
    "aws:cloudtrail/trail:Trail": "name",
}


def plain(value: PropertyValue) -> Any:
    """A property value as the checker's mocks see it: secrets unwrapped, unknowns as the sentinel."""
    inner = value.value
    if isinstance(inner, Computed):
        return UNKNOWN
    if isinstance(inner, (MappingProxyType, dict)):
        return {key: plain(item) for key, item in inner.items()}
    if isinstance(inner, tuple):
        return [plain(item) for item in inner]
    return inner


def plain_map(props: dict[str, PropertyValue]) -> dict[str, Any]:
    return {key: plain(value) for key, value in props.items()}


def to_property(value: Any) -> PropertyValue:
    if isinstance(value, PropertyValue):
        return value
    if isinstance(value, dict):
        return PropertyValue({key: to_property(item) for key, item in value.items()})
    if isinstance(value, (list, tuple)):
        return PropertyValue([to_property(item) for item in value])
    if isinstance(value, int) and not isinstance(value, bool):
        return PropertyValue(float(value))
    if value == UNKNOWN:
        return unknown()
    return PropertyValue(value)


def unknown() -> PropertyValue:
    # PropertyValue.computed() cannot be marshalled by pulumi 3.272's experimental layer; the engine
    # reads the unknown sentinel string as a computed value.
    return PropertyValue(UNKNOWN)


def _suffix(*parts: str, length: int = 7) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:length]


class AwsStandIn(Provider):
    def __init__(self, package: str, version: str) -> None:
        self.package = package
        self.version = version
        self.region = DEFAULT_REGION
        self.shapers: dict[str, Shaper] = {}

    def shaper(self, region: str) -> Shaper:
        """The checker's shaper for ``region``, as its mocks build one per provider region."""
        if region not in self.shapers:
            self.shapers[region] = Shaper(aws_answers, region, ACCOUNT, computed=computed_outputs)
        return self.shapers[region]

    async def get_schema(self, request: GetSchemaRequest) -> GetSchemaResponse:
        return GetSchemaResponse(schema=json.dumps({"name": self.package, "version": self.version}))

    async def check_config(self, request: CheckRequest) -> CheckResponse:
        return CheckResponse(inputs=request.new_inputs)

    async def configure(self, request: ConfigureRequest) -> ConfigureResponse:
        region = request.variables.get(f"{self.package}:config:region")
        if not region and request.args and "region" in request.args:
            region = plain(request.args["region"])
        if isinstance(region, str) and region and region != UNKNOWN:
            self.region = region
        # accept_resources=False: the engine hands this provider each resource reference as the referenced
        # resource's ID (unknown while previewing) or a component's URN, as pulumi-aws's provider gets it
        # into its checked inputs. (With True, pulumi 3.272's provider layer writes a reference back with
        # "resource_id" instead of "id", so the engine loses the ID and analyzers would get the URN.)
        return ConfigureResponse(accept_secrets=True, supports_preview=True, accept_outputs=True,
                                 accept_resources=False)

    async def check(self, request: CheckRequest) -> CheckResponse:
        inputs = dict(request.new_inputs)
        prop = AUTONAMED.get(request.type)
        if prop and prop not in inputs:
            old = request.old_inputs.get(prop) if request.old_inputs else None
            inputs[prop] = old if old is not None else PropertyValue(f"{request.name}-{_suffix(request.urn)}")
        return CheckResponse(inputs=inputs)

    def _outputs(self, type_: str, name: str, inputs: dict[str, PropertyValue], preview: bool
                 ) -> tuple[str, dict[str, PropertyValue]]:
        """(id, state): the inputs, and what AWS computes (unknown while previewing)."""
        physical, computed = computed_outputs(type_, name, plain_map(inputs), self.region)
        state = dict(inputs)
        for key, value in computed.items():
            if key not in inputs or value is None:
                state.setdefault(key, unknown() if preview else to_property(value))
        return ("" if preview else physical), state

    async def diff(self, request: DiffRequest) -> DiffResponse:
        olds, news = request.old_state, request.new_inputs
        _, computed = computed_outputs(request.type, request.name, plain_map(news), self.region)
        changed = sorted(
            key for key in set(olds) | set(news)
            if key not in computed and key != "id" and not key.startswith("__")
            and key not in request.ignore_changes and olds.get(key) != news.get(key))
        return DiffResponse(changes=bool(changed), diffs=changed, detailed_diff={
            key: PropertyDiff(PropertyDiffKind.ADD if key not in olds
                              else PropertyDiffKind.DELETE if key not in news else PropertyDiffKind.UPDATE, True)
            for key in changed})

    async def create(self, request: CreateRequest) -> CreateResponse:
        resource_id, state = self._outputs(request.type, request.name, request.properties, request.preview)
        return CreateResponse(resource_id=resource_id, properties=state)

    async def update(self, request: UpdateRequest) -> UpdateResponse:
        _, state = self._outputs(request.type, request.name, request.news, request.preview)
        for key, value in request.olds.items():  # what AWS computed at create time stays
            if key not in request.news:
                state[key] = value
        return UpdateResponse(properties=state)

    async def delete(self, request: DeleteRequest) -> None:
        return None

    async def read(self, request: ReadRequest) -> ReadResponse:
        return ReadResponse(resource_id=request.resource_id, properties=request.properties, inputs=request.inputs)

    async def invoke(self, request: InvokeRequest) -> InvokeResponse:
        answer = self.shaper(self.region).invoke(request.tok, plain_map(request.args))
        if answer is None:
            raise NotImplementedError(f"the {self.package} stand-in provider does not answer {request.tok}: "
                                      f"the installed SDKs have no such function")
        return InvokeResponse(return_value={key: to_property(value) for key, value in answer.items()})


def run(package: Optional[str]) -> None:
    if package not in SDK_MODULES:
        raise SystemExit(f"stand-in provider: APPFLOW_GUARD_STANDIN_PACKAGE must be one of {sorted(SDK_MODULES)}")
    version = installed_plugin_version(package)
    if version is None:
        raise SystemExit(f"stand-in provider: the {SDK_MODULES[package]} SDK is not installed in {sys.executable}")
    main(sys.argv[1:], version, AwsStandIn(package, version))


if __name__ == "__main__":
    run(os.environ.get("APPFLOW_GUARD_STANDIN_PACKAGE"))
