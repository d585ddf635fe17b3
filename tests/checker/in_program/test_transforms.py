"""The monitor's side of engine transforms (checker/in_program/transforms.py), as pulumi v3.274.1's engine serves it.

The wire forms are checked on protobuf values; the rest on small programs (pulumi only, no provider SDK)
run by the runner in their own interpreter, whose transforms record what they were given.
"""

import json
import os
import textwrap

import pytest
from google.protobuf import json_format, struct_pb2

from appflow_guard.checker.in_program import transforms
from appflow_guard.checker.cli import main
from appflow_guard.checker.project import ProgramRun, load_project
from appflow_guard.checker.errors import CheckError
from conftest import REPO_ROOT

SIG = transforms.SIGNATURE_KEY
SECRET = {SIG: transforms.SECRET_SIGNATURE}
OUTPUT = transforms.OUTPUT_VALUE_SIGNATURE
UNKNOWN = transforms.UNKNOWN


def value(python):
    return json_format.ParseDict(python, struct_pb2.Value())


def python(message):
    return json_format.MessageToDict(message)


def test_every_kind_of_transform_has_an_idiom_program_that_both_suites_run():
    """tests/checker/test_programs.py and tests/e2e/test_engine_agreement.py run every tests/programs folder."""
    programs = os.path.join(REPO_ROOT, "tests", "programs")
    for name in ("transform-stack-key", "transform-resource-option", "transform-invoke",
                 "transform-with-transformation"):
        assert {"Pulumi.yaml", "__main__.py", "expected.json", "checker.json"} <= set(
            os.listdir(os.path.join(programs, name))), name


# ---- the wire forms ----

def test_a_transform_gets_secrets_and_unknowns_as_output_values_everywhere_in_a_value():
    sent = value({"plain": "x", "password": {**SECRET, "value": "hunter2"}, "address": UNKNOWN,
                  "hidden": {**SECRET, "value": UNKNOWN}, "list": [1, {**SECRET, "value": True}]})
    assert python(transforms.transform_value(sent)) == {
        "plain": "x",
        "password": {SIG: OUTPUT, "value": "hunter2", "secret": True, "dependencies": []},
        "address": {SIG: OUTPUT, "dependencies": []},
        "hidden": {SIG: OUTPUT, "secret": True, "dependencies": []},
        "list": [1.0, {SIG: OUTPUT, "value": True, "secret": True, "dependencies": []}],
    }


def test_a_property_with_dependencies_becomes_an_output_value_carrying_them():
    sent = value({**SECRET, "value": {"name": "acme"}})
    assert python(transforms.transform_value(sent, frozenset({"urn:b", "urn:a"}))) == {
        SIG: OUTPUT, "value": {"name": "acme"}, "secret": True, "dependencies": ["urn:a", "urn:b"]}
    assert python(transforms.transform_value(value("acme"), frozenset({"urn:a"}))) == {
        SIG: OUTPUT, "value": "acme", "dependencies": ["urn:a"]}


def test_resource_references_and_assets_reach_a_transform_as_the_sdk_sent_them():
    reference = {SIG: "5cf8f73096256a8f31e491e813e4eb8e", "urn": "urn:pulumi:dev::p::test:index:Thing::a", "id": ""}
    asset = {SIG: "c44067f5952c0a294b673a41bacd8c17", "text": "hello"}
    assert python(transforms.transform_value(value({"ref": reference, "asset": asset}))) == {
        "ref": reference, "asset": asset}


def test_the_registration_gets_secrets_signed_unknowns_as_the_sentinel_and_the_dependencies_carried():
    returned = value({"password": {SIG: OUTPUT, "value": "HUNTER2", "secret": True, "dependencies": ["urn:a"]},
                      "address": {SIG: OUTPUT, "dependencies": ["urn:b"]},
                      "hidden": {SIG: OUTPUT, "secret": True},
                      "nested": [{"key": {SIG: OUTPUT, "value": "k", "dependencies": ["urn:c"]}}],
                      "sdk": {**SECRET, "value": "as the SDK sends it"}})
    registered, dependencies = transforms.registration_value(returned)
    assert python(registered) == {"password": {**SECRET, "value": "HUNTER2"}, "address": UNKNOWN,
                                  "hidden": {**SECRET, "value": UNKNOWN}, "nested": [{"key": "k"}],
                                  "sdk": {**SECRET, "value": "as the SDK sends it"}}
    assert dependencies == {"urn:a", "urn:b", "urn:c"}


def test_what_the_sdk_sends_comes_back_unchanged_through_both_forms():
    sent = value({"a": {**SECRET, "value": {"b": [UNKNOWN, "c"]}}, "d": UNKNOWN, "e": {"f": 1.5, "g": None}})
    registered, dependencies = transforms.registration_value(transforms.transform_value(sent))
    assert python(registered) == python(sent)
    assert dependencies == set()


# ---- programs ----

