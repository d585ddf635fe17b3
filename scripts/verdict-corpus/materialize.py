"""The verdict corpus: every Python "Example Usage" of the installed provider SDKs for the types the rules read.

For every resource type a rule of the pack reads (each rule module's READS, plus the types issue 19
names as ones a rule resolves a bucket, key or secret through), this script finds the resource's
module in the installed pulumi-aws and pulumi-aws-native SDKs and the data sources that read it
(get_<resource>, get_<resources>), takes every ```python block of their docstrings' "## Example
Usage" sections, and writes each distinct block as a Pulumi program:

    build/verdict-corpus/<id>/Pulumi.yaml     name <id>, runtime python
    build/verdict-corpus/<id>/__main__.py     the example, with the changes below
    build/verdict-corpus/<id>/changes.json    where it comes from and every change made to run it
    build/verdict-corpus/index.json           the programs, the examples left out (with why), the SDKs

The examples are code nobody here wrote; what it takes to run one is done here, by rule, and
recorded in its changes.json, never by hand:
- a name the example uses but never defines is bound to a placeholder (after the imports);
- a property a resource requires (its generated ``_internal_init`` raises TypeError without it) that the
  example leaves out is passed with a placeholder value of its SDK type;
- an attribute the example reads from a resource class that does not have it is read from the
  property ATTRIBUTE_REPAIRS names (the SDK's own documentation example is wrong there);
- a local file a FileAsset or FileArchive names is written with placeholder content;
- a stack config value the example requires is set in Pulumi.dev.yaml (and listed for the engine).
An example that imports a package that is not installed is left out, with the reason, in index.json.

Usage: python scripts/verdict-corpus/materialize.py [--output DIR]. The SDK versions are pinned:
another version is refused (the expected findings in tests/verdicts/ were written for these).
"""

from __future__ import annotations

import argparse
import ast
import builtins
import collections.abc
import fcntl
import hashlib
import importlib.util
import inspect
import json
import os
import re
import shutil
import sys
import tempfile
import textwrap
import typing
from dataclasses import dataclass, field
from importlib import metadata

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
DEFAULT_OUTPUT = os.path.join(REPO, "build", "verdict-corpus")

PINNED_SDKS = {"pulumi-aws": "7.51.1", "pulumi-aws-native": "1.84.0"}
SDK_PACKAGES = {"aws": ("pulumi-aws", "pulumi_aws"), "aws-native": ("pulumi-aws-native", "pulumi_aws_native")}

# Types a rule reaches a bucket, key or secret through (issue 19, item 2), beyond the rules' READS.
RESOLVED_THROUGH = ("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",)

# (class, attribute the example reads) -> the property that holds it in the SDK.
ATTRIBUTE_REPAIRS = {("pulumi_aws.s3.Bucket", "name"): "bucket"}

# Placeholder values for a subscript or attribute of an undefined name, by key; any other key gets the name.
PLACEHOLDER_VALUES = {
    "json": json.dumps({"Version": "2012-10-17", "Statement": []}),
    "arn": "arn:aws:iam::123456789012:policy/{name}",
}
PLACEHOLDER_FILE_TEXT = "placeholder written by scripts/verdict-corpus/materialize.py\n"
STACK = "dev"


@dataclass
class Example:
    """One distinct ```python block and where the SDK documents it."""

    code: str
    package: str          # pulumi-aws | pulumi-aws-native
    module: str           # path inside site-packages, e.g. pulumi_aws/appflow/flow.py
    documents: str        # the type token whose module (or data source) holds it
    title: str            # the "### ..." heading above the block, if any
    also_in: list = field(default_factory=list)


def rule_types() -> list[str]:
    """The type tokens the pack's rules read (READS), and the pass-through types: sorted."""
    sys.path.insert(0, os.path.join(REPO, "policy-pack"))
    from appflow_guard.pack import RULE_MODULES

    tokens = {token for module in RULE_MODULES for token in module.READS} | set(RESOLVED_THROUGH)
    return sorted(tokens)


def snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def package_dir(import_name: str) -> str:
    spec = importlib.util.find_spec(import_name)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"verdict-corpus: {import_name} is not installed in {sys.executable}")
    return list(spec.submodule_search_locations)[0]


