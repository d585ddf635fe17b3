"""What AWS answers to the data sources it computes without an API call: the same answer every time.

Computed for real: iam/getPolicyDocument (json, minifiedJson, id), getPartition, getArn,
getServicePrincipal, getRegion(s), getCallerIdentity (account 123456789012), getAvailabilityZones
(the region's real zone names and IDs), aws-native's getAccountId, getRegion and getPartition. One
lookup is answered deterministically because programs feed it to keys everywhere: kms/getAlias (a
key ARN of the same region and account).

Lookups that need an API call (a key, bucket, secret, role... that exists outside the stack) get
their identity in AWS's forms from ``lookup_answer`` (the key a name or alias leads to, its ARN,
its key manager; a secret's ARN with its six random characters; IAM unique IDs; ...), and every
other ARN a result holds from ``arn_for``: the shaper (shaped_values.py) fills in the rest of the result.

A pure module (standard library only) so that anything can import it: the checker's program runner
(which loads it by path into the program's own interpreter), and a stand-in AWS provider that has to
answer the same invokes. The one entry point is

    invoke_answer(token, args, region, account=ACCOUNT) -> dict | None

``token`` is the function's type token (``aws:iam/getPolicyDocument:getPolicyDocument``), ``args``
its arguments as the SDK sends them (camelCase keys, plain JSON values), ``region`` the provider's
region. The result is the function's result object (camelCase keys), or None when the function is
not one AWS computes without an API call (the runner then shapes an answer from the SDK's types).
"""

from __future__ import annotations

import hashlib
import json
import re
import string
import zlib
from typing import Any, Optional

ACCOUNT = "123456789012"
CALLER_USER = "appflow-guard"

# Zone letters per region as AWS lists them (us-west-1 has no b, ap-northeast-1 no b).
_ZONE_LETTERS = {
    "us-east-1": "abcdef", "us-east-2": "abc", "us-west-1": "ac", "us-west-2": "abcd",
    "ca-central-1": "abd", "ca-west-1": "abc", "sa-east-1": "abc", "mx-central-1": "abc",
    "eu-west-1": "abc", "eu-west-2": "abc", "eu-west-3": "abc", "eu-central-1": "abc", "eu-central-2": "abc",
    "eu-north-1": "abc", "eu-south-1": "abc", "eu-south-2": "abc",
    "ap-northeast-1": "acd", "ap-northeast-2": "abcd", "ap-northeast-3": "abc", "ap-southeast-1": "abc",
    "ap-southeast-2": "abc", "ap-southeast-3": "abc", "ap-southeast-4": "abc", "ap-south-1": "abc",
    "ap-south-2": "abc", "ap-east-1": "abc", "me-south-1": "abc", "me-central-1": "abc", "il-central-1": "abc",
    "af-south-1": "abc", "cn-north-1": "abd", "cn-northwest-1": "abc", "us-gov-west-1": "abc",
    "us-gov-east-1": "abc",
}
# The regions an account has enabled by default (getRegions without all_regions).
DEFAULT_REGIONS = ["ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-southeast-1",
                   "ap-southeast-2", "ca-central-1", "eu-central-1", "eu-north-1", "eu-west-1", "eu-west-2",
                   "eu-west-3", "sa-east-1", "us-east-1", "us-east-2", "us-west-1", "us-west-2"]
_SHORT_DIRECTIONS = {"east": "e", "west": "w", "north": "n", "south": "s", "central": "c",
                     "northeast": "ne", "northwest": "nw", "southeast": "se", "southwest": "sw"}


def digest(*parts: Any, length: int = 8) -> str:
    return hashlib.sha256("/".join(str(part) for part in parts).encode()).hexdigest()[:length]


def uuid(*parts: Any) -> str:
    value = digest(*parts, length=32)
    return f"{value[:8]}-{value[8:12]}-{value[12:16]}-{value[16:20]}-{value[20:32]}"


