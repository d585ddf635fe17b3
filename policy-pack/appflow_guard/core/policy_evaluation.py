"""IAM policy documents (key, bucket, identity and trust policies) evaluated the way AWS evaluates them.

Written from AWS's reference for the policy language and its evaluation logic (IAM User Guide:
"IAM JSON policy elements", "Condition operators", "Policy variables", "Policy evaluation logic").
A rule asks a question in AWS's terms (is this request allowed? is every request without TLS
denied? who outside the account does this policy let in?) instead of matching the document's
shape, so ``NotAction``, ``NotResource``, ``NotPrincipal``, wildcards, set operators and
``IfExists`` mean what they mean to AWS.

Three-valued throughout: a part of a document that is not known yet (the ``UNKNOWN`` marker of
preview) makes an answer ``undecidable``, never a guessed yes or no; a document AWS would refuse
(a partial principal wildcard, ``NotPrincipal`` with ``Allow``, an unknown condition operator) is
``invalid``. Standard library only.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from enum import Enum
from functools import lru_cache
from typing import Any, Iterable, Mapping

from .values import UNKNOWN, decode_json

# -- answers -------------------------------------------------------------------------------------


class Decision(Enum):
    """AWS's answer for one request against one policy (policy evaluation logic)."""

    EXPLICIT_DENY = "explicit deny"
    ALLOW = "allow"
    IMPLICIT_DENY = "implicit deny"
    UNDECIDABLE = "undecidable"
    INVALID = "invalid"


class Answer(Enum):
    """The answer to a yes/no question about a policy."""

    YES = "yes"
    NO = "no"
    UNDECIDABLE = "undecidable"
    INVALID = "invalid"


class Outsider(Enum):
    """Who, outside the account, a grant reaches."""

    ANONYMOUS = "anyone, unauthenticated"
    OTHER_ACCOUNT = "principals of another account"
    ORGANIZATION = "principals of another account in the organization"
    SERVICE = "an AWS service acting for another account"


# -- requests ------------------------------------------------------------------------------------


class _Absent:
    """A context key the request is known not to carry."""

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT = _Absent()

_ACCOUNT = re.compile(r"^\d{12}$")


@dataclass(frozen=True)
class Principal:
    """Who makes a request. All fields None is an anonymous (unsigned) request."""

    account: str | None = None
    arn: str | None = None
    service: str | None = None
    federated: str | None = None
    canonical_user: str | None = None
    org_id: str | None = None
    org_paths: tuple[str, ...] = ()

    @classmethod
    def iam(cls, arn: str, org_id: str | None = None, org_paths: Iterable[str] = ()) -> "Principal":
        """A root user, IAM user or role, assumed-role or federated-user session, by its ARN."""
        parts = arn.split(":", 5)
        account = parts[4] if len(parts) == 6 else None
        return cls(account=account, arn=arn, org_id=org_id, org_paths=tuple(org_paths))

    @classmethod
    def root(cls, account: str, org_id: str | None = None) -> "Principal":
        return cls.iam(f"arn:aws:iam::{account}:root", org_id)

    @classmethod
    def aws_service(cls, name: str) -> "Principal":
        return cls(service=name)

    @property
    def anonymous(self) -> bool:
        return not (self.account or self.arn or self.service or self.federated or self.canonical_user)


class _AnyPrincipal:
    """Every principal at once: a statement applies to it only if it names all principals."""

    def __repr__(self) -> str:
        return "ANY_PRINCIPAL"


ANY_PRINCIPAL = _AnyPrincipal()


@dataclass(frozen=True)
class ResourcesUnder:
    """Every resource whose ARN is ``prefix`` followed by at least one character
    (``arn:aws:s3:::bucket/``: every object of the bucket)."""

    prefix: str


@dataclass(frozen=True)
class Request:
    """One request. ``action``/``resource`` None mean "some action/resource".

    ``principal`` None is the identity an identity-based policy is attached to; ``ANY_PRINCIPAL``
    is every principal. ``context`` holds condition keys (any case) with str, bool, number or list
    values, or ``ABSENT``. With ``complete`` (the default) a key not in the context is absent, as
    in a real request; otherwise it is open: the evaluation takes, for each condition on an open
    key, the outcome that favours access (an Allow's condition holds, a Deny's does not), so
    ALLOW means "some request of this description is allowed" and EXPLICIT_DENY "every one is
    explicitly denied".
    """

    action: str | None
    resource: str | ResourcesUnder | None
    principal: Principal | _AnyPrincipal | None = None
    context: Mapping[str, Any] = field(default_factory=dict)
    complete: bool = True


# -- documents -----------------------------------------------------------------------------------

IDENTITY, RESOURCE, TRUST = "identity", "resource", "trust"

_PRINCIPAL_TYPES = ("AWS", "Service", "Federated", "CanonicalUser")
_NEGATED = {"StringNotEquals", "StringNotEqualsIgnoreCase", "StringNotLike", "NumericNotEquals",
            "DateNotEquals", "NotIpAddress", "ArnNotEquals", "ArnNotLike"}
_POSITIVE = {"StringNotEquals": "StringEquals", "StringNotEqualsIgnoreCase": "StringEqualsIgnoreCase",
             "StringNotLike": "StringLike", "NumericNotEquals": "NumericEquals", "DateNotEquals": "DateEquals",
             "NotIpAddress": "IpAddress", "ArnNotEquals": "ArnEquals", "ArnNotLike": "ArnLike"}
