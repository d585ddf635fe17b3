"""The AWS page, sentence by sentence: the rules that enforce each sentence, or why no rule can.

The page is the copy in ``seed/`` inside this package (the project's seed, byte for byte), so a
fresh clone and an installed wheel read the same text. How it is cut up:

- Blocks are separated by blank lines. A block that starts with ``{`` is the page's IAM policy
  excerpt (code: the sentence that introduces it carries it). A one-line block that does not end
  with ``.``, ``:``, ``?`` or ``!`` is a heading (the page title, section titles). Every other
  block is prose; a list item loses its bullet.
- Prose splits into sentences after ``.``, ``?`` or ``!`` followed by white space and a capital
  letter (the page has no abbreviations; "TLS 1.2" has no space after its dot).
- A sentence *asks* something of the reader (a recommendation) when it says so (recommend,
  require, should, must) or its main clause is an imperative: it starts with one of
  IMPERATIVE_VERBS once a leading "If ...,", "When ..." or "To ...," clause is skipped. A pointer to
  further reading ("see ...") asks nothing of the infrastructure.

Each rule module lists the sentences it enforces, verbatim, in ``ENFORCES``. Every sentence of the
page gets rules from those lists or one reason from SENTENCE_REASONS, never both; a sentence that
asks something may only take a reason made for requests (REASONS' ``for_requests``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from types import ModuleType
from typing import Iterable, Mapping, Optional

from .pack import RULE_MODULES

PAGE = "seed/appflow-data-protection.txt"
TABLE_START = "<!-- traceability-table:start -->"
TABLE_END = "<!-- traceability-table:end -->"

BULLET = "\u2022"
SENTENCE_BREAK = re.compile(r"(?<=[.?!])\s+(?=[A-Z])")
ASKING_WORDS = re.compile(r"\b(?:recommend|require|should|must)\b", re.IGNORECASE)
LEADING_CLAUSE = re.compile(r"^(?:If|When|To)\b[^,]*,\s*")
IMPERATIVE_VERBS = frozenset({"use", "set", "grant", "enable", "turn", "protect", "configure", "create", "never"})


@dataclass(frozen=True)
class Reason:
    text: str
    for_requests: bool  # may a sentence that asks something take it (False: it only fits statements)


REASONS = {
    "aws-behaviour": Reason("Describes what AWS does; a program has nothing to set for it.", False),
    "shared-responsibility": Reason(
        "States the shared responsibility model; the sentences that ask something spell out the "
        "customer's part, each with its rules.", False),
    "definition": Reason(
        "Says what a connection and its credentials hold; the sentences about protecting them carry the rules.",
        False),
    "further-reading": Reason("Points to further reading.", False),
    "list-introduction": Reason("Introduces the list that follows; each item has its own row.", True),
}

# Sentences no rule enforces, each with the key of its reason in REASONS.
SENTENCE_REASONS = {
    "The AWS shared responsibility model applies to data protection in Amazon AppFlow.": "shared-responsibility",
    "As described in this model, AWS is responsible for protecting the global infrastructure that runs all of "
    "the AWS Cloud.": "aws-behaviour",
    "You are responsible for maintaining control over your content that is hosted on this infrastructure.":
        "shared-responsibility",
    "You are also responsible for the security configuration and management tasks for the AWS services that "
    "you use.": "shared-responsibility",
    "For more information about data privacy, see the Data Privacy FAQ.": "further-reading",
    "For information about data protection in Europe, see the AWS Shared Responsibility Model and GDPR blog "
    "post on the AWS Security Blog.": "further-reading",
    "We also recommend that you secure your data in the following ways:": "list-introduction",
    "For more information about the available FIPS endpoints, see Federal Information Processing Standard "
    "(FIPS) 140-2.": "further-reading",
    "Any data that you enter into tags or free-form text fields used for names may be used for billing or "
    "diagnostic logs.": "aws-behaviour",
    "When you configure an SaaS application as a source or destination, you create a connection.": "definition",
    "This includes information required for connecting to the SaaS applications, such as authentication "
    "tokens, user names, and passwords.": "definition",
    "When you delete a connection, all its metadata is permanently deleted.": "aws-behaviour",
    "This intermediate bucket is deleted after 7 days, using a bucket lifecycle policy.": "aws-behaviour",
    "For more information, see Private Amazon AppFlow flows.": "further-reading",
    "These credentials include OAuth tokens, Application and API keys, and passwords.": "definition",
    "The AmazonAppFlowFullAccess policy includes these permissions.": "aws-behaviour",
}


@dataclass(frozen=True)
class Sentence:
    number: int  # 1-based, in page order
    section: str  # the heading above it
    text: str
    asks: bool


@dataclass(frozen=True)
class Row:
    sentence: Sentence
    rules: tuple[str, ...]
    reason: Optional[str]  # a key of REASONS


def page_text() -> str:
    return resources.files(__package__).joinpath(PAGE).read_text(encoding="utf-8")


def blocks(page: str) -> list[tuple[str, str]]:
    """The page's blocks as (kind, text), kind heading, prose or code (see the module docstring)."""
    result = []
    for block in re.split(r"\n[ \t]*\n", page.strip()):
        block = block.strip()
        if not block:
            continue
        if block.startswith("{"):
            result.append(("code", block))
        elif block.startswith(BULLET):
            result.append(("prose", block[len(BULLET):].strip()))
        elif "\n" not in block and not block.endswith((".", ":", "?", "!")):
            result.append(("heading", block))
        else:
            result.append(("prose", block))
    return result