def alphanumeric(*parts: Any, length: int = 6, alphabet: str = string.ascii_letters + string.digits) -> str:
    """``length`` characters of ``alphabet`` derived from ``parts`` (a secret ARN's six random characters)."""
    number = int(hashlib.sha256("/".join(str(part) for part in parts).encode()).hexdigest(), 16)
    characters = []
    for _ in range(length):
        number, index = divmod(number, len(alphabet))
        characters.append(alphabet[index])
    return "".join(characters)


def unique_id(prefix: str, *parts: Any) -> str:
    """An IAM unique ID: its type's four-letter prefix (AROA role, AIDA user, ...) and 17 characters."""
    return prefix + alphanumeric(prefix, *parts, length=17, alphabet=string.ascii_uppercase + string.digits)


def partition_of(region: str) -> tuple[str, str, str]:
    """(partition, DNS suffix, reverse DNS prefix) of a region."""
    if region.startswith("cn-"):
        return "aws-cn", "amazonaws.com.cn", "cn.com.amazonaws"
    if region.startswith("us-gov-"):
        return "aws-us-gov", "amazonaws.com", "com.amazonaws"
    if region.startswith("us-iso-"):
        return "aws-iso", "c2s.ic.gov", "gov.ic.c2s"
    if region.startswith("us-isob-"):
        return "aws-iso-b", "sc2s.sgov.gov", "gov.sgov.sc2s"
    return "aws", "amazonaws.com", "com.amazonaws"


def arn(service: str, region: str, account: str, resource: str, partition: Optional[str] = None) -> str:
    return f"arn:{partition or partition_of(region or 'us-east-1')[0]}:{service}:{region}:{account}:{resource}"


def zone_names(region: str) -> list[str]:
    return [region + letter for letter in _ZONE_LETTERS.get(region, "abc")]


def zone_ids(region: str) -> list[str]:
    parts = region.split("-")
    short = parts[0] + "".join(_SHORT_DIRECTIONS.get(part, part[:1]) for part in parts[1:-1]) + parts[-1]
    return [f"{short}-az{index + 1}" for index in range(len(zone_names(region)))]


# ---- iam/getPolicyDocument, as the provider computes it ----
# Behaviour re-derived from pulumi-aws's bridged provider (terraform-provider-aws's data source): a set
# of strings is one string when it has one element, else sorted in reverse; condition values keep their
# order; principals of one type are grouped; "&{" becomes "${"; statements of the source documents, then
# the statement arguments, then the override documents are merged (a non-blank Sid replaces the earlier
# statement with that Sid); the version is the highest seen; the id is the CRC-32 of the indented JSON.

def _variables(value: Any) -> Any:
    if isinstance(value, list):
        return [_variables(item) for item in value]
    return str(value).replace("&{", "${")


def _string_set(values: list) -> Any:
    """One element: that string; several: the distinct values in reverse order."""
    values = [str(value) for value in values]
    if len(values) == 1:
        return values[0]
    return sorted(set(values), reverse=True)


def _group_principals(entries: list[tuple[str, Any]]) -> Any:
    """[(type, identifiers as one string or a list)] as the JSON Principal element."""
    if not entries:
        return None
    if len(entries) == 1 and entries[0][0] == "*" and entries[0][1] in ("*", ["*"]):
        return "*"
    grouped: dict[str, Any] = {}
    for kind, identifiers in entries:
        existing = grouped.get(kind)
        if isinstance(identifiers, list):
            ordered = sorted(identifiers, reverse=True)
            grouped[kind] = ordered if existing is None else ([existing] if isinstance(existing, str) else existing) + ordered
        elif existing is None:
            grouped[kind] = identifiers
        else:
            grouped[kind] = ([existing] if isinstance(existing, str) else existing) + [identifiers]
    return {kind: grouped[kind] for kind in sorted(grouped)}


