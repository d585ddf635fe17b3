"""What AWS computes without an API call, answered as the provider answers; every ARN and ID of the answers (and of
the update outputs) of the services the rules read, in the forms AWS documents."""

import json
import os
import re
import zlib

import pytest

from appflow_guard.checker.in_program import aws_answers, shaped_values
from appflow_guard.checker.in_program.aws_answers import invoke_answer

POLICY = "aws:iam/getPolicyDocument:getPolicyDocument"


def test_policy_document_as_the_provider_writes_it():
    args = {"statements": [
        {"sid": "AppFlow", "actions": ["s3:PutObject", "s3:GetBucketAcl", "s3:PutObject"],
         "resources": ["arn:aws:s3:::landing", "arn:aws:s3:::landing/*"],
         "principals": [{"type": "Service", "identifiers": ["appflow.amazonaws.com"]},
                        {"type": "AWS", "identifiers": ["arn:aws:iam::111122223333:root", "111122223333"]}],
         "conditions": [{"test": "StringEquals", "variable": "aws:SourceAccount", "values": ["111122223333"]},
                        {"test": "ArnLike", "variable": "aws:SourceArn", "values": ["arn:b", "arn:a"]}]},
        {"effect": "Deny", "notActions": ["kms:Decrypt"], "notResources": ["arn:aws:s3:::landing/&{aws:username}"],
         "notPrincipals": [{"type": "*", "identifiers": ["*"]}]},
    ]}
    answer = invoke_answer(POLICY, args, "us-east-1")
    document = {"Version": "2012-10-17", "Statement": [
        {"Sid": "AppFlow", "Effect": "Allow", "Action": ["s3:PutObject", "s3:GetBucketAcl"],
         "Resource": ["arn:aws:s3:::landing/*", "arn:aws:s3:::landing"],
         "Principal": {"AWS": ["arn:aws:iam::111122223333:root", "111122223333"], "Service": "appflow.amazonaws.com"},
         "Condition": {"ArnLike": {"aws:SourceArn": ["arn:b", "arn:a"]},
                       "StringEquals": {"aws:SourceAccount": "111122223333"}}},
        {"Effect": "Deny", "NotAction": "kms:Decrypt", "NotResource": "arn:aws:s3:::landing/${aws:username}",
         "NotPrincipal": "*"},
    ]}
    assert answer["json"] == json.dumps(document, indent=2)
    assert answer["minifiedJson"] == json.dumps(document, separators=(",", ":"))
    assert answer["id"] == str(zlib.crc32(answer["json"].encode()))
    assert answer["statements"] == args["statements"]  # arguments echoed


