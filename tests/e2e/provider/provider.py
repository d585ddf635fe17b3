"""A stand-in for the pulumi-aws resource provider, for end-to-end tests with the real Pulumi CLI.

The real provider plugin cannot be downloaded on the project's machines. This one speaks the same
gRPC protocol (through ``pulumi.provider.experimental``), so the engine, the Python SDK and a policy
pack see what they would see with AWS, without AWS: during preview computed outputs (``arn``,
``id``, ...) are unknown; on ``pulumi up`` they get realistic values
(``arn:aws:kms:us-east-1:123456789012:key/<uuid>``). Nothing is created anywhere; the state lives
in the stack's backend only.

It is started by ``pulumi-resource-aws`` (the bash wrapper beside it) as
``python -u provider.py <engine-address>``; it prints its port on stdout, as plugins must.
"""

from __future__ import annotations

import hashlib
import json
import sys
import uuid
from typing import Any, Optional

from pulumi.provider.experimental.property_value import Computed, PropertyValue
from pulumi.provider.experimental.provider import (
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
from pulumi.provider.experimental.server import main

VERSION = "7.51.1"  # the pulumi-aws Python SDK this project pins asks for this version
ACCOUNT = "123456789012"
DEFAULT_REGION = "us-east-1"

# Inputs the real provider fills in during Check when the program leaves them out (auto-naming).
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

# Outputs computed by the cloud, unknown during preview. "id" is handled separately.
COMPUTED = {
    "aws:kms/key:Key": ["arn", "keyId"],
    "aws:kms/alias:Alias": ["arn", "targetKeyArn"],
    "aws:s3/bucket:Bucket": ["arn", "bucketDomainName", "bucketRegionalDomainName", "region", "hostedZoneId"],
    "aws:s3/bucketV2:BucketV2": ["arn", "bucketDomainName", "bucketRegionalDomainName", "region", "hostedZoneId"],
    "aws:appflow/flow:Flow": ["arn", "flowStatus"],
    "aws:appflow/connectorProfile:ConnectorProfile": ["arn", "credentialsArn"],
    "aws:secretsmanager/secret:Secret": ["arn"],
    "aws:iam/role:Role": ["arn", "uniqueId", "createDate"],
    "aws:iam/policy:Policy": ["arn", "policyId"],
    "aws:iam/user:User": ["arn", "uniqueId"],
    "aws:iam/group:Group": ["arn", "uniqueId"],
    "aws:cloudtrail/trail:Trail": ["arn", "homeRegion"],
}
DEFAULT_COMPUTED = ["arn"]


def _suffix(*parts: str, length: int = 7) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:length]


def _plain(props: dict[str, PropertyValue], key: str) -> Any:
    """The plain value of an input, or None when absent or unknown."""
    value = props.get(key)
    if value is None or isinstance(value.value, Computed):
        return None
    return value.value


