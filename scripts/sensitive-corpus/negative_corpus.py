"""The negative corpus of the sensitive-data rule: names, descriptions and tags nobody here wrote.

Materialized at test time from the installed, pinned pulumi-aws, pulumi-aws-native and pulumi-gcp
SDKs, never committed. Their docstrings carry the registry's "Example Usage" code; each ```python
block is decoded from its docstring literal, dedented and parsed with ``ast`` (a block that does not
parse falls back to a conservative line scan). Kept are string constants only, of these fields:

- the logical name of a resource (``aws.s3.Bucket("example", ...)``, ``gcp.storage.Bucket("site")``);
- ``name=``, ``description=``, ``label=``, ``*_name=`` (``display_name``, ``friendly_name``),
  ``*_description=`` and ``*_label=`` arguments, and the same keys of dictionary arguments
  (``{"name": ...}`` of nested input types);
- the keys and values of tags: ``tags`` and ``*_tags`` (a dictionary, aws-native's list of
  ``{"key", "value"}``, or GCP's list of network tags) and GCP's ``labels`` and ``*_labels`` (GCP's
  word for tags: a dictionary).

Every AppFlow connector type is added, combined with common resource words of that same corpus by
the rule in ``connector_names``. A value the SDK text holds that is genuinely sensitive (a
real-looking email address in a description) is left out with its reason (``EXCLUDED``), never
silently; the corpus test checks that each exclusion is still extracted and is detected.

  .venv/bin/python scripts/sensitive-corpus/negative_corpus.py [--list]   # sizes; --list prints every value
"""

from __future__ import annotations

import ast
import importlib.util
import os
import re
import sys
import textwrap
from collections import Counter
from dataclasses import dataclass, field

SDK_PACKAGES = ("pulumi_aws", "pulumi_aws_native", "pulumi_gcp")
_BLOCK = re.compile(r"```python\n(.*?)```", re.S)
_FALLBACK_FIELD = re.compile(r"\b(name|description|label|\w+_name|\w+_description|\w+_label)\s*=\s*\"([^\"\\\n]*)\"")
_FALLBACK_RESOURCE = re.compile(r"\b(?:aws|aws_native|gcp)\.[\w.]+\(\s*\"([^\"\\\n]*)\"")
_FALLBACK_TAGS = re.compile(r"\b(?:\w+_)?(?:tags|labels)\s*=\s*\{([^{}]*)\}")
_FALLBACK_PAIR = re.compile(r"\"([^\"\\\n]*)\"\s*:\s*\"([^\"\\\n]*)\"")
_NATIVE_ENUM = re.compile(r"class (?:ConnectorProfileConnectorType|FlowConnectorType)\(.*?\n\n\n", re.S)
_NATIVE_ENUM_VALUE = re.compile(r"=\s*\"([A-Za-z0-9]+)\"")
_CLASSIC_VALID_VALUES = re.compile(r"connector_type: Type of connector[^.]*\. Valid values are ((?:`\w+`(?:, | and |, and )?)+)")

# Values of the SDK text that are sensitive by the rule's definition: left out, each with its reason.
EXCLUDED: dict[str, str] = {
    "john.doe@example.com": "a person's email address (pulumi-aws identitystore.GroupMembership's example, "
                            "user_name): sensitive by the rule's definition, so a positive, not a negative",
    # pulumi-gcp 10.2.0: email addresses, which the AWS page names as what never goes into a tag or a
    # name field, whatever the service that reads them.
    "address@example.com": "an email address as a GCP label (pulumi-gcp billing.Budget's notification channel, "
                           "labels.email_address): sensitive by the rule's definition",
    "fake_email@blahblah.com": "an email address as a GCP label (pulumi-gcp monitoring.NotificationChannel's "
                               "example, labels.email_address): sensitive by the rule's definition",
    "my@service-account.com": "an email address as a tag value (pulumi-gcp container.AwsCluster's example, "
                              "tags.owner; also its admin user name): sensitive by the rule's definition",
    "me@example.com": "a person's email address as a name (pulumi-gcp sql.User's CLOUD_IAM_USER example): "
                      "sensitive by the rule's definition",
    "iam_group@example.com": "a group's email address as a name (pulumi-gcp sql.User's CLOUD_IAM_GROUP example): "
                             "sensitive by the rule's definition",
    "account-used-to-apply-this-config@example.com": "an account's email address as a name (pulumi-gcp "
                                                     "sql.ProvisionScript's example, sql.User name): sensitive by "
                                                     "the rule's definition",
}

# How many of the corpus's most frequent words are combined with each connector type.
CONNECTOR_WORDS = 40