_BASES = {"StringEquals", "StringEqualsIgnoreCase", "StringLike", "NumericEquals", "NumericLessThan",
          "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals", "DateEquals",
          "DateLessThan", "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals", "Bool",
          "BinaryEquals", "IpAddress", "ArnEquals", "ArnLike", "Null"} | _NEGATED
_BASE_BY_LOWER = {name.lower(): name for name in _BASES}
# Operators whose values may hold policy variables (Condition operators page, each family).
_VARIABLE_FAMILIES = ("String", "Arn", "Bool")


class _Invalid(Exception):
    """A document AWS would refuse to store."""


@dataclass(frozen=True)
class Condition:
    operator: str          # as written
    base: str              # StringEquals, NumericLessThan, ... (negated names kept)
    set_operator: str      # "", "ForAnyValue" or "ForAllValues"
    if_exists: bool
    key: str               # lower case: condition keys are case-insensitive
    values: tuple          # strings, or UNKNOWN


@dataclass(frozen=True)
class Statement:
    index: int
    sid: str
    effect: str                               # "Allow" or "Deny"
    actions: tuple | None = None              # Action patterns (or UNKNOWN members)
    not_actions: tuple | None = None
    resources: tuple | None = None
    not_resources: tuple | None = None
    principals: dict | str | None = None      # "*" or {type: (values...)}; UNKNOWN when not known
    not_principals: dict | str | None = None
    conditions: tuple = ()
    unknown: bool = False                     # the statement itself is not known yet

    @property
    def allows(self) -> bool:
        return self.effect == "Allow"


@dataclass(frozen=True)
class Policy:
    statements: tuple[Statement, ...] = ()
    variables: bool = True                    # Version 2012-10-17: ${...} are policy variables
    unknown: bool = False
    invalid: str | None = None                # why AWS would refuse it


def parse_policy(raw: Any, kind: str | None = None) -> Policy:
    """Read a policy given as JSON text or as an object (aws-native); never raises.

    ``kind`` checks the elements AWS requires: ``identity`` (no Principal), ``resource`` (a
    Principal or NotPrincipal), ``trust`` (a role trust policy: a Principal, Resource optional);
    None accepts either form.
    """
    value = decode_json(raw)
    if value is UNKNOWN:
        return Policy(unknown=True)
    if not isinstance(value, dict):
        return Policy(invalid="not a JSON object")
    version = value.get("Version")
    if version is UNKNOWN:
        return Policy(unknown=True)
    raw_statements = value.get("Statement")
    if raw_statements is UNKNOWN:
        return Policy(unknown=True)
    if isinstance(raw_statements, dict):
        raw_statements = [raw_statements]
    if not isinstance(raw_statements, list) or not raw_statements:
        return Policy(invalid="no Statement list")
    statements = []
    try:
        for index, item in enumerate(raw_statements):
            if item is UNKNOWN:
                statements.append(Statement(index=index, sid="", effect="", unknown=True))
            elif not isinstance(item, dict):
                raise _Invalid(f"statement {index} is not an object")
            else:
                statements.append(_parse_statement(index, item, kind))
    except _Invalid as problem:
        return Policy(invalid=str(problem))
    return Policy(tuple(statements), variables=version == "2012-10-17")


def _strings(value: Any, element: str, label: str) -> tuple:
    if isinstance(value, str) or value is UNKNOWN:
        return (value,)
    if isinstance(value, list) and value and all(isinstance(item, str) or item is UNKNOWN for item in value):
        return tuple(value)
    raise _Invalid(f"{label}: {element} must be a string or a non-empty list of strings")


def _one_of(item: dict, first: str, second: str, label: str, required: bool) -> tuple:
    if first in item and second in item:
        raise _Invalid(f"{label} has both {first} and {second}")
    if required and first not in item and second not in item:
        raise _Invalid(f"{label} has neither {first} nor {second}")
    return (_strings(item[first], first, label) if first in item else None,
            _strings(item[second], second, label) if second in item else None)


def _parse_statement(index: int, item: dict, kind: str | None) -> Statement:
    sid = item.get("Sid") if isinstance(item.get("Sid"), str) else ""
    label = f"statement {sid or index}"
    effect = item.get("Effect")
    if effect is UNKNOWN:
        return Statement(index=index, sid=sid, effect="", unknown=True)
    if effect not in ("Allow", "Deny"):
        raise _Invalid(f"{label}: Effect must be Allow or Deny")
    actions, not_actions = _one_of(item, "Action", "NotAction", label, required=True)
    resources, not_resources = _one_of(item, "Resource", "NotResource", label, required=kind != TRUST)
    if "Principal" in item and "NotPrincipal" in item:
        raise _Invalid(f"{label} has both Principal and NotPrincipal")
    has_principal = "Principal" in item or "NotPrincipal" in item
    if kind == IDENTITY and has_principal:
        raise _Invalid(f"{label}: an identity-based policy cannot name a Principal")
    if kind in (RESOURCE, TRUST) and not has_principal:
        raise _Invalid(f"{label}: a resource-based policy statement needs a Principal")
    if "NotPrincipal" in item and effect == "Allow":
        raise _Invalid(f"{label}: NotPrincipal is supported only with Deny")
    principals = _parse_principals(item["Principal"], label) if "Principal" in item else None
    not_principals = _parse_principals(item["NotPrincipal"], label) if "NotPrincipal" in item else None
    return Statement(index=index, sid=sid, effect=effect, actions=actions, not_actions=not_actions,
                     resources=resources, not_resources=not_resources, principals=principals,
                     not_principals=not_principals, conditions=_parse_conditions(item.get("Condition"), label))


