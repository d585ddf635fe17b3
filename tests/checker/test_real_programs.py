"""The runner runs programs as the engine does: resource references, read-back by URN, data sources,
update outputs, mocks files, stack references, multi-language components, errors in apply callbacks."""

import base64
import json
import subprocess
import sys
import textwrap

import pytest
from google.protobuf import json_format

from appflow_guard.checker.errors import CheckError
from appflow_guard.checker.project import ProgramRun, load_project

UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
CLI = [sys.executable, "-m", "appflow_guard.checker.cli"]


def program(tmp_path, source, name="idiom"):
    (tmp_path / "Pulumi.yaml").write_text(f"name: {name}\nruntime: python\n")
    (tmp_path / "__main__.py").write_text(textwrap.dedent(source))
    return load_project(str(tmp_path), "dev")


def registrations(project, phase, **options):
    with ProgramRun(project, "dev", phase, timeout=120, **options) as run:
        found = {registration["name"]: registration for registration in run}
        return found, run.notices


def inputs(registration):
    return json_format.MessageToDict(registration["inputs"])


REFERENCES = """
    import pulumi
    import pulumi_aws as aws

    key = aws.kms.Key("key")
    bucket = aws.s3.BucketV2("bucket", bucket="deep-bucket")
    group = pulumi.ComponentResource("acme:index:Group", "group")
    aws.s3.BucketServerSideEncryptionConfigurationV2("sse", bucket=bucket, rules=[{
        "apply_server_side_encryption_by_default": {"sse_algorithm": "aws:kms", "kms_master_key_id": key}}])
    aws.sns.Topic("topic", tags={"group": group, "key": key})
    aws.s3.BucketPolicy("policy", bucket=bucket, policy=pulumi.Output.secret('{"Statement": []}'))
"""


@pytest.mark.parametrize("phase", ["preview", "update"])
def test_resource_references_are_sent_as_the_engine_sends_them_to_analyzers(tmp_path, phase):
    """A custom resource becomes its ID (unknown before creation), a component its URN, at any depth."""
    found, _ = registrations(program(tmp_path, REFERENCES), phase)
    key_id = UNKNOWN if phase == "preview" else found["key"]["id"]
    bucket_id = UNKNOWN if phase == "preview" else "deep-bucket"
    assert phase == "preview" or key_id.count("-") == 4
    assert inputs(found["sse"]) == {"bucket": bucket_id, "rules": [{"applyServerSideEncryptionByDefault": {
        "sseAlgorithm": "aws:kms", "kmsMasterKeyId": key_id}}]}
    assert inputs(found["topic"]) == {"tags": {"group": "urn:pulumi:dev::idiom::acme:index:Group::group", "key": key_id}}
    assert inputs(found["policy"])["bucket"] == bucket_id
    # property dependencies are the SDK's, unchanged
    assert found["sse"]["propertyDependencies"] == {
        "bucket": ["urn:pulumi:dev::idiom::aws:s3/bucketV2:BucketV2::bucket"],
        "rules": ["urn:pulumi:dev::idiom::aws:kms/key:Key::key"]}
    assert found["topic"]["propertyDependencies"] == {"tags": ["urn:pulumi:dev::idiom::aws:kms/key:Key::key"]}


READ_BACK = """
    import json

    import pulumi
    import pulumi_aws as aws

    buckets = [aws.s3.BucketV2(f"bucket-{index}", bucket=f"race-bucket-{index}") for index in range(6)]
    for index, bucket in enumerate(buckets):
        aws.s3.BucketPolicy(f"policy-{index}", bucket=bucket, policy=json.dumps({"Statement": []}))


    def read_back(urn, index, copy):
        return aws.s3.BucketV2(f"again-{index}-{copy}", opts=pulumi.ResourceOptions(urn=urn)).bucket


    seen = [bucket.urn.apply(lambda urn, index=index, copy=copy: read_back(urn, index, copy))
            for index, bucket in enumerate(buckets) for copy in range(4)]
    pulumi.Output.all(*seen).apply(lambda values: open("seen.json", "w").write(json.dumps(values)))
"""