def sdk_modules(token: str) -> list[tuple[str, str]]:
    """(package, module path relative to site-packages) of the type's resource module and data sources."""
    provider, module, name = token.split(":")
    if provider == "pulumi":  # pulumi:providers:aws, pulumi:providers:aws-native
        distribution, import_name = SDK_PACKAGES[name]
        return [(distribution, f"{import_name}/provider.py")]
    distribution, import_name = SDK_PACKAGES[provider]
    service, resource = module.split("/") if provider == "aws" else (module, name)
    stem = snake(resource)
    base = package_dir(import_name)
    path = os.path.join(base, service, f"{stem}.py")
    with open(path, encoding="utf-8") as handle:
        if f"'{token}'" not in handle.read():
            raise SystemExit(f"verdict-corpus: {path} does not define {token}")
    plural = f"{stem[:-1]}ies" if stem.endswith("y") else f"{stem}s"
    names = [f"{stem}.py", f"get_{stem}.py", f"get_{plural}.py"]
    return [(distribution, f"{import_name}/{service}/{name}") for name in names
            if os.path.isfile(os.path.join(base, service, name))]


def docstring_examples(source: str) -> list[tuple[str, str]]:
    """(title, code) of every ```python block under "## Example Usage" in the module's docstrings."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.Module)):
            continue
        doc = ast.get_docstring(node)
        start = doc.find("## Example Usage") if doc else -1
        if start < 0:
            continue
        end = doc.find("\n## ", start + 3)
        section = doc[start:end if end >= 0 else len(doc)]
        for match in re.finditer(r"```python\n(.*?)```", section, re.S):
            headings = re.findall(r"^#{3,} (.+)$", section[:match.start()], re.M)
            entry = (headings[-1].strip() if headings else "", match.group(1))
            if entry[1] not in [code for _, code in found]:
                found.append(entry)
    return found


def collect() -> tuple[list[tuple[str, Example]], dict[str, list[str]]]:
    """(id, example) for every distinct example, and the modules read per type (for the index)."""
    site = os.path.dirname(package_dir("pulumi_aws"))
    programs: list[tuple[str, Example]] = []
    by_code: dict[str, Example] = {}
    modules_read: dict[str, list[str]] = {}
    for token in rule_types():
        for distribution, module in sdk_modules(token):
            modules_read.setdefault(token, []).append(module)
            with open(os.path.join(site, module), encoding="utf-8") as handle:
                blocks = docstring_examples(handle.read())
            fresh = []
            for title, code in blocks:
                if code in by_code:
                    if module not in by_code[code].also_in and module != by_code[code].module:
                        by_code[code].also_in.append(module)
                    continue
                example = Example(code, distribution, module, token, title)
                by_code[code] = example
                fresh.append(example)
            prefix = "aws-native" if distribution == "pulumi-aws-native" else "aws"
            parts = module[:-3].split("/")[1:]
            base_id = "-".join([prefix, *[part.replace("_", "-") for part in parts]])
            for number, example in enumerate(fresh, 1):
                programs.append((base_id if len(fresh) == 1 else f"{base_id}-{number}", example))
    return programs, modules_read


# Making an example run ---------------------------------------------------------------------------


def _import_aliases(tree: ast.Module) -> dict[str, str]:
    aliases = {}
    for node in tree.body:
        if isinstance(node, ast.Import):
            for alias in node.names:
                aliases[alias.asname or alias.name] = alias.name
    return aliases


def _dotted(node: ast.AST) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        return ".".join([node.id, *reversed(parts)])
    return None


def missing_imports(tree: ast.Module) -> list[str]:
    modules = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
    modules += [node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module]
    return [name for name in modules if importlib.util.find_spec(name.split(".")[0]) is None]


def undefined_names(tree: ast.Module) -> list[str]:
    """Names the example loads but never binds (and that are not builtins), in order of first use."""
    bound = set(dir(builtins))
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            bound.add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, ast.comprehension):
            bound.update(name.id for name in ast.walk(node.target) if isinstance(name, ast.Name))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id not in bound:
            if node.id not in names:
                names.append(node.id)
    return names


def placeholder(tree: ast.Module, name: str) -> object:
    """A value for an undefined name: a dict of the keys (subscripts, attributes) the example reads on it."""
    keys = []
    for node in ast.walk(tree):
        target = None
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == name \
                and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
            target = node.slice.value
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == name:
            target = node.attr
        if target is not None and target not in keys:
            keys.append(target)
    if not keys:
        return name
    return {key: PLACEHOLDER_VALUES.get(key, "{name}").replace("{name}", name) for key in keys}


def resource_classes(tree: ast.Module, aliases: dict[str, str]) -> dict[str, str]:
    """Variable -> the SDK class it was assigned from (``x = aws.s3.Bucket(...)`` -> pulumi_aws.s3.Bucket)."""
    classes = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) \
                and isinstance(node.value, ast.Call):
            dotted = _dotted(node.value.func)
            if dotted and dotted.split(".")[0] in aliases:
                head, *rest = dotted.split(".")
                classes[node.targets[0].id] = ".".join([aliases[head], *rest])
    return classes


def _sdk_class(dotted: str) -> type | None:
    module_name, _, class_name = dotted.rpartition(".")
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return None
    cls = getattr(module, class_name, None)
    return cls if isinstance(cls, type) else None


def sdk_attribute(dotted_class: str, attribute: str) -> bool | None:
    """Whether the SDK class has ``attribute``; None when the class cannot be imported."""
    cls = _sdk_class(dotted_class)
    return None if cls is None else hasattr(cls, attribute)


def attribute_repairs(tree: ast.Module, aliases: dict[str, str]) -> list[dict]:
    """Reads of attributes the resource's class does not have, with the property that holds them."""
    classes = resource_classes(tree, aliases)
    repairs = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in classes:
            dotted_class = classes[node.value.id]
            if sdk_attribute(dotted_class, node.attr) is False:
                replacement = ATTRIBUTE_REPAIRS.get((dotted_class, node.attr))
                repairs.append({"node": node, "class": dotted_class, "attribute": node.attr, "to": replacement})
    return repairs