def _parse_principals(value: Any, label: str):
    if value is UNKNOWN:
        return UNKNOWN
    if value == "*":
        return "*"
    if not isinstance(value, dict) or not value:
        raise _Invalid(f"{label}: Principal must be \"*\" or an object of principal types")
    parsed = {}
    for principal_type, members in value.items():
        if principal_type not in _PRINCIPAL_TYPES:
            raise _Invalid(f"{label}: unknown principal type {principal_type!r}")
        names = _strings(members, "Principal", label)
        for name in names:
            if isinstance(name, str) and ("*" in name or "?" in name) and not (name == "*" and principal_type == "AWS"):
                raise _Invalid(f"{label}: a wildcard cannot match part of a principal")
        parsed[principal_type] = names
    return parsed


def _condition_value(value: Any, label: str):
    if value is UNKNOWN or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    raise _Invalid(f"{label}: condition values must be strings, numbers or booleans")


def _parse_conditions(value: Any, label: str) -> tuple:
    if value is None:
        return ()
    if value is UNKNOWN:
        return (Condition("", "", "", False, "", (UNKNOWN,)),)
    if not isinstance(value, dict):
        raise _Invalid(f"{label}: Condition must be an object")
    conditions = []
    for operator, block in value.items():
        base, set_operator, if_exists = _parse_operator(str(operator), label)
        if block is UNKNOWN:
            conditions.append(Condition(operator, base, set_operator, if_exists, "", (UNKNOWN,)))
            continue
        if not isinstance(block, dict) or not block:
            raise _Invalid(f"{label}: {operator} must map condition keys to values")
        for key, values in block.items():
            raw_values = values if isinstance(values, list) else [values]
            if not raw_values:
                raise _Invalid(f"{label}: {operator} {key} has no value")
            parsed = tuple(_condition_value(item, label) for item in raw_values)
            conditions.append(Condition(operator, base, set_operator, if_exists, str(key).lower(), parsed))
    return tuple(conditions)


def _parse_operator(operator: str, label: str) -> tuple[str, str, bool]:
    set_operator = ""
    name = operator
    if ":" in operator:
        prefix, name = operator.split(":", 1)
        set_operator = {"foranyvalue": "ForAnyValue", "forallvalues": "ForAllValues"}.get(prefix.lower(), "")
        if not set_operator:
            raise _Invalid(f"{label}: unknown set operator {prefix!r}")
    if_exists = name.lower().endswith("ifexists")
    if if_exists:
        name = name[: -len("ifexists")]
    base = _BASE_BY_LOWER.get(name.lower())
    if base is None:
        raise _Invalid(f"{label}: unknown condition operator {operator!r}")
    if base == "Null" and (if_exists or set_operator):
        raise _Invalid(f"{label}: Null takes neither IfExists nor a set operator")
    return base, set_operator, if_exists


# -- values --------------------------------------------------------------------------------------


def _number(text: str) -> Decimal | None:
    try:
        number = Decimal(text.strip())
    except (InvalidOperation, AttributeError):
        return None
    return number if number.is_finite() else None


def _date(text: str) -> datetime | None:
    """W3C ISO 8601 profile (YYYY, YYYY-MM, YYYY-MM-DD, with time and zone) or epoch seconds."""
    text = text.strip()
    if re.fullmatch(r"\d{1,11}", text) and len(text) > 4:
        return datetime.fromtimestamp(int(text), timezone.utc)
    match = re.fullmatch(r"(\d{4})(?:-(\d{2}))?", text)
    try:
        if match:
            return datetime(int(match.group(1)), int(match.group(2) or 1), 1, tzinfo=timezone.utc)
        parsed = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
    except (ValueError, OverflowError, OSError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _network(text: str):
    try:
        return ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        return None


def _text(value: Any) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, Decimal)):
        return str(value)
    return value if isinstance(value, str) else None


# -- wildcard patterns ---------------------------------------------------------------------------
# A pattern is a tuple of tokens: a literal character, ("?", crosses_colon) or ("*", crosses_colon).
# Matching runs a set-of-positions automaton, so the cost is linear in the text for each pattern,
# and the same automaton answers "does this pattern cover every ARN under a prefix?".

_FRESH = "\u2400"  # stands for every character no pattern names


def _tokens(pattern: str, wildcards: bool, arn_segments: bool, lookup, variables: bool):
    """Tokens of ``pattern``; policy variables resolved through ``lookup`` (None: cannot resolve,
    _NO_MATCH: the key is absent)."""
    tokens = []
    position = 0
    while position < len(pattern):
        char = pattern[position]
        if variables and pattern.startswith("${", position) and "}" in pattern[position:]:
            end = pattern.index("}", position)
            name = pattern[position + 2:end]
            position = end + 1
            if name in ("*", "?", "$"):
                tokens.append(name)
                continue
            default = None
            if "," in name:
                name, _, default = name.partition(",")
                default = default.strip().strip("'")
            resolved = lookup(name.strip().lower())
            if resolved is ABSENT:
                if default is None:
                    return _NO_MATCH
                resolved = default
            if resolved is None:
                return None
            tokens.extend(resolved)
            continue
        if wildcards and char in "*?":
            if arn_segments:
                crosses = char == "*" and (position + 1 == len(pattern) or pattern[position + 1] == ":")
            else:
                crosses = True
            tokens.append((char, crosses))
        else:
            tokens.append(char)
        position += 1
    return tuple(tokens)


