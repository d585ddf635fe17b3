"""The runner answers registrations as the engine does, so programs behave as under `pulumi preview` and `up`."""

import json
import textwrap

import pytest

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