def typed_placeholder(annotation: object, name: str, namespace: dict, depth: int = 0) -> object:
    """A value of the annotated input type: a string, True, 1, an empty list or map, or an Args
    object's required fields (recursively), as a plain dict."""
    while typing.get_origin(annotation) is typing.Union:
        annotation = typing.get_args(annotation)[0]
    if isinstance(annotation, typing.ForwardRef):
        annotation = namespace.get(annotation.__forward_arg__, annotation)
    origin = typing.get_origin(annotation)
    if annotation is str:
        return f"placeholder-{name}"
    if annotation is bool:
        return True
    if annotation in (int, float):
        return 1
    if origin in (collections.abc.Sequence, list):
        return []
    if origin in (collections.abc.Mapping, dict):
        return {}
    if isinstance(annotation, type) and depth < 4:
        return {field: typed_placeholder(hint, field, vars(sys.modules[annotation.__module__]), depth + 1)
                for field, hint in required_parameters(annotation).items()}
    raise ValueError(f"no placeholder for {name}: {annotation!r}")


def required_parameters(args_class: type) -> dict:
    """Parameter -> annotation of the ``__init__`` parameters without a default."""
    signature = inspect.signature(args_class.__init__)
    return {name: parameter.annotation for name, parameter in signature.parameters.items()
            if name != "__self__" and parameter.default is inspect.Parameter.empty
            and parameter.kind not in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)}


def required_properties(cls: type) -> dict:
    """Parameter -> annotation of the properties a resource class raises TypeError without: the
    ``if <name> is None and not opts.urn: raise TypeError("Missing required property ...")`` checks of its
    generated ``_internal_init``."""
    init = getattr(cls, "_internal_init", None)
    if init is None:
        return {}
    parameters = inspect.signature(init).parameters
    required = {}
    for node in ast.walk(ast.parse(textwrap.dedent(inspect.getsource(init)))):
        if isinstance(node, ast.If) and any(isinstance(statement, ast.Raise) for statement in node.body):
            test = node.test.values[0] if isinstance(node.test, ast.BoolOp) else node.test
            if isinstance(test, ast.Compare) and isinstance(test.left, ast.Name) \
                    and isinstance(test.ops[0], ast.Is) and test.left.id in parameters:
                required[test.left.id] = parameters[test.left.id].annotation
    return required


def missing_arguments(tree: ast.Module, aliases: dict[str, str]) -> list[dict]:
    """Per SDK resource call, the required properties the example leaves out (the SDK raises TypeError
    without them), each with a placeholder value of its type."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or len(node.args) > 1:
            continue
        dotted = _dotted(node.func)
        if not dotted or dotted.split(".")[0] not in aliases:
            continue
        head, *rest = dotted.split(".")
        dotted = ".".join([aliases[head], *rest])
        cls = _sdk_class(dotted) if dotted.startswith(tuple(f"{name}." for _, name in SDK_PACKAGES.values())) else None
        if cls is None:
            continue
        given = {keyword.arg for keyword in node.keywords}
        namespace = vars(sys.modules[cls.__module__])
        arguments = {name: typed_placeholder(annotation, name, namespace)
                     for name, annotation in required_properties(cls).items() if name not in given}
        if arguments:
            found.append({"node": node, "call": dotted, "arguments": arguments})
    return found


def local_files(tree: ast.Module, aliases: dict[str, str]) -> list[tuple[str, str]]:
    """(kind, path) of the local files the example's FileAsset / FileArchive literals name."""
    pulumi_names = {name for name, module in aliases.items() if module == "pulumi"}
    files = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) \
                and isinstance(node.args[0].value, str):
            dotted = _dotted(node.func) or ""
            head, _, kind = dotted.rpartition(".")
            if head in pulumi_names and kind in ("FileAsset", "FileArchive"):
                files.append((kind, node.args[0].value))
    return files