class _NoMatch:
    def __repr__(self) -> str:
        return "NO_MATCH"


_NO_MATCH = _NoMatch()


def _close(patterns, states: set) -> frozenset:
    pending = list(states)
    closed = set(states)
    while pending:
        which, position = pending.pop()
        tokens = patterns[which]
        if position < len(tokens) and isinstance(tokens[position], tuple) and tokens[position][0] == "*":
            nxt = (which, position + 1)
            if nxt not in closed:
                closed.add(nxt)
                pending.append(nxt)
    return frozenset(closed)


def _step(patterns, states: frozenset, char: str) -> frozenset:
    moved = set()
    for which, position in states:
        tokens = patterns[which]
        if position >= len(tokens):
            continue
        token = tokens[position]
        if isinstance(token, tuple):
            if char == ":" and not token[1]:
                continue
            moved.add((which, position) if token[0] == "*" else (which, position + 1))
        elif token == char:
            moved.add((which, position + 1))
    return _close(patterns, moved)


def _accepting(patterns, states: frozenset) -> bool:
    return any(position == len(patterns[which]) for which, position in states)


def _run(patterns, text: str) -> frozenset:
    states = _close(patterns, {(which, 0) for which in range(len(patterns))})
    for char in text:
        if not states:
            break
        states = _step(patterns, states, char)
    return states


@lru_cache(maxsize=16384)
def _glob_match(tokens, text: str) -> bool:
    # Cached: a rule asks the same action and value patterns of many requests and many policies.
    return _accepting((tokens,), _run((tokens,), text))


_EXPLORATION_LIMIT = 5000


def _suffixes(patterns, prefix: str, every: bool):
    """Over every suffix of one or more characters: do the patterns (together) match ``prefix`` +
    suffix for every suffix (``every``), or for some suffix? None when too large to tell."""
    alphabet = {token for tokens in patterns for token in tokens if isinstance(token, str)} | {":", _FRESH}
    start = _run(patterns, prefix)
    seen = set()
    frontier = [_step(patterns, start, char) for char in alphabet]
    while frontier:
        states = frontier.pop()
        if states in seen:
            continue
        seen.add(states)
        if len(seen) > _EXPLORATION_LIMIT:
            return None
        if _accepting(patterns, states) != every:
            return not every
        frontier.extend(_step(patterns, states, char) for char in alphabet)
    return every


# -- evaluation ----------------------------------------------------------------------------------


def _and(results: Iterable) -> bool | None:
    undecided = False
    for result in results:
        if result is False:
            return False
        if result is None:
            undecided = True
    return None if undecided else True


def _or(results: Iterable) -> bool | None:
    undecided = False
    for result in results:
        if result is True:
            return True
        if result is None:
            undecided = True
    return None if undecided else False


class _Context:
    """Condition keys of one request as seen by one statement."""

    def __init__(self, request: Request, favour: bool):
        self.values = {}
        principal = request.principal
        if isinstance(principal, Principal):
            self.values.update(_principal_keys(principal, request.action))
        for key, value in request.context.items():
            self.values[str(key).lower()] = value
        self.complete = request.complete
        self.favour = favour   # how a condition on an open key resolves (True for Allow)

    def lookup(self, key: str):
        """ABSENT, a list of strings, or None for an open key."""
        if key not in self.values:
            return ABSENT if self.complete else None
        value = self.values[key]
        if value is ABSENT or value is None:
            return ABSENT
        if isinstance(value, (list, tuple, set, frozenset)):
            texts = [_text(item) for item in value]
            return [item for item in texts if item is not None]
        text = _text(value)
        return ABSENT if text is None else [text]

    def variable(self, key: str):
        values = self.lookup(key)
        if values is None or values is ABSENT:
            return values
        return values[0] if len(values) == 1 else None


def _principal_keys(principal: Principal, action: str | None) -> dict:
    """The global condition keys AWS adds to a request from its principal (condition keys page)."""
    keys = {"aws:principalaccount": ABSENT, "aws:principalarn": ABSENT, "aws:principalorgid": ABSENT,
            "aws:principalorgpaths": ABSENT, "aws:principalisawsservice": ABSENT,
            "aws:principalservicename": ABSENT, "aws:sourceaccount": ABSENT, "aws:sourcearn": ABSENT}
    kms = action is None or action.lower().startswith("kms:")
    if principal.service:
        keys.update({"aws:principalisawsservice": True, "aws:principalservicename": principal.service})
        del keys["aws:sourceaccount"], keys["aws:sourcearn"]   # set by the caller: who the service acts for
        if kms:
            keys["kms:calleraccount"] = ABSENT    # a service principal is no caller of a customer account
    elif principal.account:
        keys.update({"aws:principalaccount": principal.account, "aws:principalarn": _principal_arn(principal.arn),
                     "aws:principalisawsservice": False})
        if principal.org_id:
            keys["aws:principalorgid"] = principal.org_id
        if principal.org_paths:
            keys["aws:principalorgpaths"] = list(principal.org_paths)
        if kms:
            keys["kms:calleraccount"] = principal.account
    elif principal.anonymous and kms:
        keys["kms:calleraccount"] = ABSENT
    return keys