# Runs per phase, sized by a measurement (2026-12-02): with the registration lookups unlocked, a
# preview run of READ_BACK failed 22 times in 45 (the KeyError race), so 12 runs miss it with a chance
# below 0.1%; no update run failed in 20 (update looks resources up without the echo table the lock
# guards), so a few runs there keep the phase covered.
READ_BACK_RUNS = {"preview": 12, "update": 4}


@pytest.mark.parametrize("phase", ["preview", "update"])
def test_reading_back_resources_by_urn_while_registering_references_run_after_run(tmp_path, phase):
    """Four concurrent look-ups of each URN (the KeyError race) and references decoded off the main
    loop (the "attached to a different loop" race): every run must see every bucket's name."""
    project = program(tmp_path, READ_BACK)
    expected = [f"race-bucket-{index}" for index in range(6) for _ in range(4)]
    for attempt in range(READ_BACK_RUNS[phase]):
        (tmp_path / "seen.json").unlink(missing_ok=True)
        found, _ = registrations(project, phase)
        assert len(found) == 13, attempt
        assert json.loads((tmp_path / "seen.json").read_text()) == expected, attempt


DATA_SOURCES = """
    import base64
    import json

    import pulumi
    import pulumi_aws as aws
    import pulumi_aws_native as aws_native

    ami = aws.ec2.get_ami(most_recent=True, owners=["amazon"], filters=[{"name": "name", "values": ["al2023-ami-*"]}])
    zone = aws.route53.get_zone(name="example.com")
    token = aws.ecr.get_authorization_token()
    zones = aws.get_availability_zones()
    alias = aws.kms.get_alias(name="alias/aws/appflow")
    vpc = aws.ec2.get_vpc(default=True)
    native = aws_native.s3.get_bucket(bucket_name="acme-native")
    user, password = base64.b64decode(token.authorization_token).decode().split(":")
    with open("answers.json", "w") as handle:
        json.dump({"ami": [ami.id, ami.image_id, ami.architecture, ami.most_recent], "zone": [zone.zone_id, zone.name],
                   "user": user, "password": bool(password), "zones": zones.names, "third": zones.names[2],
                   "alias": [alias.target_key_arn, alias.target_key_id], "vpc": [vpc.id, vpc.cidr_block],
                   "native": [native.arn, native.domain_name]}, handle)
"""


def test_data_sources_are_answered_from_the_sdks_result_types(tmp_path):
    registrations(program(tmp_path, DATA_SOURCES), "preview")
    answers = json.loads((tmp_path / "answers.json").read_text())
    assert answers["ami"][0].startswith("ami-") and len(answers["ami"][0]) == 21
    assert answers["ami"][1:] == [answers["ami"][0], "x86_64", True]
    assert answers["zone"][0].startswith("Z") and answers["zone"][1] == "example.com"
    assert answers["user"] == "AWS" and answers["password"]
    assert answers["zones"] == ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1e", "us-east-1f"]
    assert answers["third"] == "us-east-1c"
    assert answers["alias"][0] == f"arn:aws:kms:us-east-1:123456789012:key/{answers['alias'][1]}"
    assert answers["vpc"][0].startswith("vpc-") and answers["vpc"][1] == "10.0.0.0/16"
    assert answers["native"][0].startswith("arn:aws:s3") and "acme-native" in answers["native"][0]
    assert answers["native"][1].endswith(".amazonaws.com")


UPDATE_OUTPUTS = """
    import json

    import pulumi
    import pulumi_aws as aws

    api = aws.apigatewayv2.Api("api", protocol_type="HTTP")
    certificate = aws.acm.Certificate("certificate", domain_name="example.com", validation_method="DNS")
    balancer = aws.lb.LoadBalancer("balancer", subnets=["subnet-1", "subnet-2"])
    cluster = aws.eks.Cluster("cluster", role_arn="arn:aws:iam::123456789012:role/eks",
                              vpc_config={"subnet_ids": ["subnet-1"]})
    machine = aws.sfn.StateMachine("machine", role_arn="arn:aws:iam::123456789012:role/sfn", definition="{}")
    pulumi.Output.all(api.api_endpoint, api.execution_arn, certificate.domain_validation_options,
                      balancer.dns_name, cluster.certificate_authority, machine.arn, balancer.subnets).apply(
        lambda values: open("outputs.json", "w").write(json.dumps(values)))
"""


