"""The shapes of the resources the pack reads, taken from pulumi-aws's and pulumi-aws-native's own input types.

Every ``*Args`` class of pulumi-aws names its properties with ``@pulumi.getter(name="camelCase")``
and types them with annotations such as ``Optional[pulumi.Input['FlowTriggerConfigArgs']]``. This
module walks those classes into plain descriptions, so the fuzzer and the canary test follow the
provider's schema instead of a hand-written copy of it: a field added to pulumi-aws shows up here.
pulumi-aws-native's classes come from the same code generator and are walked the same way (its
string enums, such as ``FlowConnectorType``, are strings; its tags are ``_root_inputs.TagArgs``).
"""

from __future__ import annotations

import collections.abc
import enum
import functools
import sys
import typing
from dataclasses import dataclass
from typing import Any, ForwardRef

import pulumi_aws as aws
import pulumi_aws_native as aws_native
from pulumi_aws.appflow import _inputs as appflow_inputs
from pulumi_aws_native.appflow import _inputs as native_appflow_inputs
from pulumi_aws.s3.bucket_server_side_encryption_configuration import BucketServerSideEncryptionConfigurationArgs

# Resource type tokens the pack reads -> the pulumi-aws class of their inputs.
RESOURCE_ARGS = {
    "aws:appflow/flow:Flow": aws.appflow.FlowArgs,
    "aws:appflow/connectorProfile:ConnectorProfile": aws.appflow.ConnectorProfileArgs,
    "aws:kms/key:Key": aws.kms.KeyArgs,
    "aws:kms/alias:Alias": aws.kms.AliasArgs,
    "aws:kms/keyPolicy:KeyPolicy": aws.kms.KeyPolicyArgs,
    "aws:s3/bucket:Bucket": aws.s3.BucketArgs,
    "aws:s3/bucketV2:BucketV2": aws.s3.BucketV2Args,
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration":
        BucketServerSideEncryptionConfigurationArgs,
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2":
        aws.s3.BucketServerSideEncryptionConfigurationV2Args,
    "aws:s3/bucketPolicy:BucketPolicy": aws.s3.BucketPolicyArgs,
    "aws:secretsmanager/secret:Secret": aws.secretsmanager.SecretArgs,
    "aws:iam/policy:Policy": aws.iam.PolicyArgs,
    "aws:iam/rolePolicy:RolePolicy": aws.iam.RolePolicyArgs,
    "aws:iam/userPolicy:UserPolicy": aws.iam.UserPolicyArgs,
    "aws:iam/groupPolicy:GroupPolicy": aws.iam.GroupPolicyArgs,
    "aws:iam/role:Role": aws.iam.RoleArgs,
    "aws:cloudtrail/trail:Trail": aws.cloudtrail.TrailArgs,
    "pulumi:providers:aws": aws.ProviderArgs,
}

# The same for pulumi-aws-native (its token -> the class of its inputs).
NATIVE_RESOURCE_ARGS = {
    "aws-native:appflow:Flow": aws_native.appflow.FlowArgs,
    "aws-native:appflow:ConnectorProfile": aws_native.appflow.ConnectorProfileArgs,
    "aws-native:appflow:Connector": aws_native.appflow.ConnectorArgs,
    "aws-native:kms:Key": aws_native.kms.KeyArgs,
    "aws-native:kms:Alias": aws_native.kms.AliasArgs,
    "aws-native:s3:Bucket": aws_native.s3.BucketArgs,
    "aws-native:s3:BucketPolicy": aws_native.s3.BucketPolicyArgs,
    "aws-native:secretsmanager:Secret": aws_native.secretsmanager.SecretArgs,
    "aws-native:iam:ManagedPolicy": aws_native.iam.ManagedPolicyArgs,
    "aws-native:iam:RolePolicy": aws_native.iam.RolePolicyArgs,
    "aws-native:iam:UserPolicy": aws_native.iam.UserPolicyArgs,
    "aws-native:iam:GroupPolicy": aws_native.iam.GroupPolicyArgs,
    "aws-native:iam:Role": aws_native.iam.RoleArgs,
    "aws-native:cloudtrail:Trail": aws_native.cloudtrail.TrailArgs,
    "pulumi:providers:aws-native": aws_native.ProviderArgs,
}
RESOURCE_ARGS.update(NATIVE_RESOURCE_ARGS)

CREDENTIALS_PREFIX = "ConnectorProfileConnectorProfileConfigConnectorProfileCredentials"
CREDENTIALS_ROOT = getattr(appflow_inputs, f"{CREDENTIALS_PREFIX}Args")
PROPERTIES_ROOT = appflow_inputs.ConnectorProfileConnectorProfileConfigConnectorProfilePropertiesArgs

# pulumi-aws-native: connectorProfileConfig.connectorProfileCredentials / connectorProfileProperties.
NATIVE_CREDENTIALS_ROOT = native_appflow_inputs.ConnectorProfileCredentialsArgs
NATIVE_PROPERTIES_ROOT = native_appflow_inputs.ConnectorProfilePropertiesArgs


@dataclass(frozen=True)
class Shape:
    """``kind`` is object, string, enum, bool, number, list, map or any; ``item`` for list and map;
    ``cls`` for object (its Args class) and enum (a str Enum whose values the SDK accepts)."""

    kind: str
    cls: Any = None
    item: "Shape | None" = None