RESOURCES = """
    import json

    import pulumi


    class Thing(pulumi.CustomResource):
        def __init__(self, name, props, opts=None):
            super().__init__("test:index:Thing", name, props, opts)


    class Group(pulumi.ComponentResource):
        def __init__(self, name, props=None, opts=None):
            super().__init__("test:index:Group", name, props, opts)


    def record(entry):
        with open("seen.jsonl", "a") as handle:
            handle.write(json.dumps(entry) + "\\n")
"""


def run_program(tmp_path, source, phase="preview", name="transforms"):
    (tmp_path / "Pulumi.yaml").write_text(f"name: {name}\nruntime: python\n")
    (tmp_path / "__main__.py").write_text(textwrap.dedent(RESOURCES) + textwrap.dedent(source))
    with ProgramRun(load_project(str(tmp_path), "dev"), "dev", phase, timeout=120) as run:
        registrations = {registration["name"]: registration for registration in run}
        notices = run.notices
    for registration in registrations.values():
        registration["inputs"] = python(registration["inputs"])
    seen = [json.loads(line) for line in (tmp_path / "seen.jsonl").read_text().splitlines()] \
        if (tmp_path / "seen.jsonl").exists() else []
    return registrations, seen, notices


ORDER = """
    def marker(label):
        def transform(args):
            if "order" not in args.props:
                return None
            return pulumi.ResourceTransformResult({**args.props, "order": args.props["order"] + "," + label},
                                                  args.opts)
        return transform


    def unchanged(args):
        return None


    base = Thing("base", {"order": "start"})
    pulumi.runtime.register_resource_transform(marker("stack1"))
    outer = Group("outer", {"order": "start"}, opts=pulumi.ResourceOptions(transforms=[marker("outer")]))
    inner = Group("inner", {"order": "start"}, opts=pulumi.ResourceOptions(parent=outer, transforms=[marker("inner")]))
    pulumi.runtime.register_resource_transform(marker("stack2"))
    Thing("leaf", {"order": "start", "ref": base.id},
          opts=pulumi.ResourceOptions(parent=inner, transforms=[marker("own")]))
    Thing("follower", {"order": "start", "ref": base.id})
    Thing("kept", {"ref": base.id}, opts=pulumi.ResourceOptions(transforms=[unchanged]))
"""


@pytest.fixture(scope="module")
def order_run(tmp_path_factory):
    return run_program(tmp_path_factory.mktemp("order"), ORDER, name="order")


def test_transforms_run_own_then_ancestors_then_the_stacks_registered_so_far(order_run):
    registrations, _, _ = order_run
    assert {name: registration["inputs"].get("order") for name, registration in registrations.items()} == {
        "order-dev": None, "base": "start", "outer": "start,outer,stack1", "inner": "start,inner,outer,stack1",
        "leaf": "start,own,inner,outer,stack1,stack2", "follower": "start,stack1,stack2", "kept": None}


def test_dependencies_after_transforms_are_the_engines(order_run):
    """With transforms of its own, a resource keeps its dependsOn but its property dependencies are those of
    the returned values (none: the SDK serializes a result without them) unless its transforms return
    nothing; with stack transforms only, the request's are kept."""
    registrations, _, _ = order_run
    base = "urn:pulumi:dev::order::test:index:Thing::base"
    leaf, follower, kept = registrations["leaf"], registrations["follower"], registrations["kept"]
    assert (leaf["dependencies"], leaf["propertyDependencies"]) == ([base], {"order": [], "ref": []})
    assert (follower["dependencies"], follower["propertyDependencies"]) == ([base], {"order": [], "ref": [base]})
    assert (kept["dependencies"], kept["propertyDependencies"]) == ([base], {"ref": [base]})


OPTIONS = """
    east = pulumi.ProviderResource("test", "east", {"region": "east"})
    west = pulumi.ProviderResource("test", "west", {"region": "west"})


    def to_west(args):
        record({"name": args.name, "provider": type(args.opts.provider).__name__, "protect": args.opts.protect,
                "version": args.opts.version})
        args.opts.provider = west
        args.opts.version = "2.0.0"
        return pulumi.ResourceTransformResult(args.props, args.opts)


    guarded = Group("guarded", opts=pulumi.ResourceOptions(protect=True))
    Thing("moved", {"size": 1}, opts=pulumi.ResourceOptions(parent=guarded, provider=east, version="1.0.0",
                                                           transforms=[to_west]))


    async def observe(args):
        password, address = args.props["password"], args.props["address"]
        record({"name": args.name, "passwordSecret": await password.is_secret(),
                "addressKnown": await address.is_known(), "addressSecret": await address.is_secret()})
        return pulumi.ResourceTransformResult(
            {**args.props, "password": password.apply(lambda text: text.upper()), "note": "transformed"}, args.opts)


    source = Thing("source", {"size": 2})
    Thing("target", {"password": pulumi.Output.secret("hunter2"), "address": source.id},
          opts=pulumi.ResourceOptions(transforms=[observe]))
"""