def asks(sentence: str) -> bool:
    """Whether the sentence asks something of the reader (see the module docstring)."""
    if ASKING_WORDS.search(sentence):
        return True
    main_clause = LEADING_CLAUSE.sub("", sentence)
    first_word = main_clause.split(maxsplit=1)[0].lower() if main_clause.strip() else ""
    return first_word in IMPERATIVE_VERBS


def sentences(page: Optional[str] = None) -> list[Sentence]:
    """Every sentence of the page's prose, numbered in page order, with its section."""
    section, result = "", []
    for kind, text in blocks(page_text() if page is None else page):
        if kind == "heading":
            section = text
        elif kind == "prose":
            for part in SENTENCE_BREAK.split(text):
                result.append(Sentence(len(result) + 1, section, part, asks(part)))
    return result


def rules_by_sentence(rule_modules: Iterable[ModuleType]) -> dict[str, tuple[str, ...]]:
    """Sentence -> the names of the rules whose ENFORCES lists it, in registry order."""
    result: dict[str, tuple[str, ...]] = {}
    for module in rule_modules:
        for sentence in module.ENFORCES:
            result[sentence] = result.get(sentence, ()) + (module.POLICY.name,)
    return result


def rows(rule_modules: Iterable[ModuleType] = RULE_MODULES, reasons: Mapping[str, str] = SENTENCE_REASONS,
         page: Optional[str] = None) -> list[Row]:
    enforced = rules_by_sentence(rule_modules)
    return [Row(sentence, enforced.get(sentence.text, ()), reasons.get(sentence.text))
            for sentence in sentences(page)]


def problems(table: Iterable[Row]) -> list[str]:
    """What keeps the table from tracing every sentence: one line per sentence at fault."""
    found = []
    for row in table:
        label = f"sentence {row.sentence.number} ({row.sentence.text[:60]}...)"
        if not row.rules and row.reason is None:
            found.append(f"{label} has neither a rule nor a reason")
        elif row.rules and row.reason is not None:
            found.append(f"{label} has rules and a reason: keep one")
        elif row.reason is not None and row.sentence.asks and not REASONS[row.reason].for_requests:
            found.append(f"{label} asks something, but its reason '{row.reason}' only fits statements")
    return found


def unknown_sentences(claimed: Iterable[str], page: Optional[str] = None) -> list[str]:
    """The claimed sentences (ENFORCES entries, SENTENCE_REASONS keys) that are not sentences of the page."""
    known = {sentence.text for sentence in sentences(page)}
    return [sentence for sentence in claimed if sentence not in known]


def rules_beyond_the_page(rule_modules: Iterable[ModuleType] = RULE_MODULES) -> list[str]:
    """Rules that enforce no sentence of the page (empty ENFORCES): governance the pack adds."""
    return [module.POLICY.name for module in rule_modules if not module.ENFORCES]


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def markdown_table(table: Optional[list[Row]] = None) -> str:
    lines = ["| # | Section | The page says | Asks | Enforced by | Why no rule |",
             "|---|---|---|---|---|---|"]
    for row in rows() if table is None else table:
        sentence = row.sentence
        rules = ", ".join(f"`{name}`" for name in row.rules)
        reason = REASONS[row.reason].text if row.reason else ("" if row.rules else "**not covered yet**")
        lines.append(f"| {sentence.number} | {_cell(sentence.section)} | {_cell(sentence.text)} | "
                     f"{'yes' if sentence.asks else 'no'} | {rules} | {_cell(reason)} |")
    return "\n".join(lines)


def render_readme_section() -> str:
    beyond = ", ".join(f"`{name}`" for name in rules_beyond_the_page())
    return (f"{TABLE_START}\n{markdown_table()}\n\nRules that enforce no sentence of the page (governance the "
            f"pack adds): {beyond or 'none'}.\n{TABLE_END}")
