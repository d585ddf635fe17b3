"""The pass-through tables say what the installed SDKs say: each output hands on its input unchanged."""

import importlib
import inspect
import re

import pytest

from appflow_guard.core import passthrough, types

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # importing the SDKs' deprecated V2 classes

ENTRIES = [(resource_type, output, passed_on)
           for table in (passthrough.AWS, passthrough.NATIVE)
           for resource_type, outputs in table.items() for output, passed_on in outputs.items()]


def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def sdk_class(resource_type: str):
    """The SDK class that registers ``resource_type`` (aws:s3/bucketPolicy:BucketPolicy -> pulumi_aws.s3.BucketPolicy)."""
    package, module, name = resource_type.split(":")
    sdk = "pulumi_aws_native" if package == "aws-native" else "pulumi_aws"
    # the class's own module, not the package: after tests/hardening/test_fuzz_inprocess.py ran in the
    # same worker, pulumi_aws.s3 lacked this attribute (the class's module always has it)
    package_name, _, file_stem = module.partition("/")
    cls = getattr(importlib.import_module(f"{sdk}.{package_name}.{snake(file_stem or name)}"), name)
    assert f"'{resource_type}'" in inspect.getsource(cls._internal_init)
    return cls


@pytest.mark.parametrize("resource_type, output, passed_on", ENTRIES)
def test_each_output_is_the_input_it_names_in_the_sdk(resource_type, output, passed_on):
    cls = sdk_class(resource_type)
    init = inspect.getsource(cls._internal_init)
    assert snake(passed_on) in inspect.signature(cls._internal_init).parameters
    getter = getattr(cls, snake(output))
    assert isinstance(getter, property)
    if output == passed_on:  # the input is stored as the output of the same name
        assert f'__props__.__dict__["{snake(output)}"] = {snake(output)}\n' in init
    else:  # a computed output documented as the ARN of what the input names
        named = "target key" if resource_type in types.KMS_ALIAS_TYPES else "secret"
        assert f"arn of the {named}" in getter.__doc__.lower()


def test_the_tables_name_the_resources_the_issue_lists():
    listed = {
        "aws:s3/bucketPolicy:BucketPolicy", "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
        "aws:s3/bucketVersioningV2:BucketVersioningV2", "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
        "aws:s3/bucketAclV2:BucketAclV2", "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2",
        "aws:s3/bucketLoggingV2:BucketLoggingV2", "aws:s3/bucketNotification:BucketNotification",
        "aws:kms/alias:Alias", "aws:kms/keyPolicy:KeyPolicy", "aws:secretsmanager/secretVersion:SecretVersion",
        "aws:secretsmanager/secretRotation:SecretRotation", "aws:secretsmanager/secretPolicy:SecretPolicy",
        "aws-native:s3:BucketPolicy", "aws-native:kms:Alias", "aws-native:secretsmanager:ResourcePolicy",
        "aws-native:secretsmanager:RotationSchedule", "aws-native:secretsmanager:SecretTargetAttachment",
    }
    assert listed <= set(passthrough.AWS) | set(passthrough.NATIVE)
    assert all(resource_type.startswith("aws:") for resource_type in passthrough.AWS)
    assert all(resource_type.startswith("aws-native:") for resource_type in passthrough.NATIVE)


def test_types_without_an_entry_pass_nothing_on():
    assert passthrough.inputs_passed_on("aws:s3/bucket:Bucket") == ()
    assert passthrough.inputs_passed_on("aws:s3/filesFileSystem:FilesFileSystem") == ()
    assert passthrough.inputs_passed_on("aws:secretsmanager/secretVersion:SecretVersion") == ("secretId",)
    assert passthrough.inputs_passed_on("aws:kms/alias:Alias") == ("targetKeyId",)