@dataclass
class Corpus:
    """Distinct values with where each was first seen, and what was left out and why."""

    values: dict[str, str] = field(default_factory=dict)  # value -> origin ("path:field" or "connectors")
    excluded: dict[str, str] = field(default_factory=dict)  # value -> origin
    blocks: int = 0  # every ```python block of the SDKs
    distinct_blocks: int = 0  # a class's docstring is repeated in its constructors' overloads
    parsed_blocks: int = 0  # the distinct blocks ast parses; the others are scanned by line
    connectors: tuple[str, ...] = ()
    words: tuple[str, ...] = ()

    def by_source(self) -> Counter:
        """Distinct values per SDK package (where each was first seen) and "connectors"."""
        return Counter(origin.split("/", 1)[0] if origin != "connectors" else origin
                       for origin in self.values.values())

    def from_sdk(self) -> list[str]:
        """The values of the SDKs' text, the connector names left aside."""
        return [value for value, origin in self.values.items() if origin != "connectors"]

    def add(self, value: str, origin: str) -> None:
        if not isinstance(value, str) or not value.strip():
            return
        if value in EXCLUDED:
            self.excluded.setdefault(value, origin)
        else:
            self.values.setdefault(value, origin)


def site_packages() -> str:
    """Where this environment's pinned pulumi-aws is installed (found, not imported: that takes seconds)."""
    spec = importlib.util.find_spec("pulumi_aws")
    if spec is None or not spec.origin:
        raise SystemExit("pulumi-aws is not installed in this environment (make install)")
    return os.path.dirname(os.path.dirname(spec.origin))


def _decode(raw: str) -> str:
    """The docstring text of a block, escapes resolved as Python reads the literal."""
    if "\\" not in raw:
        return raw
    try:
        return ast.literal_eval('"""' + raw + '"""')
    except (SyntaxError, ValueError):
        return raw


def _is_name_field(key: str) -> bool:
    return key in ("name", "description", "label") or key.endswith(("_name", "_description", "_label"))


def _is_tag_field(key: str) -> bool:
    """AWS's tags, GCP's labels (its tags) and network tags, and their variants (user_labels, target_tags)."""
    return key in ("tags", "labels") or key.endswith(("_tags", "_labels"))


def _strings(node) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _tags(node, origin: str, corpus: Corpus) -> None:
    if isinstance(node, ast.Dict):
        for key, value in zip(node.keys, node.values):
            corpus.add(_strings(key) if key is not None else None, f"{origin}:tag key")
            corpus.add(_strings(value), f"{origin}:tag value")
    elif isinstance(node, (ast.List, ast.Tuple)):
        for item in node.elts:
            corpus.add(_strings(item), f"{origin}:tag")  # GCP's network tags: a list of strings
            if isinstance(item, ast.Dict):
                pairs = {_strings(key): value for key, value in zip(item.keys, item.values) if key is not None}
                corpus.add(_strings(pairs.get("key")), f"{origin}:tag key")
                corpus.add(_strings(pairs.get("value")), f"{origin}:tag value")


def _is_resource_class(func) -> bool:
    """``provider.module.Class``: a resource (or component) whose first argument is its logical name."""
    if not isinstance(func, ast.Attribute) or not func.attr[:1].isupper():
        return False
    root = func
    while isinstance(root, ast.Attribute):
        root = root.value
    return isinstance(root, ast.Name) and root.id != "pulumi"  # pulumi.FileArchive("path"), pulumi.Config(...)


def _from_tree(tree: ast.AST, origin: str, corpus: Corpus) -> None:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            if _is_resource_class(node.func) and node.args:
                corpus.add(_strings(node.args[0]), f"{origin}:resource name")
            for keyword in node.keywords:
                if keyword.arg and _is_tag_field(keyword.arg):
                    _tags(keyword.value, origin, corpus)
                elif keyword.arg and _is_name_field(keyword.arg):
                    corpus.add(_strings(keyword.value), f"{origin}:{keyword.arg}")
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values):
                name = _strings(key) if key is not None else None
                if name and _is_tag_field(name):
                    _tags(value, origin, corpus)
                elif name and _is_name_field(name):
                    corpus.add(_strings(value), f"{origin}:{name}")


def _from_lines(code: str, origin: str, corpus: Corpus) -> None:
    """A block Python cannot parse: only plain double-quoted literals on one line."""
    for match in _FALLBACK_RESOURCE.finditer(code):
        corpus.add(match.group(1), f"{origin}:resource name (line scan)")
    for match in _FALLBACK_FIELD.finditer(code):
        corpus.add(match.group(2), f"{origin}:{match.group(1)} (line scan)")
    for tags in _FALLBACK_TAGS.finditer(code):
        for pair in _FALLBACK_PAIR.finditer(tags.group(1)):
            corpus.add(pair.group(1), f"{origin}:tag key (line scan)")
            corpus.add(pair.group(2), f"{origin}:tag value (line scan)")