def _group_conditions(entries: list[tuple[str, str, list]]) -> Any:
    if not entries:
        return None
    tests: dict[str, dict] = {}
    for test, variable, values in entries:
        tests.setdefault(test, {}).setdefault(variable, []).extend(values)
    return {test: {variable: values[0] if len(values) == 1 else values for variable, values in sorted(variables.items())}
            for test, variables in sorted(tests.items())}


def _statement(entry: dict) -> dict:
    statement: dict[str, Any] = {}
    if entry.get("sid"):
        statement["Sid"] = str(entry["sid"])
    statement["Effect"] = entry.get("effect") or "Allow"
    for key, name in (("actions", "Action"), ("notActions", "NotAction")):
        if entry.get(key):
            statement[name] = _string_set(entry[key])
    for key, name in (("resources", "Resource"), ("notResources", "NotResource")):
        if entry.get(key):
            statement[name] = _variables(_string_set(entry[key]))
    for key, name in (("principals", "Principal"), ("notPrincipals", "NotPrincipal")):
        value = _group_principals([(str(principal.get("type")), _variables(_string_set(principal.get("identifiers") or [])))
                                   for principal in entry.get(key) or [] if isinstance(principal, dict)])
        if value is not None:
            statement[name] = value
    condition = _group_conditions([(str(item.get("test")), str(item.get("variable")),
                                    [_variables(value) for value in item.get("values") or []])
                                   for item in entry.get("conditions") or [] if isinstance(item, dict)])
    if condition is not None:
        statement["Condition"] = condition
    return statement


def _parsed_principal(value: Any) -> Any:
    """A Principal element read from a JSON document, as it is written again."""
    if isinstance(value, str):
        return "*"
    if isinstance(value, dict):
        return _group_principals([(kind, sorted(str(item) for item in ids) if isinstance(ids, list) else str(ids))
                                  for kind, ids in value.items()])
    return value


def _parsed_statement(statement: dict) -> dict:
    """A statement of a source or override document, in the provider's key order and encoding."""
    out: dict[str, Any] = {}
    for name in ("Sid", "Effect", "Action", "NotAction", "Resource", "NotResource"):
        if statement.get(name):
            out[name] = statement[name]
    for name in ("Principal", "NotPrincipal"):
        if statement.get(name):
            out[name] = _parsed_principal(statement[name])
    if isinstance(statement.get("Condition"), dict) and statement["Condition"]:
        entries = []
        for test, variables in statement["Condition"].items():
            for variable, values in (variables or {}).items():
                if isinstance(values, bool):
                    values = [str(values).lower()]
                entries.append((test, variable, [str(v) for v in values] if isinstance(values, list) else [str(values)]))
        out["Condition"] = _group_conditions(entries)
    return out


class _Document:
    def __init__(self) -> None:
        self.version, self.id, self.statements = "", "", []

    def merge(self, version: str, identifier: str, statements: list[dict]) -> None:
        if identifier:
            self.id = identifier
        if version > self.version:
            self.version = version
        for statement in statements:
            sid = statement.get("Sid")
            index = next((i for i, existing in enumerate(self.statements) if sid and existing.get("Sid") == sid), None)
            if index is None:
                self.statements.append(statement)
            else:
                self.statements[index] = statement

    def merge_json(self, text: Any) -> None:
        try:
            document = json.loads(text) if isinstance(text, str) else None
        except ValueError:
            document = None
        if not isinstance(document, dict):
            return
        statements = document.get("Statement")
        statements = [statements] if isinstance(statements, dict) else statements or []
        self.merge(str(document.get("Version") or ""), str(document.get("Id") or ""),
                   [_parsed_statement(statement) for statement in statements if isinstance(statement, dict)])

    def as_json(self) -> dict:
        document: dict[str, Any] = {}
        if self.version:
            document["Version"] = self.version
        if self.id:
            document["Id"] = self.id
        if self.statements:
            document["Statement"] = self.statements
        return document