def required_config(tree: ast.Module) -> list[str]:
    """Keys read with Config.require / require_secret / require_object (the program fails without them)."""
    keys = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr in ("require", "require_secret", "require_object") and node.args \
                and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
            if node.args[0].value not in keys:
                keys.append(node.args[0].value)
    return keys


def _offset(lines: list[str], lineno: int, col: int) -> int:
    """The character offset in the code of ast's (line, UTF-8 byte column)."""
    return sum(len(line) for line in lines[:lineno - 1]) + len(lines[lineno - 1].encode()[:col].decode())


def runnable(program_id: str, example: Example) -> tuple[str | None, dict]:
    """(the program's code, or None when it cannot be run here, and its change log)."""
    log = {"id": program_id, "source": {
        "package": example.package, "version": PINNED_SDKS[example.package], "module": example.module,
        "documents": example.documents, "title": example.title, "alsoDocumentedIn": example.also_in},
        "changes": [], "files": {}, "config": {}}
    tree = ast.parse(example.code)
    missing = missing_imports(tree)
    if missing:
        log["notMaterialized"] = f"imports {', '.join(missing)}, which is not installed (not a dependency of this project)"
        return None, log
    aliases = _import_aliases(tree)
    code = example.code
    lines = code.splitlines(keepends=True)
    edits = []
    for repair in attribute_repairs(tree, aliases):
        node = repair["node"]
        if repair["to"] is None:
            log["notMaterialized"] = f"reads {repair['class']}.{repair['attribute']}, which the SDK class does not have"
            return None, log
        start = _offset(lines, node.end_lineno, node.end_col_offset) - len(node.attr)
        edits.append((start, start + len(node.attr), repair["to"]))
        log["changes"].append({"kind": "attribute", "line": node.lineno,
                               "from": f"{node.value.id}.{node.attr}", "to": f"{node.value.id}.{repair['to']}",
                               "why": f"{repair['class']} has no attribute {repair['attribute']!r}"})
    for missing in missing_arguments(tree, aliases):
        node = missing["node"]
        end = _offset(lines, node.end_lineno, node.end_col_offset) - 1  # the closing parenthesis
        separator = "" if code[:end].rstrip().endswith((",", "(")) else ", "
        edits.append((end, end, separator + ", ".join(f"{name}={value!r}" for name, value in missing["arguments"].items())))
        log["changes"].append({"kind": "arguments", "line": node.lineno, "call": missing["call"],
                               "arguments": missing["arguments"],
                               "why": "required by the resource (the SDK raises TypeError without them); the example "
                                      "leaves them out"})
    for start, end, text in sorted(edits, key=lambda edit: edit[0], reverse=True):
        code = code[:start] + text + code[end:]
    bindings = []
    for name in undefined_names(tree):
        value = placeholder(tree, name)
        bindings.append(f"{name} = {value!r}\n")
        log["changes"].append({"kind": "placeholder", "name": name, "value": value,
                               "why": "the example uses it but never defines it"})
    if bindings:
        last_import = max((node.end_lineno for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))),
                          default=0)
        lines = code.splitlines(keepends=True)
        inserted = ["# Placeholders for names the example uses but never defines (see changes.json).\n", *bindings]
        code = "".join(lines[:last_import] + inserted + lines[last_import:])
        for change in log["changes"]:  # lines of the program as written, after the inserted ones
            if change["kind"] in ("attribute", "arguments") and change["line"] > last_import:
                change["line"] += len(inserted)
        log["changes"][-len(bindings):] = [dict(change, line=last_import + 2 + index) for index, change
                                           in enumerate(log["changes"][-len(bindings):])]
    for kind, path in local_files(tree, aliases):
        log["files"][path if kind == "FileAsset" else os.path.join(path, "placeholder.txt")] = PLACEHOLDER_FILE_TEXT
        log["changes"].append({"kind": "file", "path": path, "why": f"pulumi.{kind}({path!r}) names a local file"})
    for key in required_config(tree):
        log["config"][key] = f"placeholder-{key}"
        log["changes"].append({"kind": "config", "key": key, "value": f"placeholder-{key}",
                               "why": f"the example calls Config.require({key!r})"})
    return code, log