def test_policy_document_merges_source_and_override_documents_by_sid():
    source = json.dumps({"Version": "2008-10-17", "Statement": [
        {"Action": "ec2:*", "Resource": "*", "Effect": "Allow"},
        {"Sid": "SidToOverride", "Effect": "Allow", "Action": "s3:*", "Resource": "*"},
        {"Sid": "Kept", "Effect": "Allow", "Action": "sqs:*", "Resource": "*",
         "Principal": {"AWS": ["b", "a", "c"]}, "Condition": {"Bool": {"aws:SecureTransport": False}}}]})
    override = json.dumps({"Id": "Overridden", "Statement": {"Sid": "Kept", "Effect": "Deny", "Action": "sqs:*",
                                                            "Resource": "*", "Principal": "*"}})
    answer = invoke_answer(POLICY, {"sourcePolicyDocuments": [source], "overridePolicyDocuments": [override],
                                    "policyId": "Mine", "statements": [
        {"sid": "SidToOverride", "actions": ["s3:*"], "resources": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"]}]},
        "us-east-1")
    assert json.loads(answer["json"]) == {"Version": "2012-10-17", "Id": "Overridden", "Statement": [
        {"Effect": "Allow", "Action": "ec2:*", "Resource": "*"},
        {"Sid": "SidToOverride", "Effect": "Allow", "Action": "s3:*", "Resource": ["arn:aws:s3:::b/*", "arn:aws:s3:::b"]},
        {"Sid": "Kept", "Effect": "Deny", "Action": "sqs:*", "Resource": "*", "Principal": "*"}]}


def test_policy_document_escapes_as_go_does():
    answer = invoke_answer(POLICY, {"statements": [{"actions": ["s3:Get<&>"], "resources": ["*"]}]}, "us-east-1")
    assert '"Action": "s3:Get\\u003c\\u0026\\u003e"' in answer["json"]


def test_partition_region_and_caller_identity_follow_the_region():
    assert invoke_answer("aws:index/getPartition:getPartition", {}, "cn-north-1") == {
        "partition": "aws-cn", "dnsSuffix": "amazonaws.com.cn", "reverseDnsPrefix": "cn.com.amazonaws", "id": "aws-cn"}
    assert invoke_answer("aws:index/getRegion:getRegion", {}, "eu-west-1") == {
        "name": "eu-west-1", "region": "eu-west-1", "id": "eu-west-1", "endpoint": "ec2.eu-west-1.amazonaws.com",
        "description": "eu-west-1"}
    identity = invoke_answer("aws:index/getCallerIdentity:getCallerIdentity", {}, "us-gov-west-1")
    assert identity["accountId"] == "123456789012"
    assert identity["arn"] == "arn:aws-us-gov:iam::123456789012:user/appflow-guard"


def test_availability_zones_are_the_regions_real_zone_names():
    assert invoke_answer("aws:index/getAvailabilityZones:getAvailabilityZones", {}, "us-west-1")["names"] == [
        "us-west-1a", "us-west-1c"]
    zones = invoke_answer("aws:index/getAvailabilityZones:getAvailabilityZones",
                          {"excludeNames": ["ap-northeast-1a"]}, "ap-northeast-1")
    assert (zones["names"], zones["zoneIds"]) == (["ap-northeast-1c", "ap-northeast-1d"], ["apne1-az2", "apne1-az3"])
    assert invoke_answer("aws:index/getAvailabilityZones:getAvailabilityZones", {}, "eu-central-1")["zoneIds"] == [
        "euc1-az1", "euc1-az2", "euc1-az3"]


def test_arn_and_service_principal():
    assert invoke_answer("aws:index/getArn:getArn", {"arn": "arn:aws:kms:eu-west-1:111122223333:key/abc"}, "") == {
        "arn": "arn:aws:kms:eu-west-1:111122223333:key/abc", "id": "arn:aws:kms:eu-west-1:111122223333:key/abc",
        "partition": "aws", "service": "kms", "region": "eu-west-1", "account": "111122223333", "resource": "key/abc"}
    assert invoke_answer("aws:index/getServicePrincipal:getServicePrincipal", {"serviceName": "appflow"},
                         "us-east-1")["name"] == "appflow.amazonaws.com"
    assert invoke_answer("aws:index/getRegions:getRegions", {}, "us-east-1")["names"][:2] == [
        "ap-northeast-1", "ap-northeast-2"]


def test_an_alias_resolves_to_a_key_arn_of_the_same_region_and_account():
    alias = invoke_answer("aws:kms/getAlias:getAlias", {"name": "alias/aws/appflow"}, "eu-west-1")
    assert alias["targetKeyArn"] == f"arn:aws:kms:eu-west-1:123456789012:key/{alias['targetKeyId']}"
    assert alias["arn"] == "arn:aws:kms:eu-west-1:123456789012:alias/aws/appflow"
    assert invoke_answer("aws:kms/getAlias:getAlias", {"name": "alias/aws/appflow"}, "eu-west-1") == alias


def test_anything_else_needs_an_api_call():
    assert invoke_answer("aws:ec2/getAmi:getAmi", {}, "us-east-1") is None
    assert invoke_answer("aws:index/getArn:getArn", {"arn": "not-an-arn"}, "us-east-1") is None


# ---- every ARN and ID the answers give, in AWS's documented forms ----

PARTITION = r"aws(?:-cn|-us-gov|-iso|-iso-b)?"
REGION = r"[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d"
ACCOUNT = r"\d{12}"
# https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#key-id
KEY_ID = r"(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})"
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html: arn:partition:service:region:account-id:resource
ANY_ARN = re.compile(rf"^arn:{PARTITION}:[a-z0-9-]+:(?:{REGION})?:(?:{ACCOUNT}|aws)?:.+$")
ARN_FORMS = {
    # https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#key-id-key-ARN (key ARN, alias ARN)
    "kms": re.compile(rf"^arn:{PARTITION}:kms:{REGION}:{ACCOUNT}:(?:key/{KEY_ID}|alias/[A-Za-z0-9/_-]+)$"),
    # https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-arn-format.html (bucket, object),
    # https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-points-naming.html (access point),
    # https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html (the other resource types)
    "s3": re.compile(rf"^arn:{PARTITION}:s3:(?:::[a-z0-9][a-z0-9.-]{{1,61}}[a-z0-9](?:/.*)?"
                     rf"|{REGION}:{ACCOUNT}:(?:accesspoint/[a-z0-9-]{{3,50}}|storage-lens-group/[\w-]+"
                     rf"|access-grants/default(?:/grant/[\w-]+|/location/[\w-]+)?)"
                     rf"|:{ACCOUNT}:accesspoint/[a-z0-9]+\.mrap)$"),
    # https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_iam-permissions.html#iam-resources:
    # the secret's name, a hyphen and six random characters
    "secretsmanager": re.compile(rf"^arn:{PARTITION}:secretsmanager:{REGION}:{ACCOUNT}:secret:[\w/+=.@!-]+-[A-Za-z0-9]{{6}}$"),
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-arns
    # (AWS managed policies: arn:aws:iam::aws:policy/..., IAM Identity Center's AttachedManagedPolicy pattern)
    "iam": re.compile(rf"^arn:{PARTITION}:iam::(?:{ACCOUNT}:(?:root|(?:user|group|role|policy|instance-profile|"
                      rf"server-certificate|mfa|oidc-provider|saml-provider)/[\w+=,.@/-]+)|aws:policy/[\w+=,.@/-]+)$"),
    # https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_Trail.html (CloudTrailARNInvalidException
    # lists the trail, event data store, dashboard and channel ARN formats)
    "cloudtrail": re.compile(rf"^arn:{PARTITION}:cloudtrail:{REGION}:{ACCOUNT}:"
                             rf"(?:trail/[\w.-]{{3,128}}|eventdatastore/[\w-]+|channel/[\w-]+|dashboard/[\w-]+)$"),
    # https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonappflow.html#amazonappflow-resources-for-iam-policies
    "appflow": re.compile(rf"^arn:{PARTITION}:appflow:{REGION}:{ACCOUNT}:(?:flow|connectorprofile|connector)/[\w!@#.-]+$"),
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use.html (assumed-role session ARNs)
    "sts": re.compile(rf"^arn:{PARTITION}:sts::{ACCOUNT}:assumed-role/[\w+=,.@/-]+$"),
}
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-prefixes
IAM_UNIQUE_ID = re.compile(r"^(?:AROA|AIDA|AGPA|ANPA|AIPA|ASCA)[A-Z0-9]{17}$")
ID_FORMS = {
    "keyId": re.compile(rf"^(?:{KEY_ID}|alias/[\w/-]+|arn:.+)$"), "targetKeyId": re.compile(rf"^{KEY_ID}$"),
    "kmsKeyId": re.compile(rf"^(?:{KEY_ID}|alias/[\w/-]+|arn:{PARTITION}:kms:.+)$"),
    "accountId": re.compile(rf"^{ACCOUNT}$"), "awsAccountId": re.compile(rf"^{ACCOUNT}$"),
    "bucketAccountId": re.compile(rf"^{ACCOUNT}$"), "ownerId": re.compile(rf"^{ACCOUNT}$"),
    "region": re.compile(rf"^{REGION}$"), "bucketRegion": re.compile(rf"^{REGION}$"), "homeRegion": re.compile(rf"^{REGION}$"),
    "partition": re.compile(rf"^{PARTITION}$"),
    "roleId": IAM_UNIQUE_ID, "userId": IAM_UNIQUE_ID, "groupId": IAM_UNIQUE_ID, "policyId": IAM_UNIQUE_ID,
    "uniqueId": IAM_UNIQUE_ID, "issuerId": IAM_UNIQUE_ID,
}
RULE_SERVICES = ("kms", "s3", "secretsmanager", "iam", "cloudtrail", "appflow")
# Valid arguments AWS accepts, by argument name (a data source's own "name" and ARN arguments are in TOKEN_ARGS).
ARGUMENTS = {
    "keyId": "alias/aws/appflow", "aliasName": "alias/acme-data", "bucket": "acme-landing", "bucketName": "acme-landing",
    "roleName": "appflow-operator", "userName": "deployer", "groupName": "operators", "policyName": "appflow-access",
    "instanceProfileName": "workers", "serverCertificateName": "acme-web", "trailName": "audit", "flowName": "accounts",
    "connectorProfileName": "salesforce", "connectorLabel": "acme-connector", "secretId": "appflow/salesforce",
    "user": "deployer", "mrapName": "acme", "serialNumber": "arn:aws:iam::123456789012:mfa/deployer",
    "policyArn": "arn:aws:iam::123456789012:policy/appflow-access",
    "id": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:appflow/salesforce-AbC123",
    "trailArn": "arn:aws:cloudtrail:eu-west-1:123456789012:trail/audit",
    "eventDataStoreArn": "arn:aws:cloudtrail:eu-west-1:123456789012:eventdatastore/0b4f6f6e-0c39-4e2c-9a4f-2b1f5d3c1a11",
    "channelArn": "arn:aws:cloudtrail:eu-west-1:123456789012:channel/0b4f6f6e-0c39-4e2c-9a4f-2b1f5d3c1a11",
    "dashboardArn": "arn:aws:cloudtrail:eu-west-1:123456789012:dashboard/appflow",
    "resourceArn": "arn:aws:cloudtrail:eu-west-1:123456789012:channel/0b4f6f6e-0c39-4e2c-9a4f-2b1f5d3c1a11",
}
TOKEN_ARGS = {
    "aws:kms/getAlias:getAlias": [{"name": "alias/aws/appflow"}, {"name": "alias/acme-data"}],
    "aws:kms/getKey:getKey": [{"keyId": "alias/aws/appflow"}, {"keyId": "alias/acme-data"},
                              {"keyId": "1234abcd-12ab-34cd-56ef-1234567890ab"},
                              {"keyId": "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}],
    "aws:iam/getPolicy:getPolicy": [{"name": "appflow-access"}, {"arn": "arn:aws:iam::aws:policy/AmazonAppFlowFullAccess"}],
    "aws:iam/getRole:getRole": [{"name": "appflow-operator"}],
    "aws:iam/getInstanceProfile:getInstanceProfile": [{"name": "workers"}],
    "aws:iam/getServerCertificate:getServerCertificate": [{"name": "acme-web"}],
    "aws:iam/getSessionContext:getSessionContext": [
        {"arn": "arn:aws:sts::123456789012:assumed-role/deployer/session"}],
    "aws:iam/getOpenIdConnectProvider:getOpenIdConnectProvider": [{"url": "https://token.actions.githubusercontent.com"}],
    "aws:iam/getSamlProvider:getSamlProvider": [{"arn": "arn:aws:iam::123456789012:saml-provider/acme"}],
    "aws:secretsmanager/getSecret:getSecret": [
        {"name": "appflow/salesforce"},
        {"arn": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:appflow/salesforce-AbC123"}],
    "aws:s3/getAccessPoint:getAccessPoint": [{"name": "landing"}],
    "aws-native:s3:getAccessPoint": [{"name": "landing"}],
    "aws-native:s3:getStorageLensGroup": [{"name": "landing"}],
    "aws-native:iam:getOidcProvider": [{"arn": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"}],
    "aws-native:iam:getSamlProvider": [{"arn": "arn:aws:iam::123456789012:saml-provider/acme"}],
}
SDK_SOURCES = {"aws": "pulumi_aws", "aws-native": "pulumi_aws_native"}


def rule_service_tokens():
    """Every data source of the services the rules read, in both SDKs (and the account-wide ones)."""
    found = {}
    for module in SDK_SOURCES.values():
        root = os.path.dirname(__import__(module).__file__)
        for folder, _, files in os.walk(root):
            for file in files:
                if file.startswith("get") and file.endswith(".py"):
                    with open(os.path.join(folder, file), encoding="utf-8") as handle:
                        source = handle.read()
                    for token in re.findall(r"invoke\('([^']+)'", source):
                        service = token.split(":")[1].split("/")[0]
                        if service in RULE_SERVICES or service == "index":
                            function = source[:source.index(f"invoke('{token}'")].rsplit("\ndef ", 1)[-1]
                            found[token] = re.findall(r"__args__\['(\w+)'\]", function)
    return found


TOKENS = rule_service_tokens()


def argument_sets(token: str) -> list:
    sets = [{}] + TOKEN_ARGS.get(token, [])
    known = {key: ARGUMENTS[key] for key in TOKENS[token] if key in ARGUMENTS}
    return sets + ([known] if known else [])


def violations(value, path=""):
    """(path, value, why) for every ARN- or ID-valued field of ``value`` not in its documented form."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from violations(item, f"{path}.{key}" if path else key)
            for text in (item if isinstance(item, list) else [item]):
                if not isinstance(text, str) or not text:
                    continue
                if key in ID_FORMS and not ID_FORMS[key].match(text):
                    yield path + "." + key, text, "not in the form of " + key
                if key.lower().endswith(("arn", "arns")) and not text.startswith("arn:"):
                    yield path + "." + key, text, "an ARN field without an ARN"
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from violations(item, f"{path}[{index}]")
    elif isinstance(value, str) and value.startswith("arn:"):
        service = value.split(":")[2] if value.count(":") >= 5 else ""
        form = ARN_FORMS.get(service, ANY_ARN)
        if not form.match(value):
            yield path, value, f"not a {service or 'valid'} ARN"


def test_the_forms_are_aws_own_examples():
    """The regexes accept AWS's documented examples and refuse the answers this work replaced."""
    assert ARN_FORMS["kms"].match("arn:aws:kms:us-east-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab")
    assert ARN_FORMS["kms"].match("arn:aws:kms:us-east-2:111122223333:alias/ExampleAlias")
    assert not ARN_FORMS["kms"].match("arn:aws:kms:eu-west-1:123456789012:key/appflow")
    assert ARN_FORMS["secretsmanager"].match("arn:aws:secretsmanager:us-west-2:111122223333:secret:MyTestSecret-a1b2c3")
    assert not ARN_FORMS["secretsmanager"].match("arn:aws:secretsmanager:eu-west-1:123456789012:secret:creds")
    assert ARN_FORMS["iam"].match("arn:aws:iam::aws:policy/AmazonAppFlowFullAccess")
    assert ARN_FORMS["iam"].match("arn:aws:iam::123456789012:role/application_abc/component_xyz/S3Access")
    assert ARN_FORMS["cloudtrail"].match("arn:aws:cloudtrail:us-east-2:123456789012:trail/MyTrail")
    assert not ARN_FORMS["cloudtrail"].match("arn:aws:cloudtrail:eu-west-1:123456789012:serviceaccount/serviceaccount")
    assert ARN_FORMS["s3"].match("arn:aws:s3:::amzn-s3-demo-bucket") and ARN_FORMS["s3"].match(
        "arn:aws:s3:us-west-2:123456789012:accesspoint/test")
    assert IAM_UNIQUE_ID.match("AIDACKCEVSQ6C2EXAMPLE") and not IAM_UNIQUE_ID.match("unique-866dda5b994b04061")


@pytest.mark.parametrize("region", ["eu-west-1", "cn-north-1"])
def test_every_arn_and_id_of_the_rules_services_is_in_aws_form(region):
    """Every data source of kms, s3, secretsmanager, iam, cloudtrail and appflow in both SDKs (and the account-wide
    ones), with no arguments and with valid ones: each ARN and ID of the answer in its documented form."""
    assert len(TOKENS) >= 100
    shaper = shaped_values.Shaper(aws_answers, region, aws_answers.ACCOUNT)
    found = []
    for token in sorted(TOKENS):
        for args in argument_sets(token):
            answer = shaper.invoke(token, args)
            assert answer is not None, token
            found += [(token, args, *violation) for violation in violations(answer)]
    assert found == []


def test_an_aws_managed_alias_leads_to_an_aws_managed_key_in_key_arn_form():
    shaper = shaped_values.Shaper(aws_answers, "eu-west-1", aws_answers.ACCOUNT)
    key = shaper.invoke("aws:kms/getKey:getKey", {"keyId": "alias/aws/appflow"})
    alias = shaper.invoke("aws:kms/getAlias:getAlias", {"name": "alias/aws/appflow"})
    assert (key["keyManager"], key["keyId"], key["id"]) == ("AWS", "alias/aws/appflow", alias["targetKeyId"])
    assert key["arn"] == alias["targetKeyArn"] == f"arn:aws:kms:eu-west-1:123456789012:key/{alias['targetKeyId']}"
    customer = shaper.invoke("aws:kms/getKey:getKey", {"keyId": "alias/acme-data"})
    assert customer["keyManager"] == "CUSTOMER" and customer["arn"] != key["arn"]
    given = shaper.invoke("aws:kms/getKey:getKey", {
        "keyId": "arn:aws:kms:us-east-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"})
    assert (given["id"], given["arn"]) == ("1234abcd-12ab-34cd-56ef-1234567890ab",
                                           "arn:aws:kms:us-east-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab")
    native = shaper.invoke("aws-native:kms:getAlias", {"aliasName": "alias/aws/appflow"})
    assert native == {"targetKeyId": alias["targetKeyId"]}


def test_secrets_policies_and_roles_keep_their_identity():
    shaper = shaped_values.Shaper(aws_answers, "eu-west-1", aws_answers.ACCOUNT)
    by_name = shaper.invoke("aws:secretsmanager/getSecret:getSecret", {"name": "appflow/salesforce"})
    assert re.fullmatch(r"arn:aws:secretsmanager:eu-west-1:123456789012:secret:appflow/salesforce-[A-Za-z0-9]{6}",
                        by_name["arn"])
    by_arn = shaper.invoke("aws:secretsmanager/getSecret:getSecret", {"arn": by_name["arn"]})
    assert (by_arn["arn"], by_arn["name"]) == (by_name["arn"], "appflow/salesforce")
    version = shaper.invoke("aws:secretsmanager/getSecretVersion:getSecretVersion", {"secretId": "appflow/salesforce"})
    assert version["arn"] == by_name["arn"]
    managed = shaper.invoke("aws:iam/getPolicy:getPolicy", {"arn": "arn:aws:iam::aws:policy/AmazonAppFlowFullAccess"})
    assert (managed["arn"], managed["name"], managed["path"]) == (
        "arn:aws:iam::aws:policy/AmazonAppFlowFullAccess", "AmazonAppFlowFullAccess", "/")
    role = shaper.invoke("aws:iam/getRole:getRole", {"name": "appflow-operator"})
    assert role["arn"] == "arn:aws:iam::123456789012:role/appflow-operator" and role["uniqueId"].startswith("AROA")
    trail = shaper.invoke("aws:cloudtrail/getServiceAccount:getServiceAccount", {})
    assert re.fullmatch(r"arn:aws:iam::\d{12}:root", trail["arn"]) and trail["arn"] == f"arn:aws:iam::{trail['id']}:root"


def rule_service_resource_types():
    from pulumi.runtime import rpc

    found = set()
    for modules in list(rpc._RESOURCE_MODULES.values()):
        for module in modules:
            info = getattr(module, "mod_info", None)
            if isinstance(info, dict):
                found.update(token for token in info.get("classes", {})
                             if token.split(":")[1].split("/")[0] in RULE_SERVICES)
    return sorted(found)


def test_every_arn_and_id_of_the_rules_services_resource_outputs_is_in_aws_form():
    """What an update gives each resource type of those services (both SDKs) for the outputs its SDK class has."""
    import pulumi_aws  # noqa: F401  (registers the SDKs' resource modules)
    import pulumi_aws_native  # noqa: F401

    from appflow_guard.checker.in_program.aws_outputs import computed_outputs

    shaper = shaped_values.Shaper(aws_answers, "eu-west-1", aws_answers.ACCOUNT, computed=computed_outputs)
    types = rule_service_resource_types()
    assert len(types) > 100
    found = []
    for token in types:
        fields = {field for field, _ in shaper._fields(shaper.resource_class(token))}
        physical, computed = computed_outputs(token, "landing", {}, "eu-west-1")
        outputs = {**shaper.resource_outputs(token, "landing", {}, physical, computed.get("arn", "")), **computed}
        found += [(token, *violation) for violation in violations({key: value for key, value in outputs.items()
                                                                   if key in fields})]
    assert found == []
