"""The runner answers registrations as the engine does, so programs behave as under `pulumi preview` and `up`."""

import json
import textwrap

import pytest

from appflow_guard.checker.errors import CheckError
from appflow_guard.checker.project import ProgramRun, load_project

# The program writes down what it reads back: a bucket's own inputs (known in preview too, as the
# engine echoes inputs), and the state of the same bucket looked up by URN.
PROGRAM = """
    import json

    import pulumi
    import pulumi_aws as aws

    bucket = aws.s3.Bucket("landing", bucket="landing-bucket", tags={"team": "data"})


    def look_up(urn):
        again = aws.s3.Bucket("landing-by-urn", opts=pulumi.ResourceOptions(urn=urn))
        return pulumi.Output.all(bucket.bucket, again.bucket, again.tags).apply(
            lambda values: open("seen.json", "w").write(json.dumps(values)))


    bucket.urn.apply(look_up)
"""


@pytest.mark.parametrize("phase", ["preview", "update"])
def test_a_program_reads_back_what_it_registered(tmp_path, phase):
    (tmp_path / "Pulumi.yaml").write_text("name: readback\nruntime: python\n")
    (tmp_path / "__main__.py").write_text(textwrap.dedent(PROGRAM))
    with ProgramRun(load_project(str(tmp_path), "dev"), "dev", phase, timeout=60) as run:
        names = [registration["name"] for registration in run]
    assert names == ["readback-dev", "landing"]
    assert json.loads((tmp_path / "seen.json").read_text()) == ["landing-bucket", "landing-bucket", {"team": "data"}]


def test_the_program_runs_as_the_main_module(tmp_path):
    """As under the language host: __name__ is "__main__", __file__ is set, sys.modules["__main__"] is it."""
    (tmp_path / "Pulumi.yaml").write_text("name: entry\nruntime: python\n")
    (tmp_path / "__main__.py").write_text(textwrap.dedent("""
        import dataclasses
        import sys

        import pulumi_aws as aws


        @dataclasses.dataclass
        class Settings:  # dataclasses look their module up in sys.modules
            name: str


        if __name__ == "__main__" and sys.modules["__main__"].__dict__ is globals() and __file__.endswith("__main__.py"):
            aws.s3.Bucket(Settings("landing").name)
    """))
    with ProgramRun(load_project(str(tmp_path), "dev"), "dev", "preview", timeout=60) as run:
        assert [registration["name"] for registration in run] == ["entry-dev", "landing"]


# ---- a file the engine must read (FileAsset, FileArchive, AssetArchive): missing, the program is refused ----

ASSET_PROGRAM = """
    import pulumi
    import pulumi_aws as aws

    aws.s3.BucketObjectv2("readme", bucket="acme-landing", key="README.md", source={source})
"""


@pytest.mark.parametrize("source, refused", [
    ('pulumi.FileAsset("docs/README.md")',
     "failed to compute asset hash at source: failed to open asset file '{dir}/docs/README.md': "
     "open {dir}/docs/README.md: no such file or directory"),
    ('pulumi.FileAsset("docs")',
     "failed to compute asset hash at source: asset path '{dir}/docs' is a directory; try using an archive"),
    ('pulumi.FileArchive("build/site.zip")',
     "failed to compute archive hash at source: open {dir}/build/site.zip: no such file or directory"),
    ('pulumi.FileArchive("./site")',
     "failed to compute archive hash at source: couldn't read archive path '{dir}/site': "
     "stat {dir}/site: no such file or directory"),
    ('pulumi.AssetArchive({"index.html": pulumi.FileAsset("site/index.html"), "docs": pulumi.FileArchive("docs")})',
     "failed to compute asset hash at source[\"index.html\"]: failed to open asset file '{dir}/site/index.html': "
     "open {dir}/site/index.html: no such file or directory"),
])
@pytest.mark.parametrize("phase", ["preview", "update"])
def test_a_file_the_engine_cannot_read_refuses_the_program(tmp_path, phase, source, refused):
    """As the engine refuses the registration (it hashes every asset and archive it is sent), with its words and
    the resource; a pass would hide a deploy that fails."""
    (tmp_path / "Pulumi.yaml").write_text("name: assets\nruntime: python\n")
    (tmp_path / "__main__.py").write_text(textwrap.dedent(ASSET_PROGRAM.format(source=source)))
    (tmp_path / "docs").mkdir()
    with pytest.raises(CheckError) as raised:
        with ProgramRun(load_project(str(tmp_path), "dev"), "dev", phase, timeout=60) as run:
            list(run)
    expected = 'aws:s3/bucketObjectv2:BucketObjectv2 "readme": unmarshal properties: ' + refused.format(dir=tmp_path)
    assert expected in str(raised.value)