def _go_json(value: Any, indent: Optional[int]) -> str:
    """json.Marshal(Indent) output: Go escapes <, > and & in strings."""
    text = json.dumps(value, indent=indent, separators=(",", ": ") if indent else (",", ":"), ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def policy_document(args: dict) -> dict:
    merged = _Document()
    for source in args.get("sourcePolicyDocuments") or []:
        merged.merge_json(source)
    merged.merge(str(args.get("version") or "2012-10-17"), str(args.get("policyId") or ""),
                 [_statement(entry) for entry in args.get("statements") or [] if isinstance(entry, dict)])
    for override in args.get("overridePolicyDocuments") or []:
        merged.merge_json(override)
    document = merged.as_json()
    text = _go_json(document, 2)
    return {**args, "json": text, "minifiedJson": _go_json(document, None), "id": str(zlib.crc32(text.encode()))}


# ---- identities in AWS's forms ----
# ARN and ID forms: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html (all services),
# https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#key-id (KMS key IDs, key and alias ARNs),
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html (IAM ARNs, unique ID prefixes),
# https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_iam-permissions.html (secret ARNs).

_KEY_ID = re.compile(r"^(?:mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$")
_SECRET_SUFFIX = re.compile(r"-[A-Za-z0-9]{6}$")

# The kinds arn_for knows: (service, resource form). {name} is the resource's name, {id} an ID AWS generates.
ARN_KINDS = {
    "kms-key": ("kms", "key/{key}"), "kms-alias": ("kms", "{alias}"),
    "s3-bucket": ("s3", "{name}"), "s3express-bucket": ("s3express", "bucket/{name}--{zone}--x-s3"),
    "s3-accesspoint": ("s3", "accesspoint/{name}"),
    "s3-storage-lens-group": ("s3", "storage-lens-group/{name}"),
    "s3-access-grants-instance": ("s3", "access-grants/default"),
    "s3-access-grant": ("s3", "access-grants/default/grant/{uuid}"),
    "s3-access-grants-location": ("s3", "access-grants/default/location/{uuid}"),
    "secret": ("secretsmanager", "secret:{name}-{random6}"),
    "iam-role": ("iam", "role/{name}"), "iam-policy": ("iam", "policy/{name}"), "iam-user": ("iam", "user/{name}"),
    "iam-group": ("iam", "group/{name}"), "iam-instance-profile": ("iam", "instance-profile/{name}"),
    "iam-oidc-provider": ("iam", "oidc-provider/{name}"), "iam-saml-provider": ("iam", "saml-provider/{name}"),
    "iam-server-certificate": ("iam", "server-certificate/{name}"), "iam-mfa": ("iam", "mfa/{name}"),
    "cloudtrail-trail": ("cloudtrail", "trail/{name}"), "cloudtrail-eventdatastore": ("cloudtrail", "eventdatastore/{uuid}"),
    "cloudtrail-channel": ("cloudtrail", "channel/{uuid}"), "cloudtrail-dashboard": ("cloudtrail", "dashboard/{name}"),
    "appflow-flow": ("appflow", "flow/{name}"), "appflow-connectorprofile": ("appflow", "connectorprofile/{name}"),
    "appflow-connector": ("appflow", "connector/{name}"),
    "lambda-function": ("lambda", "function:{name}"), "sns-topic": ("sns", "{name}"), "sqs-queue": ("sqs", "{name}"),
    "logs-log-group": ("logs", "log-group:{name}:*"), "sts-assumed-role": ("sts", "assumed-role/{name}/session"), "sso-instance": ("sso", "instance/ssoins-{hex16}"),
    "sso-application": ("sso", "application/ssoins-{hex16}/apl-{hex16}"),
}
# Kinds whose ARNs carry no region (and no account): S3 buckets, IAM, IAM Identity Center.
_NO_REGION = {kind for kind in ARN_KINDS if kind.startswith("iam-")} | {
    "s3-bucket", "sso-instance", "sso-application", "sts-assumed-role"}
_NO_ACCOUNT = {"s3-bucket", "sso-instance"}


def kms_key_id(reference: str, region: str, account: str) -> str:
    """The key ID a key ID, key ARN, alias name or alias ARN leads to: the same key for an alias as getAlias gives."""
    reference = str(reference or "").strip()
    parts = reference.split(":", 5)
    if len(parts) == 6 and parts[0] == "arn":
        region, account, reference = parts[3] or region, parts[4] or account, parts[5]
    if reference.startswith("key/"):
        reference = reference[len("key/"):]
    if _KEY_ID.match(reference):
        return reference
    if reference.startswith("alias/"):
        return uuid("kms-alias", reference, region, account)
    return uuid("kms-key", reference, region, account)


def arn_for(kind: str, name: str, region: str, account: str, partition: Optional[str] = None) -> str:
    """The ARN of a resource of ``kind`` (ARN_KINDS) named ``name``, in its service's form."""
    service, form = ARN_KINDS[kind]
    name = str(name or "unnamed")
    if service == "iam" and kind != "iam-oidc-provider":
        name = name.lstrip("/")
    resource = form.format(
        name=name, key=kms_key_id(name, region, account), alias=name if name.startswith("alias/") else f"alias/{name}",
        uuid=uuid(kind, name, region, account), random6=alphanumeric(kind, name, region, account),
        hex16=digest(kind, name, account, length=16), zone=zone_ids(region or "us-east-1")[0])
    return arn(service, "" if kind in _NO_REGION else region, "" if kind in _NO_ACCOUNT else account, resource,
               partition or partition_of(region or "us-east-1")[0])


def secret_name(reference: str) -> str:
    """A secret's name from its name or ARN (the ARN ends with a hyphen and six random characters)."""
    reference = str(reference or "")
    if reference.startswith("arn:") and ":secret:" in reference:
        return _SECRET_SUFFIX.sub("", reference.split(":secret:", 1)[1])
    return reference


def secret_arn(reference: str, region: str, account: str) -> str:
    """A secret's ARN from its name or ARN."""
    reference = str(reference or "")
    if reference.startswith("arn:") and ":secret:" in reference:
        return reference
    return arn_for("secret", reference, region, account)


def _iam_path(path: Any) -> str:
    path = str(path or "/")
    return path if path.endswith("/") else path + "/"


def _kms_key(args: dict, region: str, account: str, partition: str) -> dict:
    reference = str(args.get("keyId") or "")
    key_id = kms_key_id(reference, region, account)
    parts = reference.split(":", 5)
    if len(parts) == 6 and parts[0] == "arn":  # a key or alias ARN: the key is in that region and account
        partition, region, account = parts[1], parts[3] or region, parts[4] or account
    aws_managed = reference.split(":")[-1].startswith("alias/aws/")
    return {"id": key_id, "keyId": reference or key_id, "arn": arn("kms", region, account, f"key/{key_id}", partition),
            "awsAccountId": account, "keyManager": "AWS" if aws_managed else "CUSTOMER", "enabled": True,
            "keyState": "Enabled", "keyUsage": "ENCRYPT_DECRYPT", "keySpec": "SYMMETRIC_DEFAULT",
            "customerMasterKeySpec": "SYMMETRIC_DEFAULT", "origin": "AWS_KMS",
            "multiRegion": key_id.startswith("mrk-"), "multiRegionConfigurations": [], "cloudHsmClusterId": "",
            "customKeyStoreId": "", "deletionDate": "", "expirationModel": "", "validTo": "",
            "pendingDeletionWindowInDays": 0, "xksKeyConfigurations": []}


def _iam_lookup(kind: str, prefix: str, name_key: str, id_key: str):
    def answer(args: dict, region: str, account: str, partition: str) -> dict:
        name = str(args.get(name_key) or kind.split("-", 1)[1])
        path = _iam_path(args.get("path"))
        return {"arn": arn_for(kind, path + name, region, account, partition), "id": name, id_key: unique_id(prefix, kind, name),
                "path": path, "permissionsBoundary": ""}
    return answer


def _policy(args: dict, region: str, account: str, partition: str) -> dict:
    given = str(args.get("arn") or "")
    if given.startswith("arn:"):
        resource = given.split(":", 5)[5]
        name, path = resource.rsplit("/", 1)[-1], "/" + resource.split("/", 1)[1].rsplit("/", 1)[0] + "/" \
            if resource.count("/") > 1 else "/"
        return {"arn": given, "id": given, "name": name, "path": path, "policyId": unique_id("ANPA", given)}
    name = str(args.get("name") or "policy")
    path = _iam_path(args.get("pathPrefix"))
    policy_arn = arn_for("iam-policy", path + name, region, account, partition)
    return {"arn": policy_arn, "id": policy_arn, "name": name, "path": path, "policyId": unique_id("ANPA", policy_arn)}


def _secret(reference_key: str):
    def answer(args: dict, region: str, account: str, partition: str) -> dict:
        reference = str(args.get(reference_key) or args.get("name") or args.get("arn") or "secret")
        secret = secret_arn(reference, region, account)
        return {"arn": secret, "id": secret, "name": secret_name(reference), "secretArn": secret,
                "secretName": secret_name(reference)}
    return answer


def _bucket(key: str):
    def answer(args: dict, region: str, account: str, partition: str) -> dict:
        bucket = str(args.get(key) or "bucket")
        suffix = partition_of(region)[1]
        return {"arn": arn_for("s3-bucket", bucket, region, account, partition), "id": bucket, "bucket": bucket,
                "bucketDomainName": f"{bucket}.s3.{suffix}", "domainName": f"{bucket}.s3.{suffix}",
                "bucketRegionalDomainName": f"{bucket}.s3.{region}.{suffix}",
                "regionalDomainName": f"{bucket}.s3.{region}.{suffix}",
                "dualStackDomainName": f"{bucket}.s3.dualstack.{region}.{suffix}", "bucketRegion": region,
                "websiteDomain": f"s3-website-{region}.{suffix}", "websiteEndpoint": f"{bucket}.s3-website-{region}.{suffix}",
                "websiteUrl": f"http://{bucket}.s3-website-{region}.{suffix}"}
    return answer


def _named(kind: str, key: str, arn_key: str = "arn"):
    def answer(args: dict, region: str, account: str, partition: str) -> dict:
        name = str(args.get(key) or kind.split("-", 1)[1])
        return {arn_key: arn_for(kind, name, region, account, partition)}
    return answer


def _connector_profile(args: dict, region: str, account: str, partition: str) -> dict:
    name = str(args.get("connectorProfileName") or "connectorprofile")
    return {"connectorProfileArn": arn_for("appflow-connectorprofile", name, region, account, partition),
            "credentialsArn": arn_for("secret", f"appflow!{account}-{name}", region, account, partition)}


def _service_account(args: dict, region: str, account: str, partition: str) -> dict:
    """CloudTrail's account in the region (derived from the region, not AWS's real account number)."""
    owner = str(int(digest("cloudtrail", region, length=10), 16) % 10 ** 12).zfill(12)
    return {"id": owner, "arn": f"arn:{partition}:iam::{owner}:root"}


def _session_context(args: dict, region: str, account: str, partition: str) -> dict:
    given = str(args.get("arn") or "")
    parts = given.split(":", 5)
    resource = parts[5] if len(parts) == 6 else ""
    if resource.startswith("assumed-role/") and resource.count("/") >= 2:
        role, session = resource[len("assumed-role/"):].rsplit("/", 1)
        issuer = f"arn:{parts[1]}:iam::{parts[4]}:role/{role}"
        return {"issuerArn": issuer, "issuerName": role.rsplit("/", 1)[-1], "sessionName": session,
                "issuerId": unique_id("AROA", "iam-role", role.rsplit("/", 1)[-1])}
    return {"issuerArn": given, "issuerName": resource.rsplit("/", 1)[-1], "sessionName": "",
            "issuerId": unique_id("AIDA", "iam-user", resource.rsplit("/", 1)[-1])}


LOOKUPS = {
    "aws:kms/getKey:getKey": _kms_key,
    "aws:kms/getPublicKey:getPublicKey": _kms_key,
    "aws-native:kms:getKey": lambda args, region, account, partition: {
        key: value for key, value in _kms_key(args, region, account, partition).items()
        if key in ("keyId", "arn", "enabled", "keySpec", "keyUsage", "multiRegion", "origin")},
    "aws-native:kms:getReplicaKey": lambda args, region, account, partition: {
        "keyId": kms_key_id(str(args.get("keyId") or ""), region, account),
        "arn": arn("kms", region, account, "key/" + kms_key_id(str(args.get("keyId") or ""), region, account), partition)},
    "aws-native:kms:getAlias": lambda args, region, account, partition: {
        "targetKeyId": kms_key_id(str(args.get("aliasName") or "alias/unnamed"), region, account)},
    "aws:s3/getBucket:getBucket": _bucket("bucket"),
    "aws-native:s3:getBucket": _bucket("bucketName"),
    "aws:s3/getAccessPoint:getAccessPoint": _named("s3-accesspoint", "name"),
    "aws-native:s3:getAccessPoint": _named("s3-accesspoint", "name"),
    "aws-native:s3:getStorageLensGroup": _named("s3-storage-lens-group", "name", "storageLensGroupArn"),
    "aws:secretsmanager/getSecret:getSecret": _secret("arn"),
    "aws:secretsmanager/getSecretVersion:getSecretVersion": _secret("secretId"),
    "aws:secretsmanager/getSecretVersions:getSecretVersions": _secret("secretId"),
    "aws:secretsmanager/getSecretRotation:getSecretRotation": _secret("secretId"),
    "aws-native:secretsmanager:getSecret": _secret("id"),
    "aws:iam/getPolicy:getPolicy": _policy,
    "aws:iam/getRole:getRole": _iam_lookup("iam-role", "AROA", "name", "uniqueId"),
    "aws:iam/getUser:getUser": _iam_lookup("iam-user", "AIDA", "userName", "userId"),
    "aws:iam/getGroup:getGroup": _iam_lookup("iam-group", "AGPA", "groupName", "groupId"),
    "aws:iam/getInstanceProfile:getInstanceProfile": _iam_lookup("iam-instance-profile", "AIPA", "name", "uniqueId"),
    "aws-native:iam:getRole": _iam_lookup("iam-role", "AROA", "roleName", "roleId"),
    "aws-native:iam:getUser": _iam_lookup("iam-user", "AIDA", "userName", "userId"),
    "aws-native:iam:getGroup": _iam_lookup("iam-group", "AGPA", "groupName", "groupId"),
    "aws-native:iam:getInstanceProfile": _iam_lookup("iam-instance-profile", "AIPA", "instanceProfileName", "uniqueId"),
    "aws-native:iam:getServerCertificate": _named("iam-server-certificate", "serverCertificateName"),
    "aws:iam/getSessionContext:getSessionContext": _session_context,
    "aws:cloudtrail/getServiceAccount:getServiceAccount": _service_account,
    "aws-native:cloudtrail:getTrail": _named("cloudtrail-trail", "trailName"),
    "aws-native:appflow:getFlow": _named("appflow-flow", "flowName", "flowArn"),
    "aws-native:appflow:getConnector": _named("appflow-connector", "connectorLabel", "connectorArn"),
    "aws-native:appflow:getConnectorProfile": _connector_profile,
}


def lookup_answer(token: str, args: Optional[dict], region: str, account: str = ACCOUNT) -> dict:
    """The identity fields AWS gives for a lookup (ARN, ID, name, key manager...) in its forms; {} if none here.

    The rest of the result is shaped from the SDK's result type (shaped_values.Shaper.invoke)."""
    answer = LOOKUPS.get(token)
    if answer is None:
        return {}
    args = dict(args or {})
    region = str(args.get("region") or region or "us-east-1")
    return answer(args, region, account, partition_of(region)[0])


# ---- the others ----

def _alias_target(name: str, region: str, account: str) -> dict:
    """The alias and the key it leads to: the key getKey gives for the same alias."""
    key_id = kms_key_id(name, region, account)
    return {"arn": arn("kms", region, account, name), "id": arn("kms", region, account, name), "name": name,
            "targetKeyId": key_id, "targetKeyArn": arn("kms", region, account, f"key/{key_id}"), "region": region}


def invoke_answer(token: str, args: Optional[dict], region: str, account: str = ACCOUNT) -> Optional[dict]:
    """The result AWS computes for ``token`` with ``args`` in ``region``, or None if it needs an API call."""
    args = dict(args or {})
    region = str(args.get("region") or region or "us-east-1")
    partition, dns_suffix, reverse_dns = partition_of(region)
    if token == "aws:iam/getPolicyDocument:getPolicyDocument":
        return policy_document(args)
    if token == "aws:index/getCallerIdentity:getCallerIdentity":
        return {"accountId": account, "arn": f"arn:{partition}:iam::{account}:user/{CALLER_USER}",
                "userId": "AIDA" + digest(account, length=17).upper(), "id": account}
    if token == "aws:index/getPartition:getPartition":
        return {"partition": partition, "dnsSuffix": dns_suffix, "reverseDnsPrefix": reverse_dns, "id": partition}
    if token == "aws:index/getRegion:getRegion":
        name = str(args.get("name") or region)
        return {"name": name, "region": name, "id": name, "endpoint": f"ec2.{name}.{partition_of(name)[1]}",
                "description": name}
    if token == "aws:index/getRegions:getRegions":
        names = DEFAULT_REGIONS if not args.get("allRegions") else sorted(_ZONE_LETTERS)
        return {"names": list(names), "id": partition, "allRegions": bool(args.get("allRegions")),
                **({"filters": args["filters"]} if args.get("filters") else {})}
    if token == "aws:index/getAvailabilityZones:getAvailabilityZones":
        names, ids = zone_names(region), zone_ids(region)
        excluded_names, excluded_ids = set(args.get("excludeNames") or []), set(args.get("excludeZoneIds") or [])
        kept = [(name, zone) for name, zone in zip(names, ids) if name not in excluded_names and zone not in excluded_ids]
        return {"names": [name for name, _ in kept], "zoneIds": [zone for _, zone in kept],
                "groupNames": [region for _ in kept], "id": region, "state": args.get("state") or "available",
                **{key: args[key] for key in ("allAvailabilityZones", "excludeNames", "excludeZoneIds", "filters")
                   if key in args}}
    if token == "aws:index/getArn:getArn":
        text = str(args.get("arn") or "")
        parts = text.split(":", 5)
        if len(parts) != 6 or parts[0] != "arn":
            return None
        return {"arn": text, "id": text, "partition": parts[1], "service": parts[2], "region": parts[3],
                "account": parts[4], "resource": parts[5]}
    if token == "aws:index/getServicePrincipal:getServicePrincipal":
        service = str(args.get("serviceName") or "")
        suffix = "amazonaws.com.cn" if partition == "aws-cn" and service in ("ec2", "s3", "states", "logs") \
            else "amazonaws.com"
        return {"serviceName": service, "region": region, "suffix": suffix, "name": f"{service}.{suffix}",
                "id": f"{service}.{region}"}
    if token == "aws:kms/getAlias:getAlias":
        return _alias_target(str(args.get("name") or "alias/unnamed"), region, account)
    if token == "aws-native:index:getAccountId":
        return {"accountId": account}
    if token == "aws-native:index:getRegion":
        return {"region": region}
    if token == "aws-native:index:getPartition":
        return {"partition": partition, "dnsSuffix": dns_suffix}
    return None