@dataclass(frozen=True)
class Field:
    python_name: str
    name: str
    shape: Shape


def _module_namespace(cls) -> dict:
    return vars(sys.modules[cls.__module__])


def _shape(annotation: Any, namespace: dict) -> Shape:
    """The shape of a pulumi-aws annotation (Input/Optional/Awaitable/Output unions stripped)."""
    if isinstance(annotation, ForwardRef):
        name = annotation.__forward_arg__
        if name.startswith("Output["):
            return Shape("any")
        name = name.strip("'\"")
        target = namespace.get(name)
        if target is None and "." in name:  # aws-native: '_root_inputs.TagArgs'
            module, _, attribute = name.partition(".")
            target = getattr(namespace.get(module), attribute, None)
        if isinstance(target, type) and issubclass(target, enum.Enum):
            return Shape("enum", cls=target)  # aws-native's string enums (connector types, grant types, modes)
        return Shape("object", cls=target) if isinstance(target, type) else Shape("any")
    if isinstance(annotation, str):
        return _shape(ForwardRef(annotation), namespace)
    origin = typing.get_origin(annotation)
    if origin is typing.Union:
        candidates = [arg for arg in typing.get_args(annotation)
                      if arg is not type(None) and typing.get_origin(arg) is not collections.abc.Awaitable
                      and not (isinstance(arg, ForwardRef) and arg.__forward_arg__.startswith("Output["))]
        shapes = [_shape(arg, namespace) for arg in candidates]
        shapes = [shape for shape in shapes if shape.kind != "any"] or shapes
        return shapes[0] if shapes else Shape("any")
    if origin in (collections.abc.Mapping, dict):
        return Shape("map", item=_shape(typing.get_args(annotation)[1], namespace))
    if origin in (collections.abc.Sequence, list):
        return Shape("list", item=_shape(typing.get_args(annotation)[0], namespace))
    if annotation is str:
        return Shape("string")
    if annotation is bool:
        return Shape("bool")
    if annotation in (int, float):
        return Shape("number")
    return Shape("any")


@functools.lru_cache(maxsize=None)
def fields(cls) -> tuple[Field, ...]:
    """The properties of a pulumi-aws ``*Args`` class, in declaration order, with camelCase names."""
    namespace = _module_namespace(cls)
    found = []
    for python_name, member in vars(cls).items():
        if not isinstance(member, property) or member.fget is None:
            continue
        name = getattr(member.fget, "_pulumi_name", None)
        if not name:
            continue
        found.append(Field(python_name, name, _shape(member.fget.__annotations__.get("return"), namespace)))
    return tuple(found)


def leaves(cls) -> list[tuple[tuple, tuple, Shape]]:
    """(camelCase path, python path, shape) of every leaf under ``cls`` (objects are followed)."""
    found = []
    for field in fields(cls):
        if field.shape.kind == "object" and field.shape.cls is not None:
            found.extend(((field.name,) + path, (field.python_name,) + python_path, shape)
                         for path, python_path, shape in leaves(field.shape.cls))
        else:
            found.append(((field.name,), (field.python_name,), field.shape))
    return found


def credential_fields(root=CREDENTIALS_ROOT) -> dict[str, list[tuple[tuple, tuple, Shape]]]:
    """Connector (camelCase) -> every credential leaf of its credentials block in pulumi-aws's schema
    (``root=NATIVE_CREDENTIALS_ROOT``: pulumi-aws-native's).

    Paths are relative to ``connectorProfileCredentials.<connector>``; python paths are the
    snake_case names a program uses.
    """
    connectors = {}
    for field in fields(root):
        if field.shape.kind != "object":
            continue
        connectors[field.name] = (field.python_name, leaves(field.shape.cls))
    return connectors


def enum_values(shape: Shape) -> list[str]:
    return [member.value for member in shape.cls] if shape.kind == "enum" else []


def credential_classes() -> set[str]:
    """Every ``...Credentials*Args`` class pulumi-aws defines (to prove the walk reached them all)."""
    return {name for name in dir(appflow_inputs) if name.startswith(CREDENTIALS_PREFIX) and name.endswith("Args")}


def native_credential_classes() -> set[str]:
    """Every credentials ``*Args`` class of pulumi-aws-native's ConnectorProfile (``...Credentials...Args``,
    with the OAuth and API-key blocks they hold), to prove the walk reached them all."""
    return {name for name in dir(native_appflow_inputs) if name.startswith("ConnectorProfile")
            and "Credentials" in name and name.endswith("Args")}


def reachable_classes(cls, seen: set | None = None) -> set[str]:
    seen = set() if seen is None else seen
    if cls.__name__ in seen:
        return seen
    seen.add(cls.__name__)
    for field in fields(cls):
        shape = field.shape
        while shape.kind in ("list", "map") and shape.item is not None:
            shape = shape.item
        if shape.kind == "object" and shape.cls is not None:
            reachable_classes(shape.cls, seen)
    return seen


def property_connectors(root=PROPERTIES_ROOT) -> dict[str, tuple[str, Any]]:
    """Connector (camelCase) -> (python name, Args class) of its connectorProfileProperties block."""
    return {field.name: (field.python_name, field.shape.cls) for field in fields(root)
            if field.shape.kind == "object"}