def test_files_the_engine_can_read_pass(tmp_path):
    (tmp_path / "Pulumi.yaml").write_text("name: assets\nruntime: python\n")
    (tmp_path / "__main__.py").write_text(textwrap.dedent(ASSET_PROGRAM.format(
        source='pulumi.AssetArchive({"a": pulumi.FileAsset("docs/a.txt"), "b": pulumi.FileArchive("docs"), '
               '"c": pulumi.StringAsset("text")})')))
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.txt").write_text("a")
    with ProgramRun(load_project(str(tmp_path), "dev"), "dev", "preview", timeout=60) as run:
        assert [registration["name"] for registration in run] == ["assets-dev", "readme"]


# ---- a multi-language component's outputs take their output types ----

COMPONENT_SDK = '''
from typing import Optional, Sequence

import pulumi
import pulumi_aws


@pulumi.input_type
class NetworkArgs:
    def __init__(__self__, *, nat_gateways: Optional[dict] = None):
        if nat_gateways is not None:
            pulumi.set(__self__, "nat_gateways", nat_gateways)

    @property
    @pulumi.getter(name="natGateways")
    def nat_gateways(self) -> Optional[dict]:
        return pulumi.get(self, "nat_gateways")


class Network(pulumi.ComponentResource):
    """Built as pulumi's SDK generator builds awsx's ec2.Vpc: natGateways is a strategy as an input and the
    NatGateway resources as an output."""

    def __init__(self, name: str, nat_gateways: Optional[dict] = None, opts=None):
        props = NetworkArgs.__new__(NetworkArgs)
        props.__dict__["nat_gateways"] = nat_gateways
        props.__dict__["vpc_id"] = None
        super().__init__("acme:ec2:Network", name, props, opts, remote=True)

    @property
    @pulumi.getter(name="natGateways")
    def nat_gateways(self) -> pulumi.Output[Sequence["pulumi_aws.ec2.NatGateway"]]:
        return pulumi.get(self, "nat_gateways")

    @property
    @pulumi.getter(name="vpcId")
    def vpc_id(self) -> pulumi.Output[str]:
        return pulumi.get(self, "vpc_id")


class Module(pulumi.runtime.ResourceModule):
    mod_info = {"pkg": "acme", "mod": "ec2", "fqn": "acme_network", "classes": {"acme:ec2:Network": "Network"}}

    def version(self):
        return None

    def construct(self, name, typ, urn):
        return Network(name, opts=pulumi.ResourceOptions(urn=urn))


pulumi.runtime.register_resource_module("acme", "ec2", Module())
'''


@pytest.mark.parametrize("phase", ["preview", "update"])
def test_a_component_output_named_like_an_input_takes_the_output_type(tmp_path, phase):
    (tmp_path / "Pulumi.yaml").write_text("name: network\nruntime: python\n")
    (tmp_path / "acme_network.py").write_text(COMPONENT_SDK)
    (tmp_path / "__main__.py").write_text(textwrap.dedent("""
        import json

        import pulumi
        from acme_network import Network

        network = Network("vpc", nat_gateways={"strategy": "Single"})
        pulumi.Output.all(network.nat_gateways, network.vpc_id).apply(lambda values: open("seen.json", "w").write(
            json.dumps([[type(gateway).__name__ for gateway in values[0]], values[1]])))
    """))
    with ProgramRun(load_project(str(tmp_path), "dev"), "dev", phase, timeout=60) as run:
        assert [registration["name"] for registration in run] == ["network-dev", "vpc"]
    if phase == "preview":  # outputs of children not created yet are unknown: the apply never runs
        assert not (tmp_path / "seen.json").exists()
    else:
        types, vpc_id = json.loads((tmp_path / "seen.json").read_text())
        assert types == ["NatGateway"] * 3 and vpc_id.startswith("vpc-")
