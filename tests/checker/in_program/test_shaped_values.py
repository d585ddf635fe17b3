"""Every data source of pulumi-aws and pulumi-aws-native is answered in the shape of its result type."""

import os
import re
import typing

import pulumi_aws
import pulumi_aws_native
from pulumi.runtime import rpc

from appflow_guard.checker.in_program import aws_answers, shaped_values

# An SDK inconsistency: the result's annotation says str, its constructor insists on a dict.
SDK_INCONSISTENT = {"aws-native:amazonmq:getBroker"}


def tokens():
    found = set()
    for package in (pulumi_aws, pulumi_aws_native):
        root = os.path.dirname(package.__file__)
        for folder, _, files in os.walk(root):
            for file in files:
                if file.startswith("get") and file.endswith(".py"):
                    with open(os.path.join(folder, file), encoding="utf-8") as handle:
                        found.update(re.findall(r"invoke\('([^']+)'", handle.read()))
    return sorted(found)


def test_every_fourth_data_source_gets_an_answer_the_sdk_accepts():
    """A quarter of the functions (about 580, every module), in the SDK's own result classes: every field
    present. (All 2,327 of pulumi-aws 7.51.1 and pulumi-aws-native 1.84.0: 2,326 answered, 1 inconsistent.)"""
    every = tokens()
    assert len(every) > 2000
    shaper = shaped_values.Shaper(aws_answers, "eu-west-1", aws_answers.ACCOUNT)
    unanswered, refused = [], []
    for token in every[::4]:
        answer = aws_answers.invoke_answer(token, {}, "eu-west-1") or shaper.function_result(token, {})
        result_class = shaper.result_class(token)
        if answer is None or result_class is None:
            unanswered.append(token)
            continue
        try:
            result = rpc.translate_output_properties(answer, lambda name: name, result_class, True)
        except TypeError as error:
            if token not in SDK_INCONSISTENT:
                refused.append((token, str(error)))
            continue
        absent = [field for field, hint in shaper._fields(result_class)
                  if field not in answer and shaped_values._unwrap(hint) is not typing.Any]
        assert absent == [], token  # every field present (fields typed Any have nothing to derive from)
        assert result is not None
    assert (unanswered, refused) == ([], [])


def test_shaped_values_take_aws_forms_and_follow_the_arguments():
    shaper = shaped_values.Shaper(aws_answers, "eu-west-1", aws_answers.ACCOUNT)
    subnet = shaper.function_result("aws:ec2/getSubnet:getSubnet", {"id": "subnet-0123"})
    assert subnet["id"] == "subnet-0123" and subnet["vpcId"].startswith("vpc-")
    assert subnet["availabilityZone"] == "eu-west-1a" and subnet["ownerId"] == aws_answers.ACCOUNT
    assert subnet["arn"] == "arn:aws:ec2:eu-west-1:123456789012:subnet/subnet-0123"
    role = shaper.function_result("aws:iam/getRole:getRole", {"name": "deployer"})
    assert role["name"] == "deployer" and role["arn"] == "arn:aws:iam::123456789012:role/deployer"
    assert role["assumeRolePolicy"] == '{"Version":"2012-10-17","Statement":[]}'
    bucket = shaper.function_result("aws:s3/getBucket:getBucket", {"bucket": "acme-landing"})
    assert bucket["arn"] == "arn:aws:s3:::acme-landing"
    zones = shaper.function_result("aws:ec2/getSubnets:getSubnets", {})
    assert len(zones["ids"]) == 3 and all(item.startswith("subnet-") for item in zones["ids"])
    assert shaper.function_result("aws:ec2/getSubnet:getSubnet", {"id": "subnet-0123"}) == subnet  # deterministic
    assert shaper.function_result("acme:index:getNothing", {}) is None