def test_update_outputs_are_shaped_from_the_sdks_output_types(tmp_path):
    registrations(program(tmp_path, UPDATE_OUTPUTS), "update")
    endpoint, execution_arn, validations, dns_name, authority, machine_arn, subnets = json.loads(
        (tmp_path / "outputs.json").read_text())
    assert endpoint.startswith("https://") and endpoint.endswith(".amazonaws.com")
    assert execution_arn.startswith("arn:aws:execute-api:us-east-1:123456789012:")
    assert validations[0]["domain_name"] == "example.com"  # the input, repeated in the nested output
    assert validations[0]["resource_record_type"] == "CNAME"
    assert validations[0]["resource_record_name"].endswith(".example.com.")
    assert dns_name.endswith(".us-east-1.amazonaws.com")
    assert base64.b64decode(authority["data"]).startswith(b"-----BEGIN CERTIFICATE-----")
    assert machine_arn.startswith("arn:aws:states:us-east-1:123456789012:stateMachine:machine-")
    assert subnets == ["subnet-1", "subnet-2"]  # inputs echoed


MOCKED = """
    import json

    import pulumi
    import pulumi_aws as aws

    ami = aws.ec2.get_ami(most_recent=True, owners=["amazon"])
    prod = aws.route53.get_zone(name="prod.example.com")
    dev = aws.route53.get_zone(name="dev.example.com")
    web = aws.ec2.Instance("web", ami=ami.id, instance_type="t3.micro")
    worker = aws.ec2.Instance("worker", ami=ami.id, instance_type="t3.micro")
    pulumi.Output.all(web.public_ip, web.private_ip, worker.public_ip).apply(lambda ips: open("seen.json", "w").write(
        json.dumps({"ami": ami.id, "zones": [prod.zone_id, dev.zone_id], "ips": ips})))
"""


def test_a_mocks_file_answers_data_sources_and_gives_outputs_by_type_and_name(tmp_path):
    project = program(tmp_path, MOCKED)
    (tmp_path / "mocks.yaml").write_text(textwrap.dedent("""
        invokes:
          aws:ec2/getAmi:getAmi: {id: ami-0123456789abcdef0}
          aws:route53/getZone:getZone:
            - args: {name: prod.example.com}
              result: {zoneId: ZPROD}
            - result: {zoneId: ZOTHER}
        resources:
          aws:ec2/instance:Instance: {publicIp: 203.0.113.10, privateIp: 10.0.0.5}
          web: {publicIp: 198.51.100.7}
    """))
    completed = subprocess.run(CLI + ["check", str(tmp_path), "--phase", "update", "--mocks",
                                      str(tmp_path / "mocks.yaml")], capture_output=True, text=True, timeout=300)
    assert (completed.returncode, completed.stderr) == (0, "")
    assert json.loads((tmp_path / "seen.json").read_text()) == {
        "ami": "ami-0123456789abcdef0", "zones": ["ZPROD", "ZOTHER"],
        "ips": ["198.51.100.7", "10.0.0.5", "203.0.113.10"]}
    found, _ = registrations(project, "preview", mocks={"invokes": {"aws:ec2/getAmi:getAmi": {"id": "ami-1"}}})
    assert inputs(found["web"])["ami"] == "ami-1"  # invokes are answered in preview too


