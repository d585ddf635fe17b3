"""What AWS computes without an API call, answered as the provider answers (aws_answers is pure: no pulumi)."""

import json
import zlib

from appflow_guard.checker.aws_answers import invoke_answer

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