_SESSION = re.compile(r"^arn:([^:]+):sts::(\d{12}):assumed-role/([^/]+)/.+$")


def _principal_arn(arn: str | None):
    """aws:PrincipalArn: an assumed-role session is known by its role's ARN."""
    if not arn:
        return ABSENT
    session = _SESSION.match(arn)
    return f"arn:{session.group(1)}:iam::{session.group(2)}:role/{session.group(3)}" if session else arn


def _account_of(name: str) -> str | None:
    if _ACCOUNT.match(name):
        return name
    match = re.fullmatch(r"arn:[^:]+:iam::(\d{12}):root", name)
    return match.group(1) if match else None


def _names_principal(name: str, principal: Principal) -> bool:
    """Whether an AWS principal entry (account, root, user, role, session ARN) names ``principal``."""
    account = _account_of(name)
    if account is not None:
        return principal.account == account and not principal.service
    if not principal.arn:
        return False
    if name == principal.arn:
        return True
    session = _SESSION.match(principal.arn)
    role = re.fullmatch(r"arn:([^:]+):iam::(\d{12}):role/(?:.*/)?([^/]+)", name)
    return bool(session and role and session.group(1, 2, 3) == role.group(1, 2, 3))


def _principal_element(element, principal) -> bool | None:
    """Principal element: does it name the request's principal?"""
    if element is UNKNOWN:
        return None
    if element == "*":
        return True
    if principal is ANY_PRINCIPAL:
        # Only "*" names every principal ({"AWS": "*"} is the same for anonymous users).
        return _or(None if name is UNKNOWN else name == "*" for name in element.get("AWS", ()))
    if principal is None:
        return None     # the request names no principal: an identity policy's question
    results = []
    for principal_type, names in element.items():
        for name in names:
            if name is UNKNOWN:
                results.append(None)
            elif principal_type == "AWS":
                results.append(name == "*" or _names_principal(name, principal))
            elif principal_type == "Service":
                results.append(principal.service == name)
            elif principal_type == "Federated":
                results.append(principal.federated == name)
            else:
                results.append(principal.canonical_user == name)
    return _or(results)


def _not_principal_element(element, principal) -> bool | None:
    """NotPrincipal (with Deny): does the statement reach the request's principal?

    AWS checks an account first, then the role, then the session: a user, role or session is
    excepted only when its ARN and its account are both listed; listing the ARN alone "might
    deny access to the entire account" (NotPrincipal page), which is undecidable here.
    """
    if element is UNKNOWN:
        return None
    if element == "*" or "*" in element.get("AWS", ()):
        return False
    if principal is ANY_PRINCIPAL:
        return False
    if principal is None:
        return None
    names = {principal_type: set(values) for principal_type, values in element.items()}
    if any(UNKNOWN in values for values in names.values()):
        return None
    if principal.service:
        return principal.service not in names.get("Service", ())
    if principal.federated:
        return principal.federated not in names.get("Federated", ())
    if principal.canonical_user and principal.canonical_user in names.get("CanonicalUser", ()):
        return False
    if not principal.account:
        return True
    listed = names.get("AWS", set())
    account_listed = any(_account_of(name) == principal.account for name in listed)
    is_root = principal.arn is None or principal.arn.endswith(":root")
    if is_root:
        return not account_listed
    arn_listed = any(_account_of(name) is None and _names_principal(name, principal) for name in listed)
    if not arn_listed:
        return True
    return False if account_listed else None


def _action_element(patterns: tuple, action: str | None) -> bool | None:
    if action is None:
        return True
    return _or(None if pattern is UNKNOWN else _glob_match(_action_tokens(pattern), action.lower())
               for pattern in patterns)


@lru_cache(maxsize=4096)
def _action_tokens(pattern: str):
    return _tokens(pattern.lower(), True, False, None, False)


def _resource_patterns(patterns: tuple, context: _Context, variables: bool):
    """Tokens of each Resource pattern; None for one not known, _NO_MATCH for one that cannot match."""
    resolved = []
    for pattern in patterns:
        if pattern is UNKNOWN:
            resolved.append(None)
        elif variables and "${" in pattern:
            resolved.append(_tokens(pattern, True, True, context.variable, True))
        else:
            resolved.append(_resource_tokens(pattern))
    return resolved


@lru_cache(maxsize=4096)
def _resource_tokens(pattern: str):
    return _tokens(pattern, True, True, None, False)


def _resource_element(patterns: tuple, resource, context: _Context, variables: bool, every: bool) -> bool | None:
    """Resource element: does it cover the request's resource? For ``ResourcesUnder`` the question
    is "every resource under the prefix" when ``every``, else "some resource under it"."""
    if resource is None:
        return True
    resolved = _resource_patterns(patterns, context, variables)
    known = [tokens for tokens in resolved if tokens is not None and tokens is not _NO_MATCH]
    if isinstance(resource, str):
        return _or([None if tokens is None else False if tokens is _NO_MATCH else _glob_match(tokens, resource)
                    for tokens in resolved])
    covered = _suffixes(tuple(known), resource.prefix, every) if known else False
    if covered is True or None not in resolved:
        return covered
    return None