@pytest.mark.parametrize("content, message", [
    ("invokes: [1, 2]", 'mocks file {path}: "invokes" and "resources" must be mappings'),
    ("resources:\n  web: 3", "mocks file {path}: resources.web must be a mapping of output names to values"),
    ("invokes:\n  aws:ec2/getAmi:getAmi: [{argz: {}}]",
     "mocks file {path}: invokes.aws:ec2/getAmi:getAmi[0] must be {{args: {{...}}, result: {{...}}}}"),
    ("other: {}", 'mocks file {path} must be a mapping with "invokes" and/or "resources"'),
    ("invokes: {a: [}", "mocks file {path} is not valid YAML or JSON: "),
])
def test_a_bad_mocks_file_is_one_line_and_exit_2(tmp_path, content, message):
    program(tmp_path, "")
    path = tmp_path / "mocks.yaml"
    path.write_text(content)
    completed = subprocess.run(CLI + ["check", str(tmp_path), "--mocks", str(path)], capture_output=True, text=True,
                               timeout=120)
    assert completed.returncode == 2 and completed.stdout == ""
    assert completed.stderr.startswith("appflow-guard: " + message.format(path=path))
    assert completed.stderr.count("\n") == 1


@pytest.mark.parametrize("spec, message", [
    ("acme/keys/prod", "--stack-reference 'acme/keys/prod': expected ORG/PROJECT/STACK=FILE"),
    ("acme/keys/prod={missing}", "cannot read stack reference file {missing}: No such file or directory"),
    ("acme/keys/prod={list}", "stack reference file {list} must be a mapping of output names to values"),
])
def test_a_bad_stack_reference_is_one_line_and_exit_2(tmp_path, spec, message):
    program(tmp_path, "")
    paths = {"missing": str(tmp_path / "missing.yaml"), "list": str(tmp_path / "list.yaml")}
    (tmp_path / "list.yaml").write_text("- 1\n")
    completed = subprocess.run(CLI + ["check", str(tmp_path), "--stack-reference", spec.format(**paths)],
                               capture_output=True, text=True, timeout=120)
    assert completed.returncode == 2
    assert completed.stderr == f"appflow-guard: {message.format(**paths)}\n"


SDK = """
    \"\"\"What a multi-language component's SDK looks like (pulumi_awsx.ec2.Vpc): outputs typed, built remotely.\"\"\"

    import pulumi
    from pulumi.runtime import ResourceModule, register_resource_module


    @pulumi.input_type
    class VpcArgs:
        def __init__(self, cidr_block=None):
            pulumi.set(self, "cidr_block", cidr_block)

        @property
        @pulumi.getter(name="cidrBlock")
        def cidr_block(self):
            return pulumi.get(self, "cidr_block")


    class Vpc(pulumi.ComponentResource):
        def __init__(self, name, cidr_block, opts=None):
            props = VpcArgs.__new__(VpcArgs)  # as generated SDKs build them
            props.__dict__.update(cidr_block=cidr_block, vpc_id=None, private_subnet_ids=None, nat_gateway_count=None)
            super().__init__("acme:network:Vpc", name, props, opts, remote=True)

        @property
        @pulumi.getter(name="vpcId")
        def vpc_id(self) -> pulumi.Output[str]:
            return pulumi.get(self, "vpc_id")

        @property
        @pulumi.getter(name="privateSubnetIds")
        def private_subnet_ids(self) -> pulumi.Output[list[str]]:
            return pulumi.get(self, "private_subnet_ids")

        @property
        @pulumi.getter(name="natGatewayCount")
        def nat_gateway_count(self) -> pulumi.Output[int]:
            return pulumi.get(self, "nat_gateway_count")

        @pulumi.output_type
        class EndpointResult(dict):
            def __init__(__self__, endpoint_url=None):
                pulumi.set(__self__, "endpoint_url", endpoint_url)

            @property
            @pulumi.getter(name="endpointUrl")
            def endpoint_url(self) -> str:
                return pulumi.get(self, "endpoint_url")

        def endpoint(self, service):
            result = pulumi.runtime.call('acme:network:Vpc/endpoint', {"__self__": self, "service": service},
                                         res=self, typ=Vpc.EndpointResult)
            return result.apply(lambda value: value.endpoint_url)


    class Module(ResourceModule):
        mod_info = {"fqn": "acme_network", "classes": {"acme:network:Vpc": "Vpc"}}

        def version(self):
            return None

        def construct(self, name, typ, urn):
            return Vpc(name, None, pulumi.ResourceOptions(urn=urn))


    register_resource_module("acme", "network", Module())
"""
COMPONENT = """
    import json

    import pulumi

    from acme_network import Vpc

    vpc = Vpc("network", cidr_block="10.1.0.0/16")
    pulumi.Output.all(vpc.vpc_id, vpc.private_subnet_ids, vpc.nat_gateway_count, vpc.endpoint("s3")).apply(
        lambda values: open("vpc.json", "w").write(json.dumps(values)))
"""