@pytest.fixture(scope="module", params=["preview", "update"])
def options_run(request, tmp_path_factory):
    return request.param, run_program(tmp_path_factory.mktemp("options"), OPTIONS, request.param, name="options")


def test_a_transform_sees_and_changes_the_options_the_engine_sends(options_run):
    _, (registrations, seen, _) = options_run
    assert {"name": "moved", "provider": "DependencyProviderResource", "protect": True, "version": "1.0.0"} in seen
    moved = registrations["moved"]
    assert moved["provider"].startswith("urn:pulumi:dev::options::pulumi:providers:test::west::")
    assert moved["version"] == "2.0.0"


def test_secrets_stay_secret_and_unknowns_unknown_through_a_transform(options_run):
    phase, (registrations, seen, _) = options_run
    assert {"name": "target", "passwordSecret": True, "addressKnown": phase == "update",
            "addressSecret": False} in seen
    address = registrations["source"]["id"] if phase == "update" else UNKNOWN
    assert registrations["target"]["inputs"] == {"password": {**SECRET, "value": "HUNTER2"}, "address": address,
                                                 "note": "transformed"}


INVOKES = """
    ireland = pulumi.ProviderResource("aws", "ireland", {"region": "eu-west-1"})


    def organisation_alias(args):
        if args.token == "aws:kms/getAlias:getAlias" and args.args.get("name") == "alias/aws/appflow":
            return pulumi.InvokeTransformResult({**args.args, "name": "alias/acme-appflow"}, args.opts)
        return None


    def to_ireland(args):
        record({"token": args.token, "args": args.args, "provider": args.opts.provider is not None})
        if args.token == "aws:kms/getAlias:getAlias":
            args.opts.provider = ireland
            return pulumi.InvokeTransformResult(args.args, args.opts)
        return None


    pulumi.runtime.register_invoke_transform(organisation_alias)
    pulumi.runtime.register_invoke_transform(to_ireland)
    found = pulumi.runtime.invoke("aws:kms/getAlias:getAlias", {"name": "alias/aws/appflow"}).value
    record({"arn": found["arn"]})
"""


def test_invoke_transforms_run_in_order_and_their_arguments_and_provider_answer_the_invoke(tmp_path):
    _, seen, _ = run_program(tmp_path, INVOKES, name="invokes")
    assert seen == [{"token": "aws:kms/getAlias:getAlias", "args": {"name": "alias/acme-appflow"}, "provider": False},
                    {"arn": "arn:aws:kms:eu-west-1:123456789012:alias/acme-appflow"}]


def test_a_raising_resource_transform_fails_the_program_as_under_the_engine(tmp_path):
    source = """
        def needs_key(args):
            raise ValueError("flow orders has no customer managed key")


        Thing("orders", {"size": 1}, opts=pulumi.ResourceOptions(transforms=[needs_key]))
    """
    with pytest.raises(CheckError) as raised:
        run_program(tmp_path, source)
    message = str(raised.value)
    assert message.startswith("the program failed: Exception: invoke transform: rpc error: code = Unknown "
                              "desc = Invoke callback "), message
    assert message.endswith(" error: flow orders has no customer managed key (__main__.py:22)"), message


def test_a_raising_invoke_transform_fails_the_program_with_one_line_and_no_traceback(capsys, tmp_path):
    (tmp_path / "Pulumi.yaml").write_text("name: invokes\nruntime: python\n")
    (tmp_path / "__main__.py").write_text(textwrap.dedent("""
        import pulumi


        def refuse(args):
            raise RuntimeError(f"{args.token} is not allowed here")


        pulumi.runtime.register_invoke_transform(refuse)
        pulumi.runtime.invoke("aws:index/getRegion:getRegion", {})
    """))
    code = main(["check", str(tmp_path)])
    out, err = capsys.readouterr()
    assert (code, out, err.count("\n")) == (2, "", 1), err
    assert err.startswith("appflow-guard: the program failed: Exception: invoke of aws:index/getRegion:getRegion "
                          "failed: Invoke callback "), err
    assert err.endswith(" error: aws:index/getRegion:getRegion is not allowed here (__main__.py:6)\n"), err
    assert "Traceback" not in err


def test_hooks_the_checker_does_not_run_are_noted(tmp_path):
    source = """
        def audit(args):
            pass


        hook = pulumi.ResourceHook("audit-create", audit)
        Thing("audited", {"size": 1}, opts=pulumi.ResourceOptions(hooks=pulumi.ResourceHookBinding(before_create=[hook])))
    """
    registrations, _, notices = run_program(tmp_path, source)
    assert "audited" in registrations
    assert notices == ["resource hook audit-create: not run (the engine runs hooks around a provider's create, "
                       "update and delete; they do not change what the pack checks)"]
