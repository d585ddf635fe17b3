"""The stack view: one index per stack analysis, so cross-resource lookups cost O(1).

Stack policies see every resource with its properties and ``property_dependencies`` (which
resources each top-level property was computed from). That is what lets a rule prove, during a
first preview, that an unknown ``kmsArn`` is the ARN of a key created in this very stack, also when
the value came through another resource's output that hands on its input (``alias.target_key_arn``,
``bucket_policy.bucket``: passthrough.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any, Iterable, Iterator

from . import protection_fields, types
from .kms import KeyReference, classify_key_reference, key_identifiers
from .passthrough import inputs_passed_on
from .values import UNKNOWN, as_dict, as_list, dig, plain, text


class Resolution(Enum):
    MISSING = "missing"
    AWS_MANAGED = "aws-managed"
    IN_STACK = "in-stack"
    EXTERNAL = "external"
    UNVERIFIABLE = "unverifiable"
    INVALID = "invalid"


@dataclass(frozen=True)
class KeyLink:
    """Where a reference to a KMS key points."""

    resolution: Resolution
    value: Any
    keys: tuple = ()
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class BucketLink:
    """One place where AppFlow reads or writes an S3 bucket; ``writes`` when AppFlow puts objects there."""

    holder: Any
    field: str
    value: Any
    buckets: tuple
    writes: bool


def _identifiers(props: dict, *names: str) -> set[str]:
    return {value for name in names if (value := text(props.get(name)))}


class StackView:
    def __init__(self, resources: Iterable[Any]) -> None:
        self.resources = list(resources)
        self._position = {resource.urn: index for index, resource in enumerate(self.resources)}
        self._props: dict[str, dict] = {}
        self._by_type: dict[str, list] = {}
        for resource in self.resources:
            self._by_type.setdefault(resource.resource_type, []).append(resource)
        self._keys_by_identifier: dict[str, Any] = {}
        for key in self.of_type(*types.KMS_KEY_TYPES):
            for identifier in _identifiers(self.props(key), *protection_fields.KEY_IDENTIFIERS):
                self._keys_by_identifier[identifier] = key
        self._aliases_by_identifier: dict[str, Any] = {}
        for alias in self.of_type(*types.KMS_ALIAS_TYPES):
            for identifier in _identifiers(self.props(alias), *protection_fields.ALIAS_IDENTIFIERS):
                self._aliases_by_identifier[identifier] = alias
        self._buckets_by_identifier: dict[str, Any] = {}
        for bucket in self.of_type(*types.S3_BUCKET_TYPES):
            for identifier in _identifiers(self.props(bucket), *protection_fields.BUCKET_IDENTIFIERS):
                self._buckets_by_identifier[identifier] = bucket
        self._dependents: dict[tuple[str, str], dict] = {}
        self._by_bucket_name: dict[str, dict] = {}

    def props(self, resource: Any) -> dict:
        props = self._props.get(resource.urn)
        if props is None:
            props = as_dict(plain(resource.props))
            self._props[resource.urn] = props
        return props

    def of_type(self, *resource_types: str) -> list:
        """Resources of ``resource_types`` in stack order, so messages do not depend on set order."""
        found = [resource for resource_type in dict.fromkeys(resource_types)
                 for resource in self._by_type.get(resource_type, ())]
        return sorted(found, key=lambda resource: self._position[resource.urn]) if len(resource_types) > 1 else found

    def has_appflow(self) -> bool:
        """Whether the stack deploys any AppFlow resource (flow, connector profile, custom connector)."""
        return any(self._by_type.get(resource_type) for resource_type in types.APPFLOW_RESOURCE_TYPES)

    def dependencies(self, resource: Any, prop: str, *resource_types: str) -> list:
        deps = resource.property_dependencies.get(prop) or []
        return [dep for dep in deps if not resource_types or dep.resource_type in resource_types]

    def _in_stack_order(self, resources: Iterable[Any]) -> list:
        return sorted(dict.fromkeys(resources), key=lambda resource: self._position[resource.urn])

    def reached(self, resource: Any, prop: str) -> list:
        """Resources ``resource.prop`` was computed from: its dependencies, and through each one whose
        outputs hand on an input unchanged (passthrough.py), what that input was computed from."""
        found, pending = {}, list(self.dependencies(resource, prop))
        while pending:
            dep = pending.pop(0)
            if dep in found:
                continue
            found[dep] = None
            for passed_on in inputs_passed_on(dep.resource_type):
                pending.extend(self.dependencies(dep, passed_on))
        return list(found)

    def origins(self, resource: Any, prop: str, *resource_types: str) -> list:
        """Resources of ``resource_types`` that ``resource.prop`` leads to, directly or through outputs
        that hand on their inputs (``bucket_name=policy.bucket`` leads to the policy's bucket)."""
        return [dep for dep in self.reached(resource, prop) if dep.resource_type in resource_types]

    def dependents(self, resource: Any, prop: str, *resource_types: str) -> list:
        """Resources of ``resource_types`` whose ``prop`` leads to ``resource``, in stack order.

        The reverse of ``origins``, indexed once per (type, prop) so a lookup per resource does
        not rescan the stack.
        """
        found = []
        for resource_type in dict.fromkeys(resource_types):
            index = self._dependents.get((resource_type, prop))
            if index is None:
                index = {}
                for dependent in self._by_type.get(resource_type, ()):
                    for dep in self.reached(dependent, prop):
                        index.setdefault(dep, []).append(dependent)
                self._dependents[(resource_type, prop)] = index
            found.extend(index.get(resource, ()))
        return self._in_stack_order(found)

    # KMS keys -------------------------------------------------------------------------------

    def _keys_behind_alias(self, alias: Any) -> list:
        keys = self.origins(alias, "targetKeyId", *types.KMS_KEY_TYPES)
        target = text(self.props(alias).get("targetKeyId"))
        if not keys and target and target in self._keys_by_identifier:
            keys = [self._keys_by_identifier[target]]
        return keys

    def resolve_key(self, holder: Any, prop: str, value: Any) -> KeyLink:
        """Resolve the key reference ``value`` found under ``holder``'s top-level ``prop``."""
        if value is None or (isinstance(value, str) and not value.strip()):
            return KeyLink(Resolution.MISSING, value)
        if isinstance(value, str):
            kind = classify_key_reference(value)
            if kind is KeyReference.AWS_MANAGED:
                return KeyLink(Resolution.AWS_MANAGED, value)
        elif value is not UNKNOWN:
            return KeyLink(Resolution.INVALID, value)
        # An alias names its key to KMS, whichever of its outputs the value is: it leads to that key.
        keys = []
        for origin in self.origins(holder, prop, *types.KMS_KEY_TYPES, *types.KMS_ALIAS_TYPES):
            keys.extend(self._keys_behind_alias(origin) if origin.resource_type in types.KMS_ALIAS_TYPES else [origin])
        if keys:
            return KeyLink(Resolution.IN_STACK, value, tuple(dict.fromkeys(keys)))
        if isinstance(value, str):
            if kind is KeyReference.INVALID:
                return KeyLink(Resolution.INVALID, value)
            for identifier in key_identifiers(value):
                if identifier in self._keys_by_identifier:
                    return KeyLink(Resolution.IN_STACK, value, (self._keys_by_identifier[identifier],))
                if identifier in self._aliases_by_identifier:
                    behind = self._keys_behind_alias(self._aliases_by_identifier[identifier])
                    if behind:
                        return KeyLink(Resolution.IN_STACK, value, tuple(behind))
            return KeyLink(Resolution.EXTERNAL, value)
        sources = tuple(sorted({dep.resource_type for dep in self.dependencies(holder, prop)}))
        return KeyLink(Resolution.UNVERIFIABLE, value, sources=sources)

    # S3 buckets ----------------------------------------------------------------------------

    def resolve_buckets(self, holder: Any, prop: str, value: Any) -> tuple:
        if isinstance(value, str) and value in self._buckets_by_identifier:
            return (self._buckets_by_identifier[value],)
        candidates = self.origins(holder, prop, *types.S3_BUCKET_TYPES)
        if isinstance(value, str):
            matching = [bucket for bucket in candidates
                        if value in _identifiers(self.props(bucket), *protection_fields.BUCKET_NAMES)]
            return tuple(matching)
        return tuple(candidates)

    def attached(self, bucket: Any, resource_types: Iterable[str]) -> list:
        """Resources of ``resource_types`` whose ``bucket`` property points at ``bucket``."""
        resource_types = tuple(resource_types)
        found = self.dependents(bucket, "bucket", *resource_types)
        for resource_type in dict.fromkeys(resource_types):
            by_name = self._by_bucket_name.get(resource_type)
            if by_name is None:
                by_name = {}
                for resource in self._by_type.get(resource_type, ()):
                    name = text(self.props(resource).get("bucket"))
                    if name:
                        by_name.setdefault(name, []).append(resource)
                self._by_bucket_name[resource_type] = by_name
            for identifier in _identifiers(self.props(bucket), *protection_fields.BUCKET_NAMES):
                found.extend(by_name.get(identifier, ()))
        return self._in_stack_order(found)

    def appflow_buckets(self) -> Iterator[BucketLink]:
        """Every bucket field of every flow and connector profile, resolved to stack buckets.

        AppFlow only reads a flow's S3 source; it writes to every other bucket it is given: S3 and
        Upsolver destinations, the Redshift and Snowflake staging buckets (a flow's
        intermediateBucketName, a connector profile's bucketName) and the buckets that receive the
        records a destination rejects (errorHandlingConfig.bucketName).
        """
        for flow in self.of_type(*types.FLOW_TYPES):
            props = self.props(flow)
            destinations = protection_fields.destinations_field(flow.resource_type)
            source = dig(props, "sourceFlowConfig", "sourceConnectorProperties", "s3", "bucketName")
            if source is not None:
                yield BucketLink(flow, "sourceFlowConfig.sourceConnectorProperties.s3.bucketName", source,
                                 self.resolve_buckets(flow, "sourceFlowConfig", source), writes=False)
            for index, destination in enumerate(as_list(props.get(destinations))):
                connectors = as_dict(dig(destination, "destinationConnectorProperties"))
                for connector, settings in connectors.items():
                    settings = as_dict(settings)
                    prefix = f"{destinations}[{index}].destinationConnectorProperties.{connector}"
                    for field in ("bucketName", "intermediateBucketName"):
                        if settings.get(field) is not None:
                            yield BucketLink(flow, f"{prefix}.{field}", settings[field],
                                             self.resolve_buckets(flow, destinations, settings[field]), writes=True)
                    error_bucket = dig(settings, "errorHandlingConfig", "bucketName")
                    if error_bucket is not None:
                        yield BucketLink(flow, f"{prefix}.errorHandlingConfig.bucketName", error_bucket,
                                         self.resolve_buckets(flow, destinations, error_bucket), writes=True)
        for profile in self.of_type(*types.CONNECTOR_PROFILE_TYPES):
            properties = as_dict(dig(self.props(profile), "connectorProfileConfig", "connectorProfileProperties"))
            for connector in ("redshift", "snowflake"):
                value = dig(properties, connector, "bucketName")
                if value is not None:
                    yield BucketLink(profile, f"connectorProfileConfig.connectorProfileProperties.{connector}.bucketName",
                                     value, self.resolve_buckets(profile, "connectorProfileConfig", value), writes=True)

    # AppFlow's key and secret footprint ----------------------------------------------------

    def appflow_secrets(self) -> list:
        """Secrets named appflow!... and secrets a connector profile references."""
        secrets = [secret for secret in self.of_type(*types.SECRET_TYPES)
                   if (text(self.props(secret).get("name")) or "").startswith("appflow!")]
        by_identifier = {identifier: secret for secret in self.of_type(*types.SECRET_TYPES)
                         for identifier in _identifiers(self.props(secret), *protection_fields.SECRET_IDENTIFIERS)}
        for profile in self.of_type(*types.CONNECTOR_PROFILE_TYPES):
            secrets.extend(self.origins(profile, "connectorProfileConfig", *types.SECRET_TYPES))
            credentials = dig(self.props(profile), "connectorProfileConfig", "connectorProfileCredentials")
            for connector in as_dict(credentials).values():
                arn = text(dig(connector, "clientCredentialsArn"))
                if arn in by_identifier:
                    secrets.append(by_identifier[arn])
        return list(dict.fromkeys(secrets))

    def encryption_rules(self, bucket: Any) -> list[dict]:
        """Default-encryption settings (applyServerSideEncryptionByDefault) that apply to ``bucket``.

        Each entry is ``{"settings": dict, "holder": resource, "prop": top-level property}``.
        """
        rules = [{"settings": settings, "holder": bucket, "prop": prop}
                 for prop, settings in protection_fields.encryption_settings(bucket.resource_type, self.props(bucket))]
        for configuration in self.attached(bucket, types.S3_ENCRYPTION_TYPES):
            configuration_rules = self.props(configuration).get("rules")
            if configuration_rules is UNKNOWN:
                rules.append({"settings": UNKNOWN, "holder": configuration, "prop": "rules"})
            for rule in as_list(configuration_rules):
                settings = dig(rule, "applyServerSideEncryptionByDefault")
                if settings is not None:
                    rules.append({"settings": settings, "holder": configuration, "prop": "rules"})
        return rules

    def appflow_keys(self) -> dict:
        """Keys in this stack that protect AppFlow data, each with the places that use it, sorted (the
        engine's resource order is the order steps finished, which varies between runs).

        AppFlow data, as the AWS page's Key Management section puts it: connection data (a connector
        profile's key, its secrets' keys), a flow's data (the flow's key) and "data stored in Amazon
        S3 when it is a destination" (the default encryption key of every bucket AppFlow writes to).
        """
        if not self.of_type(*types.KMS_KEY_TYPES):
            return {}  # no key in the stack: no reference can resolve to one (and nothing is decoded)
        users: dict = {}

        def note(link: KeyLink, where: str) -> None:
            if link.resolution is Resolution.IN_STACK:
                for key in link.keys:
                    users.setdefault(key, []).append(where)

        for resource in self.of_type(*types.APPFLOW_TYPES):
            note(self.resolve_key(resource, "kmsArn", self.props(resource).get("kmsArn")), f"{resource.name}.kmsArn")
        seen_buckets = set()
        for link in self.appflow_buckets():
            if not link.writes:
                continue  # a flow's S3 source: its key protects the source's data, not data AppFlow stores
            for bucket in link.buckets:
                if bucket.urn in seen_buckets:
                    continue
                seen_buckets.add(bucket.urn)
                for rule in self.encryption_rules(bucket):
                    value = dig(rule["settings"], "kmsMasterKeyId")
                    note(self.resolve_key(rule["holder"], rule["prop"], value), f"{bucket.name} default encryption")
        for secret in self.appflow_secrets():
            note(self.resolve_key(secret, "kmsKeyId", self.props(secret).get("kmsKeyId")), f"{secret.name}.kmsKeyId")
        return {key: sorted(places) for key, places in users.items()}