class AwsStandIn(Provider):
    def __init__(self) -> None:
        self.region = DEFAULT_REGION

    async def get_schema(self, request: GetSchemaRequest) -> GetSchemaResponse:
        return GetSchemaResponse(schema=json.dumps({"name": "aws", "version": VERSION}))

    async def check_config(self, request: CheckRequest) -> CheckResponse:
        return CheckResponse(inputs=request.new_inputs)

    async def configure(self, request: ConfigureRequest) -> ConfigureResponse:
        region = request.variables.get("aws:config:region") or _plain(request.args or {}, "region")
        if isinstance(region, str) and region:
            self.region = region
        return ConfigureResponse(
            accept_secrets=True, supports_preview=True, accept_outputs=True, accept_resources=True
        )

    async def check(self, request: CheckRequest) -> CheckResponse:
        inputs = dict(request.new_inputs)
        prop = AUTONAMED.get(request.type)
        if prop and prop not in inputs:
            old = request.old_inputs.get(prop) if request.old_inputs else None
            if old is not None:
                inputs[prop] = old
            else:
                seed = request.random_seed.hex() if request.random_seed else ""
                inputs[prop] = PropertyValue(f"{request.name}-{_suffix(request.urn, seed)}")
        return CheckResponse(inputs=inputs)

    async def diff(self, request: DiffRequest) -> DiffResponse:
        olds, news = request.old_state, request.new_inputs
        computed = set(COMPUTED.get(request.type, DEFAULT_COMPUTED)) | {"id"}
        changed = sorted(
            k for k in set(olds) | set(news)
            if k not in computed and not k.startswith("__") and k not in request.ignore_changes
            and olds.get(k) != news.get(k)
        )
        return DiffResponse(
            changes=bool(changed),
            diffs=changed,
            detailed_diff={
                k: PropertyDiff(
                    PropertyDiffKind.ADD if k not in olds
                    else PropertyDiffKind.DELETE if k not in news
                    else PropertyDiffKind.UPDATE,
                    True,
                )
                for k in changed
            },
        )

    def _outputs(self, type_: str, name: str, inputs: dict[str, PropertyValue], preview: bool,
                 resource_id: Optional[str]) -> tuple[Optional[str], dict[str, PropertyValue]]:
        out = dict(inputs)
        names = COMPUTED.get(type_, DEFAULT_COMPUTED)
        if preview:
            for key in names:
                out.setdefault(key, PropertyValue.computed())
            return None, out
        rid, values = self._computed_values(type_, name, inputs, resource_id)
        for key in names:
            if key in values:
                out[key] = PropertyValue(values[key])
        return rid, out

    def _computed_values(self, type_: str, name: str, inputs: dict[str, PropertyValue],
                         resource_id: Optional[str]) -> tuple[str, dict[str, Any]]:
        region, account = self.region, ACCOUNT
        _, module_type, _ = (type_.split(":") + ["", ""])[:3]
        service = module_type.split("/")[0]
        if type_ == "aws:kms/key:Key":
            rid = resource_id or str(uuid.uuid4())
            return rid, {"arn": f"arn:aws:kms:{region}:{account}:key/{rid}", "keyId": rid}
        if type_ == "aws:kms/alias:Alias":
            alias = _plain(inputs, "name") or f"alias/{name}"
            target = _plain(inputs, "targetKeyId") or ""
            target_arn = target if target.startswith("arn:") else f"arn:aws:kms:{region}:{account}:key/{target}"
            return resource_id or alias, {
                "arn": f"arn:aws:kms:{region}:{account}:{alias}", "targetKeyArn": target_arn,
            }
        if type_ in ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"):
            bucket = _plain(inputs, "bucket") or name
            return resource_id or bucket, {
                "arn": f"arn:aws:s3:::{bucket}",
                "bucketDomainName": f"{bucket}.s3.amazonaws.com",
                "bucketRegionalDomainName": f"{bucket}.s3.{region}.amazonaws.com",
                "region": region,
                "hostedZoneId": "Z3AQBSTGFYJSTF",
            }
        if type_ == "aws:appflow/flow:Flow":
            flow = _plain(inputs, "name") or name
            return resource_id or flow, {
                "arn": f"arn:aws:appflow:{region}:{account}:flow/{flow}", "flowStatus": "Active",
            }
        if type_ == "aws:appflow/connectorProfile:ConnectorProfile":
            profile = _plain(inputs, "name") or name
            return resource_id or f"arn:aws:appflow:{region}:{account}:connectorprofile/{profile}", {
                "arn": f"arn:aws:appflow:{region}:{account}:connectorprofile/{profile}",
                "credentialsArn": f"arn:aws:secretsmanager:{region}:{account}:secret:appflow!{profile}-{_suffix(profile, length=6)}",
            }
        if type_ == "aws:secretsmanager/secret:Secret":
            secret = _plain(inputs, "name") or name
            arn = f"arn:aws:secretsmanager:{region}:{account}:secret:{secret}-{_suffix(secret, length=6)}"
            return resource_id or arn, {"arn": arn}
        if service == "iam" and type_ in COMPUTED:
            kind = module_type.split("/")[1] if "/" in module_type else "resource"
            iam_name = _plain(inputs, "name") or name
            values = {
                "arn": f"arn:aws:iam::{account}:{kind}/{iam_name}",
                "uniqueId": "AID" + _suffix(iam_name, length=17).upper(),
                "policyId": "ANPA" + _suffix(iam_name, length=17).upper(),
                "createDate": "2026-01-01T00:00:00Z",
            }
            return resource_id or (values["arn"] if kind == "policy" else iam_name), values
        if type_ == "aws:cloudtrail/trail:Trail":
            trail = _plain(inputs, "name") or name
            arn = f"arn:aws:cloudtrail:{region}:{account}:trail/{trail}"
            return resource_id or arn, {"arn": arn, "homeRegion": region}
        rid = resource_id or f"{name}-{_suffix(type_, name)}"
        kind = module_type.split("/")[1] if "/" in module_type else "resource"
        return rid, {"arn": f"arn:aws:{service or 'aws'}:{region}:{account}:{kind}/{rid}"}

    async def create(self, request: CreateRequest) -> CreateResponse:
        rid, out = self._outputs(request.type, request.name, request.properties, request.preview, None)
        return CreateResponse(resource_id=rid or "", properties=out)

    async def update(self, request: UpdateRequest) -> UpdateResponse:
        _, out = self._outputs(request.type, request.name, request.news, request.preview, request.resource_id)
        # Keep what the cloud computed at create time (arn, ids) unless the inputs set it.
        for key in COMPUTED.get(request.type, DEFAULT_COMPUTED):
            if key in request.olds and key not in request.news:
                out[key] = request.olds[key]
        return UpdateResponse(properties=out)

    async def delete(self, request: DeleteRequest) -> None:
        return None

    async def read(self, request: ReadRequest) -> ReadResponse:
        return ReadResponse(resource_id=request.resource_id, properties=request.properties, inputs=request.inputs)

    async def invoke(self, request: InvokeRequest) -> InvokeResponse:
        region, account = self.region, ACCOUNT
        tok = request.tok
        if tok == "aws:index/getCallerIdentity:getCallerIdentity":
            ret = {"accountId": account, "arn": f"arn:aws:iam::{account}:user/standin",
                   "userId": "AIDASTANDIN", "id": account}
        elif tok == "aws:index/getRegion:getRegion":
            ret = {"name": region, "region": region, "id": region, "endpoint": f"ec2.{region}.amazonaws.com",
                   "description": region}
        elif tok == "aws:index/getPartition:getPartition":
            ret = {"partition": "aws", "dnsSuffix": "amazonaws.com", "id": "aws",
                   "reverseDnsPrefix": "com.amazonaws"}
        else:
            raise NotImplementedError(f"the aws stand-in provider does not implement invoke {tok}")
        return InvokeResponse(return_value={k: PropertyValue(v) for k, v in ret.items()})


if __name__ == "__main__":
    main(sys.argv[1:], VERSION, AwsStandIn())