def _not_resource_element(patterns: tuple, resource, context: _Context, variables: bool, every: bool) -> bool | None:
    """NotResource element: the statement applies to resources that match none of the patterns."""
    if resource is None:
        return not any(pattern == "*" for pattern in patterns)
    resolved = _resource_patterns(patterns, context, variables)
    if None in resolved:
        return None
    known = tuple(tokens for tokens in resolved if tokens is not _NO_MATCH)
    if isinstance(resource, str):
        return not any(_glob_match(tokens, resource) for tokens in known)
    if not known:
        return True
    # Applies to every resource under the prefix iff no pattern matches any of them; to some of
    # them iff the patterns together do not cover all of them.
    some_matched = _suffixes(known, resource.prefix, False)
    all_matched = _suffixes(known, resource.prefix, True)
    if every:
        return None if some_matched is None else not some_matched
    return None if all_matched is None else not all_matched


def _match_value(base: str, policy_value: str, request_value: str, context: _Context, variables: bool) -> bool | None:
    """One request value against one policy value, for a positive operator."""
    uses_variables = variables and "${" in policy_value and base.startswith(_VARIABLE_FAMILIES)
    if base in ("StringEquals", "StringEqualsIgnoreCase", "Bool", "BinaryEquals"):
        if uses_variables:
            tokens = _tokens(policy_value, False, False, context.variable, True)
            if tokens is None or tokens is _NO_MATCH:
                return None if tokens is None else False
            policy_value = "".join(tokens)
        if base == "StringEquals" or base == "BinaryEquals":
            return request_value == policy_value
        return request_value.casefold() == policy_value.casefold()
    if base == "StringLike":
        tokens = _tokens(policy_value, True, False, context.variable, uses_variables)
        return None if tokens is None else False if tokens is _NO_MATCH else _glob_match(tokens, request_value)
    if base in ("ArnEquals", "ArnLike"):
        return _arn_like(policy_value, request_value, context, uses_variables)
    # A policy value the operator cannot read (a number that is not one, a malformed date or range)
    # leaves the condition undecidable: whether AWS stores such a policy is not documented.
    if base.startswith("Numeric"):
        return _compare(base[len("Numeric"):], _number(request_value), _number(policy_value))
    if base.startswith("Date"):
        return _compare(base[len("Date"):], _date(request_value), _date(policy_value))
    if base == "IpAddress":
        network = _network(policy_value)
        if network is None:
            return None
        try:
            address = ipaddress.ip_address(request_value.strip())
        except ValueError:
            return False
        return address.version == network.version and address in network
    raise AssertionError(base)


def _compare(relation: str, left, right) -> bool | None:
    if right is None:
        return None
    if left is None:
        return False
    return {"Equals": left == right, "LessThan": left < right, "LessThanEquals": left <= right,
            "GreaterThan": left > right, "GreaterThanEquals": left >= right}[relation]


def _arn_like(pattern: str, value: str, context: _Context, variables: bool) -> bool | None:
    """ArnLike/ArnEquals: each of the six colon-delimited components matched separately."""
    pattern_parts = pattern.split(":", 5)
    value_parts = value.split(":", 5)
    if len(pattern_parts) != 6 or len(value_parts) != 6:
        return False
    results = []
    for pattern_part, value_part in zip(pattern_parts, value_parts):
        tokens = _tokens(pattern_part, True, False, context.variable, variables)
        if tokens is None:
            results.append(None)
        else:
            results.append(False if tokens is _NO_MATCH else _glob_match(tokens, value_part))
    return _and(results)


def _condition(condition: Condition, context: _Context, variables: bool) -> bool | None:
    if UNKNOWN in condition.values:
        return None
    values = context.lookup(condition.key)
    if values is None:
        return context.favour
    if condition.base == "Null":
        absent = values is ABSENT or values == []
        return _or(None if value.lower() not in ("true", "false") else (value.lower() == "true") == absent
                   for value in condition.values)
    negated = condition.base in _NEGATED
    positive = _POSITIVE.get(condition.base, condition.base)

    def matches(request_value: str) -> bool | None:
        found = _or(_match_value(positive, policy_value, request_value, context, variables)
                    for policy_value in condition.values)
        return None if found is None else (not found if negated else found)

    if condition.set_operator:
        if values is ABSENT or values == []:
            if condition.set_operator == "ForAllValues":
                return True
            return None if condition.if_exists else False    # IfExists and ForAnyValue disagree
        each = (matches(value) for value in values)
        return _and(each) if condition.set_operator == "ForAllValues" else _or(each)
    if values is ABSENT:
        return True if condition.if_exists or negated else False
    if len(values) != 1:
        return None     # a multivalued key needs ForAnyValue/ForAllValues
    return matches(values[0])