def _python_files(root: str):
    for directory, subdirectories, files in os.walk(root):
        subdirectories[:] = sorted(name for name in subdirectories if name != "__pycache__")
        for name in sorted(files):
            if name.endswith(".py"):
                yield os.path.join(directory, name)


def connector_types(packages: str) -> tuple[str, ...]:
    """Every AppFlow connector type either SDK names: aws-native's enums and pulumi-aws's docs."""
    found: list[str] = []
    with open(os.path.join(packages, "pulumi_aws_native", "appflow", "_enums.py"), encoding="utf-8") as handle:
        for enum in _NATIVE_ENUM.finditer(handle.read()):
            found += _NATIVE_ENUM_VALUE.findall(enum.group(0))
    with open(os.path.join(packages, "pulumi_aws", "appflow", "_inputs.py"), encoding="utf-8") as handle:
        for listing in _CLASSIC_VALID_VALUES.finditer(handle.read()):
            found += re.findall(r"`(\w+)`", listing.group(1))
    return tuple(sorted(set(found)))


def common_words(values, count: int) -> tuple[str, ...]:
    """The ``count`` most frequent lower-case words (3+ letters) of the corpus, ties alphabetical."""
    words = Counter(word.lower() for value in values for word in re.findall(r"[A-Za-z][a-z]{2,}", value))
    return tuple(word for word, _ in sorted(words.items(), key=lambda item: (-item[1], item[0]))[:count])


def connector_names(connectors, words) -> list[str]:
    """Each connector type (as written, and lower case) with each word, in the shapes names take.

    For connector C (lower case c) and word w (W capitalised): "c-w", "w-c-profile", "c-to-s3-w",
    "CW", "w_c"; and per connector: "c-to-s3-daily-flow", "c-task-definition",
    "c-task-execution-role", "Copies C records to S3 every day".
    """
    names = []
    for connector in connectors:
        lower = connector.lower()
        for word in words:
            names += [f"{lower}-{word}", f"{word}-{lower}-profile", f"{lower}-to-s3-{word}",
                      f"{connector}{word.capitalize()}", f"{word}_{lower}"]
        names += [f"{lower}-to-s3-daily-flow", f"{lower}-task-definition", f"{lower}-task-execution-role",
                  f"Copies {connector} records to S3 every day"]
    return names


def build(packages: str | None = None) -> Corpus:
    packages = packages or site_packages()
    corpus = Corpus()
    seen: set[str] = set()
    seen_raw: set[str] = set()  # the same literal text needs no second decoding (most repeats are verbatim)
    for package in SDK_PACKAGES:
        for path in _python_files(os.path.join(packages, package)):
            with open(path, "rb") as handle:
                data = handle.read()
            if b"```python" not in data:
                continue
            text = data.decode("utf-8")
            relative = os.path.relpath(path, packages)
            for block in _BLOCK.finditer(text):
                corpus.blocks += 1
                if block.group(1) in seen_raw:
                    continue
                seen_raw.add(block.group(1))
                code = textwrap.dedent(_decode(block.group(1)))
                if code in seen:
                    continue
                seen.add(code)
                corpus.distinct_blocks += 1
                origin = f"{relative}:{text.count(chr(10), 0, block.start()) + 1}"
                try:
                    tree = ast.parse(code)
                except SyntaxError:
                    _from_lines(code, origin, corpus)
                    continue
                corpus.parsed_blocks += 1
                _from_tree(tree, origin, corpus)
    corpus.connectors = connector_types(packages)
    corpus.words = common_words(corpus.values, CONNECTOR_WORDS)
    for name in connector_names(corpus.connectors, corpus.words):
        corpus.add(name, "connectors")
    return corpus


def main(argv: list[str]) -> int:
    corpus = build()
    from_sdk = len(corpus.from_sdk())
    sources = corpus.by_source()
    print(f"{len(corpus.values)} distinct values: {from_sdk} from {corpus.blocks} example blocks "
          f"({corpus.distinct_blocks} distinct, {corpus.parsed_blocks} parsed, the rest scanned by line; "
          + ", ".join(f"{package} {sources[package]}" for package in SDK_PACKAGES)
          + f"), {sources['connectors']} connector names "
          f"({len(corpus.connectors)} connector types x {len(corpus.words)} words); {len(corpus.excluded)} left out")
    for value, origin in sorted(corpus.excluded.items()):
        print(f"left out: {origin}: {EXCLUDED[value]}")
    if "--list" in argv:
        for value, origin in corpus.values.items():
            print(f"{origin}\t{value!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