def test_a_multi_language_component_gets_shaped_outputs_and_is_reported_unchecked(tmp_path):
    project = program(tmp_path, COMPONENT)
    (tmp_path / "acme_network.py").write_text(textwrap.dedent(SDK))
    found, notices = registrations(project, "update")
    vpc_id, subnets, count, endpoint = json.loads((tmp_path / "vpc.json").read_text())
    assert endpoint.startswith("https://") and endpoint.endswith(".amazonaws.com/")  # a method, answered by type
    assert vpc_id.startswith("vpc-") and len(subnets) == 3 and all(s.startswith("subnet-") for s in subnets)
    assert count == 1
    expected = ['component acme:network:Vpc "network": its children are built by its own provider and were not '
                'checked; its outputs were shaped from its SDK types']
    assert notices == expected
    assert inputs(found["network"])["cidrBlock"] == "10.1.0.0/16"
    (tmp_path / "vpc.json").unlink()
    _, notices = registrations(project, "preview")
    assert notices == expected and not (tmp_path / "vpc.json").exists()  # outputs of children not built: unknown
    completed = subprocess.run(CLI + ["check", str(tmp_path), "--format", "json"], capture_output=True, text=True,
                               timeout=300)
    assert json.loads(completed.stdout)["notes"] == expected


def test_an_error_in_an_apply_callback_names_the_programs_own_file_and_line(tmp_path):
    program(tmp_path, """
        import pulumi_aws as aws

        from helpers import table_name

        bucket = aws.s3.BucketV2("landing", bucket="landing-bucket")
        bucket.bucket.apply(table_name)
    """)
    (tmp_path / "helpers.py").write_text("def table_name(arn):\n    return {'a': 1}[arn]\n")
    (tmp_path.parent / f"{tmp_path.name}-link").symlink_to(tmp_path)  # a folder reached through a symlink too
    for phase, folder in (("preview", tmp_path), ("update", tmp_path), ("preview", f"{tmp_path}-link")):
        with pytest.raises(CheckError) as raised:
            registrations(load_project(str(folder), "dev"), phase)
        assert str(raised.value) == "the program failed: KeyError: 'landing-bucket' (helpers.py:2)"


def test_a_data_source_nobody_can_answer_is_reported(tmp_path):
    _, notices = registrations(program(tmp_path, """
        import pulumi
        pulumi.runtime.invoke("acme:index:getThing", {"name": "x"})
    """), "preview")
    assert notices == ["data source acme:index:getThing has no answer (not in the installed SDKs nor in --mocks); "
                       "its result was empty"]


def test_an_apply_callback_that_returns_an_invalid_input_names_the_input_and_the_resource(tmp_path):
    """The SDK reports it as "While processing resource ..." with no frame of the program: the message
    gives the SDK's innermost reason and where the program declares the resource."""
    program(tmp_path, """
        import pulumi_aws as aws

        bucket = aws.s3.BucketV2("landing", bucket="landing-bucket")
        aws.s3.BucketPolicy(
            "landing-policy", bucket=bucket.id, policy=bucket.bucket.apply(lambda name: name.encode()))
    """)
    with pytest.raises(CheckError) as raised:
        registrations(load_project(str(tmp_path), "dev"), "preview")
    assert str(raised.value) == (
        "the program failed: ValueError: While processing resource: 'landing-policy', type: "
        "'aws:s3/bucketPolicy:BucketPolicy': unexpected input of type bytes for policy in BucketPolicy (__main__.py:6)")