def statement_applies(statement: Statement, request: Request, variables: bool = True) -> bool | None:
    """Whether the statement applies to the request (its Effect then decides): True, False, or
    None when a part needed to tell is not known."""
    if statement.unknown:
        return None
    # Universal questions (every principal, every resource under a prefix) apply to Deny; an
    # Allow answers the existential one.
    every = not statement.allows
    context = _Context(request, favour=statement.allows)
    checks = []
    if statement.principals is not None:
        checks.append(lambda: _principal_element(statement.principals, request.principal))
    elif statement.not_principals is not None:
        checks.append(lambda: _not_principal_element(statement.not_principals, request.principal))
    checks.append(lambda: _action_element(statement.actions, request.action) if statement.actions is not None
                  else _not_action(statement.not_actions, request.action))
    if statement.resources is not None:
        checks.append(lambda: _resource_element(statement.resources, request.resource, context, variables, every))
    elif statement.not_resources is not None:
        checks.append(lambda: _not_resource_element(statement.not_resources, request.resource, context, variables,
                                                    every))
    checks.extend((lambda condition=condition: _condition(condition, context, variables))
                  for condition in statement.conditions)
    return _and(check() for check in checks)


def _not_action(patterns: tuple, action: str | None) -> bool | None:
    if action is None:
        return not any(pattern == "*" for pattern in patterns)
    matched = _action_element(patterns, action)
    return None if matched is None else not matched


def evaluate(policy: Policy, request: Request) -> Decision:
    """AWS's decision for the request under this one policy: an explicit deny wins, then an allow,
    else the request is implicitly denied."""
    if policy.invalid:
        return Decision.INVALID
    if policy.unknown:
        return Decision.UNDECIDABLE
    deny_undecided = allowed = allow_undecided = False
    for statement in policy.statements:
        applies = statement_applies(statement, request, policy.variables)
        if statement.unknown:
            deny_undecided = True
        elif not statement.allows:
            if applies is True:
                return Decision.EXPLICIT_DENY
            deny_undecided = deny_undecided or applies is None
        elif applies is True:
            allowed = True
        elif applies is None:
            allow_undecided = True
    if deny_undecided:
        return Decision.UNDECIDABLE
    if allowed:
        return Decision.ALLOW
    return Decision.UNDECIDABLE if allow_undecided else Decision.IMPLICIT_DENY


# -- the questions the rules ask -----------------------------------------------------------------


def denies_every_request(policy: Policy, action: str, resource: str | ResourcesUnder,
                         context: Mapping[str, Any]) -> Answer:
    """Is every request for ``action`` on ``resource`` by any principal, whose condition keys
    include ``context`` (e.g. aws:SecureTransport false), explicitly denied? Keys the context does
    not give may take any value, so a deny that depends on them does not count."""
    decision = evaluate(policy, Request(action, resource, ANY_PRINCIPAL, context, complete=False))
    return {Decision.EXPLICIT_DENY: Answer.YES, Decision.INVALID: Answer.INVALID,
            Decision.UNDECIDABLE: Answer.UNDECIDABLE}.get(decision, Answer.NO)


@dataclass(frozen=True)
class Grant:
    """An Allow statement that lets an outsider make a request."""

    statement: Statement
    outsider: Outsider


@dataclass(frozen=True)
class OutsideGrants:
    grants: tuple[Grant, ...] = ()
    undecidable: bool = False
    invalid: str | None = None

    @property
    def outsiders(self) -> set[Outsider]:
        return {grant.outsider for grant in self.grants}


def _accounts_named(policy: Policy) -> set[str]:
    found = set()
    for statement in policy.statements:
        texts = []
        for element in (statement.principals, statement.not_principals):
            if isinstance(element, dict):
                texts += [name for names in element.values() for name in names if isinstance(name, str)]
        texts += [value for condition in statement.conditions for value in condition.values if isinstance(value, str)]
        found.update(re.findall(r"(?<!\d)\d{12}(?!\d)", " ".join(texts)))
    return found


def _condition_values(policy: Policy, key: str) -> list[str]:
    return [value for statement in policy.statements for condition in statement.conditions
            if condition.key == key for value in condition.values if isinstance(value, str)]


def _services_named(policy: Policy) -> set[str]:
    return {name for statement in policy.statements if isinstance(statement.principals, dict)
            for name in statement.principals.get("Service", ()) if isinstance(name, str)}


def _moved_to(arn: str, account: str) -> str:
    """``arn`` with its account set to ``account`` and its wildcards filled in."""
    parts = arn.split(":", 5)
    parts[4] = account
    return ":".join(parts).replace("*", "x").replace("?", "x")