def write_program(folder: str, program_id: str, code: str, log: dict) -> None:
    os.makedirs(folder)
    with open(os.path.join(folder, "Pulumi.yaml"), "w", encoding="utf-8") as handle:
        description = f"{log['source']['module']} Example Usage ({log['source']['package']} {log['source']['version']})"
        handle.write(f"name: {program_id}\ndescription: {json.dumps(description)}\nruntime:\n  name: python\n"
                     "  options:\n    toolchain: pip\n")
    with open(os.path.join(folder, "__main__.py"), "w", encoding="utf-8") as handle:
        handle.write(code)
    for path, text in log["files"].items():
        target = os.path.join(folder, path)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "w", encoding="utf-8") as handle:
            handle.write(text)
    if log["config"]:
        with open(os.path.join(folder, f"Pulumi.{STACK}.yaml"), "w", encoding="utf-8") as handle:
            handle.write("config:\n" + "".join(f"  {program_id}:{key}: {json.dumps(value)}\n"
                                               for key, value in log["config"].items()))
    with open(os.path.join(folder, "changes.json"), "w", encoding="utf-8") as handle:
        json.dump(log, handle, indent=2)
        handle.write("\n")


def check_versions() -> dict[str, str]:
    found = {}
    for distribution, pinned in PINNED_SDKS.items():
        try:
            found[distribution] = metadata.version(distribution)
        except metadata.PackageNotFoundError:
            raise SystemExit(f"verdict-corpus: {distribution} is not installed in {sys.executable}") from None
        if found[distribution] != pinned:
            raise SystemExit(f"verdict-corpus: {distribution} {found[distribution]} is installed; the corpus "
                             f"and its expected findings are for {pinned}")
    return found


def fingerprint() -> str:
    """Changes when this script or an SDK version changes: a corpus with the same one is up to date."""
    with open(os.path.abspath(__file__), "rb") as handle:
        digest = hashlib.sha256(handle.read())
    digest.update(json.dumps(check_versions(), sort_keys=True).encode())
    digest.update(json.dumps(rule_types()).encode())
    return digest.hexdigest()


def materialize(output: str = DEFAULT_OUTPUT) -> dict:
    """Write the corpus into ``output`` (replaced as a whole, unless it is already up to date); the index.
    Concurrent callers (pytest-xdist workers) take turns on a lock file beside it."""
    os.makedirs(os.path.dirname(os.path.abspath(output)), exist_ok=True)
    with open(os.path.abspath(output) + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _materialize(output)


def _materialize(output: str) -> dict:
    stamp = fingerprint()
    index_path = os.path.join(output, "index.json")
    if os.path.isfile(index_path):
        with open(index_path, encoding="utf-8") as handle:
            index = json.load(handle)
        if index.get("fingerprint") == stamp:
            return index
    parent = os.path.dirname(os.path.abspath(output))
    staging = tempfile.mkdtemp(prefix=".verdict-corpus-", dir=parent)
    examples, modules_read = collect()
    index = {"fingerprint": stamp, "sdks": check_versions(), "modulesRead": modules_read,
             "programs": [], "notMaterialized": []}
    for program_id, example in examples:
        code, log = runnable(program_id, example)
        if code is None:
            index["notMaterialized"].append({"id": program_id, "module": example.module, "why": log["notMaterialized"]})
            continue
        write_program(os.path.join(staging, program_id), program_id, code, log)
        index["programs"].append(program_id)
    with open(os.path.join(staging, "index.json"), "w", encoding="utf-8") as handle:
        json.dump(index, handle, indent=2)
        handle.write("\n")
    if os.path.isdir(output):
        retired = tempfile.mkdtemp(prefix=".verdict-corpus-old-", dir=parent)
        os.rename(output, os.path.join(retired, "corpus"))
        shutil.rmtree(retired, ignore_errors=True)
    os.rename(staging, output)
    return index


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", default=DEFAULT_OUTPUT, help="corpus folder (default build/verdict-corpus)")
    options = parser.parse_args()
    index = materialize(options.output)
    print(f"{len(index['programs'])} programs in {options.output}; {len(index['notMaterialized'])} examples left out")
    for entry in index["notMaterialized"]:
        print(f"  left out: {entry['id']} ({entry['module']}): {entry['why']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