def grants_outside(policy: Policy, account: str | None = None, action: str | None = None,
                   resource: str | ResourcesUnder | None = None, organization: str | None = None) -> OutsideGrants:
    """Which Allow statements let someone outside ``account`` make a request for ``action`` on
    ``resource`` (None: some action, some resource) that no Deny of the policy stops?

    Without ``account``, "outside" means an account the policy does not name: the question of a
    grant that is not limited to any account. Conditions on keys that do not identify the caller
    (source IP, VPC endpoint, TLS, kms:ViaService) are taken as satisfiable by an outsider: they
    narrow how a request arrives, not who makes it. A wildcard principal limited by
    aws:PrincipalOrgID or aws:PrincipalOrgPaths to ``organization`` (or, without it, to an
    organization the policy names) is reported as ``Outsider.ORGANIZATION``, distinct from an
    arbitrary account, so that a rule can accept sharing within the organization.
    """
    if policy.invalid:
        return OutsideGrants(invalid=policy.invalid)
    if policy.unknown:
        return OutsideGrants(undecidable=True)
    named = _accounts_named(policy)
    foreign = next(str(number).zfill(12) for number in range(10 ** 11, 10 ** 12)
                   if str(number).zfill(12) not in named and str(number).zfill(12) != account)
    outside_accounts = [foreign] + sorted(name for name in named if account and name != account)
    paths = _condition_values(policy, "aws:principalorgpaths")
    named_orgs = {value for value in _condition_values(policy, "aws:principalorgid") + [path.split("/")[0] for path in paths]
                  if value.startswith("o-") and "*" not in value and "?" not in value}
    probes: list[tuple[Outsider, Principal, dict]] = [(Outsider.ANONYMOUS, Principal(), {})]
    for outside in outside_accounts:
        role = f"arn:aws:iam::{outside}:role/outsider"
        probes.append((Outsider.OTHER_ACCOUNT, Principal.iam(role), {}))
        probes.append((Outsider.OTHER_ACCOUNT, Principal.iam(role, org_id="o-outsider0000"), {}))
        for org in sorted(named_orgs | ({organization} if organization else set())):
            kind = Outsider.ORGANIZATION if organization in (None, org) else Outsider.OTHER_ACCOUNT
            org_paths = [path for path in paths if path.startswith(org + "/")]
            probes.append((kind, Principal.iam(role, org_id=org, org_paths=org_paths), {}))
        # The policy's own source ARNs, moved to the outside account, catch a pattern that leaves
        # the account open (arn:aws:appflow:us-east-1:*:flow/*).
        source_arns = sorted({f"arn:aws:{service.split('.')[0]}:us-east-1:{outside}:outsider"
                              for service in _services_named(policy) | {"outsider.amazonaws.com"}}
                             | {_moved_to(arn, outside) for arn in _condition_values(policy, "aws:sourcearn")
                                if arn.count(":") >= 5})
        for service in sorted(_services_named(policy) | {"outsider.amazonaws.com"}):
            for source_arn in source_arns:
                source = {"aws:SourceAccount": outside, "aws:SourceArn": source_arn, "aws:SourceOrgID": ABSENT}
                probes.append((Outsider.SERVICE, Principal.aws_service(service), source))
    grants: dict[tuple[int, Outsider], Grant] = {}
    undecidable = False
    for outsider, principal, context in probes:
        request = Request(action, resource, principal, context, complete=False)
        denies = [statement_applies(statement, request, policy.variables)
                  for statement in policy.statements if not statement.allows]
        if True in denies:
            continue
        for statement in policy.statements:
            if not statement.allows:
                continue
            applies = statement_applies(statement, request, policy.variables)
            if applies is None or (applies and None in denies):
                undecidable = True
            elif applies:
                grants.setdefault((statement.index, outsider), Grant(statement, outsider))
    ordered = tuple(grants[key] for key in sorted(grants, key=lambda item: (item[0], list(Outsider).index(item[1]))))
    return OutsideGrants(ordered, undecidable=undecidable)


@dataclass(frozen=True)
class Restriction:
    answer: Answer
    witness: dict | None = None        # a context that breaks the required condition yet is allowed


def _candidates(values: Iterable[str]) -> list[str]:
    """Values near the policy's own: each with wildcards filled both ways, case-swapped, and
    numbers just around it."""
    found = {_FRESH, ""}
    for value in values:
        for text in {value, value.replace("*", ""), value.replace("*", _FRESH), value.replace("?", _FRESH),
                     value.replace("*", "").replace("?", _FRESH), value.upper(), value.lower(), value.swapcase()}:
            found.add(text)
        number = _number(value)
        if number is not None:
            found.update(str(number + delta) for delta in (Decimal(-1), Decimal("-0.1"), Decimal("0.1"), Decimal(1)))
    return sorted(found)


def allowed_only_when(policy: Policy, action: str, resource: str | ResourcesUnder | None,
                      required: Mapping[str, Mapping[str, Any]], principal: Principal | None = None) -> Restriction:
    """Is ``action`` on ``resource`` allowed to ``principal`` only when ``required`` (a Condition
    block in IAM's own form) holds?

    For each required key, the request is tried with values that break the requirement: the key
    absent, an empty set, and values built from the policy's and the requirement's own values
    (wildcards filled, case swapped, numbers on either side); other keys stay open. NO comes with
    the witness context, which the policy allows although the requirement fails.
    """
    if policy.invalid:
        return Restriction(Answer.INVALID)
    if policy.unknown:
        return Restriction(Answer.UNDECIDABLE)
    try:
        wanted = _parse_conditions(dict(required), "requirement")
    except _Invalid as problem:
        raise ValueError(str(problem)) from None
    undecidable = False
    for requirement in wanted:
        pool = _candidates(list(requirement.values) + _condition_values(policy, requirement.key))
        candidates: list[Any] = [ABSENT, []] + [[value] for value in pool] + [[value, _FRESH] for value in pool]
        candidates += [value for value in pool]
        for candidate in candidates:
            holds = _condition(requirement, _Context(Request(action, resource, None, {requirement.key: candidate}),
                                                     favour=False), True)
            if holds is not False:
                continue
            context = {requirement.key: candidate}
            decision = evaluate(policy, Request(action, resource, principal, context, complete=False))
            if decision is Decision.ALLOW:
                return Restriction(Answer.NO, context)
            undecidable = undecidable or decision is Decision.UNDECIDABLE
    return Restriction(Answer.UNDECIDABLE if undecidable else Answer.YES)
