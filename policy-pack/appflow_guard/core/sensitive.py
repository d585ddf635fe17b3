"""Detectors for confidential data in names, descriptions and tags.

A format is reported only in its whole documented shape: where it may start (never inside a word:
the "sk-" of "task-definition" or "zendesk-" is no OpenAI key), its alphabet, its length, and the
checks it carries (Luhn and issuer ranges for card numbers, numbering plans for phone numbers).
ARNs, UUIDs, host names, dates, versions, IP addresses, CIDRs, account IDs and ordinary
identifiers are not flagged; every finding carries a masked rendering of what matched.

Every pattern may only start where a run of its own characters starts, so a scan stays linear in
the length of the value (a value of megabytes is scanned once per pattern, not once per position).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from .masking import mask_email, mask_phone, mask_secret

# A match may only start where a run of local-part characters starts: without the look-behind, a
# long run with no '@' after it is rescanned from every position (quadratic: 16 KB of letters took
# half a second, 1 MB half an hour). The match is the same: every suffix of a run ends at one '@'.
_EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")

# Long-term (AKIA) and temporary (ASIA) access key IDs, and the bearer (ABIA) and context (ACCA)
# credential IDs of the same shape: 20 upper-case letters and digits (AWS's unique-ID prefixes of
# users, roles and groups, AIDA/AROA/AGPA, name principals, not credentials).
_ACCESS_KEY = re.compile(r"(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Za-z0-9])")

# Vendor token formats, each with its documented prefix, alphabet and length, bounded on both sides.
_START = r"(?<![A-Za-z0-9])"
_TOKEN_FORMATS = (
    # GitHub: ghp_ (personal), gho_ (OAuth), ghu_ (user-to-server), ghs_ (server-to-server),
    # ghr_ (refresh): 36 base62 characters today, up to 255 in all as GitHub announced.
    r"gh[pousr]_[A-Za-z0-9]{36,251}(?![A-Za-z0-9])",
    r"github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}(?![A-Za-z0-9_])",  # fine-grained personal access token
    # GitLab personal access tokens: 20 base64url characters (GitLab's own authentication treated 20
    # to 40 as a PAT), or the routable form <payload>.<version>.<CRC>.
    r"glpat-(?:[A-Za-z0-9_-]{20,40}(?![A-Za-z0-9_.-])|[A-Za-z0-9_-]{27,310}\.[0-9a-z]{2}\.[0-9a-z]{2,9}(?![A-Za-z0-9]))",
    # Slack: bot, user, app-level, refresh and configuration tokens; incoming webhooks.
    r"xox[abeoprs]-(?:[0-9]{1,13}-){1,4}[A-Za-z0-9]{8,200}(?![A-Za-z0-9-])",
    r"xoxe\.xox[bp]-[0-9]-[A-Za-z0-9]{163,166}(?![A-Za-z0-9])",
    r"xapp-[0-9]-[A-Z0-9]{9,12}-[0-9]{10,13}-[a-f0-9]{64}(?![A-Za-z0-9])",
    r"hooks\.slack\.com/(?:services|workflows|triggers)/T[A-Z0-9]{8,12}/[A-Z0-9]{8,12}/[A-Za-z0-9]{24}(?![A-Za-z0-9])",
    # Stripe: secret and restricted keys (live and test), live publishable keys, webhook secrets.
    r"(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{24,247}(?![A-Za-z0-9])",
    r"pk_live_[A-Za-z0-9]{24,247}(?![A-Za-z0-9])",
    r"whsec_[A-Za-z0-9]{32,64}(?![A-Za-z0-9])",
    # OpenAI: legacy user keys and project, service-account and admin keys all carry "T3BlbkFJ"
    # (base64 of "OpenAI") between two random halves.
    r"sk-(?:(?:proj|svcacct|admin)-)?[A-Za-z0-9_-]{20,160}T3BlbkFJ[A-Za-z0-9_-]{20,160}(?![A-Za-z0-9_-])",
    r"sk-ant-(?:api|admin)[0-9]{2}-[A-Za-z0-9_-]{93}AA(?![A-Za-z0-9_-])",  # Anthropic
    # Google: API keys, OAuth access tokens, OAuth client secrets.
    r"AIza[A-Za-z0-9_-]{35}(?![A-Za-z0-9_-])",
    r"ya29\.[A-Za-z0-9_-]{30,4096}(?![A-Za-z0-9_-])",
    r"GOCSPX-[A-Za-z0-9_-]{28}(?![A-Za-z0-9_-])",
)
# A JWT: base64url JSON header and payload ('{"' encodes as "eyJ"), then a signature (empty for
# alg "none"). The header may only start a run of its characters, so "eyJeyJ..." is scanned once.
_JWT = re.compile(r"(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*")
_KNOWN_TOKEN = re.compile(_START + "(?:" + "|".join(_TOKEN_FORMATS) + ")")
_PRIVATE_KEY = re.compile(r"-----BEGIN (?:[A-Z0-9]{1,20} ){0,3}PRIVATE KEY(?: BLOCK)?-----")

_TOKEN_CANDIDATE = re.compile(r"[A-Za-z0-9+/_=-]{24,}")
# 40 base64 characters standing alone ("aws_secret_access_key=" may precede it, padding may not follow).
_AWS_SECRET_KEY = re.compile(r"(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])")
_WORD_BODY = re.compile(r"[a-z]{3,}")
_UUID = re.compile(r"^[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}$")

# A card number stands alone: 13 to 19 digits, bare or in the groups card issuers print (4-4-4-4,
# 4-4-4-4-3, 4-6-5, 4-6-4), never part of a longer run of digits, of a dotted or dashed number, or
# of a longer series of such groups (an expiry date may follow: "4111 1111 1111 1111 12/28").
_NUMBER_START = r"(?<![0-9A-Za-z])(?<![0-9][.,/:-])"
_NUMBER_END = r"(?![0-9A-Za-z])(?![.,/:-][0-9])"
_CARD_CANDIDATE = re.compile(
    _NUMBER_START
    + r"(?:[0-9]{13,19}|[0-9]{4}([ -])[0-9]{4}\1[0-9]{4}\1[0-9]{1,4}(?:\1[0-9]{1,3})?(?!\1[0-9]{3})"
    + r"|[0-9]{4}([ -])[0-9]{6}\2[0-9]{4,5}(?!\2[0-9]{3}))"
    + _NUMBER_END
)
# Issuer ranges (first digits, inclusive) and the lengths each brand issues.
_CARD_BRANDS = (
    (("4", "4"), (13, 16, 19)),                                    # Visa
    (("51", "55"), (16,)), (("2221", "2720"), (16,)),              # Mastercard
    (("34", "34"), (15,)), (("37", "37"), (15,)),                  # American Express
    (("6011", "6011"), (16, 17, 18, 19)), (("644", "649"), (16, 17, 18, 19)),
    (("65", "65"), (16, 17, 18, 19)),                              # Discover
    (("3528", "3589"), (16, 17, 18, 19)),                          # JCB
    (("300", "305"), (14, 15, 16, 17, 18, 19)), (("3095", "3095"), (14, 15, 16, 17, 18, 19)),
    (("36", "36"), (14, 15, 16, 17, 18, 19)), (("38", "39"), (14, 15, 16, 17, 18, 19)),  # Diners Club
    (("62", "62"), (16, 17, 18, 19)),                              # UnionPay
    (("5018", "5018"), (13, 15, 16, 19)), (("5020", "5020"), (13, 15, 16, 19)),
    (("5038", "5038"), (13, 15, 16, 19)), (("5893", "5893"), (13, 15, 16, 19)),
    (("6304", "6304"), (13, 15, 16, 19)), (("6759", "6759"), (13, 15, 16, 19)),
    (("6761", "6763"), (13, 15, 16, 19)),                          # Maestro
    (("2200", "2204"), (16, 17, 18, 19)),                          # Mir
)

# Phone numbers. International: '+', a country code and the subscriber number, compact (E.164) or
# in groups separated by one space, dot or dash, the area code possibly in parentheses. A number may
# not follow a word, a digit, a dot, a dash or a '+' (semver build metadata "1.0.0+20130313144700",
# base64 runs, the parts of a dotted or dashed identifier); each group is delimited, so it scans once.
_PHONE_START = r"(?<![A-Za-z0-9_+./-])"
_PHONE_END = r"(?![A-Za-z0-9_+])(?![.,/:-][0-9])"
_INTERNATIONAL_PHONE = re.compile(
    _PHONE_START + r"\+[1-9][0-9]*(?:[ .-]?\([0-9]{1,4}\)|(?:[ .-]|(?<=\)))[0-9]+)*" + _PHONE_END
)
# North American Numbering Plan, national: (NPA) NXX-XXXX, NPA-NXX-XXXX, NPA.NXX.XXXX, with an
# optional leading "1-": area code and exchange both start with 2-9. Three groups separated by spaces
# only ("256 512 1024") are a list of numbers as often as a phone number: they need the "+1".
_NANP_PHONE = re.compile(
    _PHONE_START + r"(?:1[ .-]?)?(?:\([2-9][0-9]{2}\) ?[2-9][0-9]{2}[ .-]?|[2-9][0-9]{2}([.-])[2-9][0-9]{2}\1)[0-9]{4}"
    + _PHONE_END
)
# Trunk-prefix national numbers (UK, Germany, France, Australia, Japan and the many plans alike):
# 0, an area code, then groups, 10 to 12 digits in all: "020 7946 0958", "07700 900123",
# "(02) 9876 5432", "030 12345678", "0151 23456789", "03-1234-5678", "01 23 45 67 89".
_TRUNK_PHONE = re.compile(
    _PHONE_START + r"(?:\(0[1-9][0-9]{0,3}\)|0[1-9][0-9]{0,3})(?:[ -][0-9]{2,8}){1,4}" + _PHONE_END
)
# A group that is a year ("03-2026-0001", "01 2026 1200") makes a dated reference, not a phone number.
_DATE_LIKE = re.compile(r"(?:^|[ -])(?:19|20)[0-9]{2}(?:$|[ -])")


@dataclass(frozen=True)
class Detection:
    kind: str
    masked: str


def _luhn(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        digit = int(char)
        if index % 2:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def _is_card_number(digits: str) -> bool:
    """Luhn-valid, of a length its issuer's range issues."""
    for (low, high), lengths in _CARD_BRANDS:
        if len(digits) in lengths and low <= digits[:len(low)] <= high:
            return _luhn(digits)
    return False


def _is_international_phone(candidate: str) -> bool:
    """8 to 15 digits (E.164); +1 numbers follow the North American plan, the larger plans need 10."""
    digits = re.sub(r"\D", "", candidate)
    if not 8 <= len(digits) <= 15:
        return False
    if digits[0] == "1":
        return len(digits) == 11 and digits[1] in "23456789" and digits[4] in "23456789"
    if digits[0] == "7" or digits.startswith(("44", "49", "33", "39", "34", "61", "81", "91", "86", "55", "52")):
        return len(digits) >= 10  # country code and a national number of 8 digits or more
    return True


def _is_trunk_phone(candidate: str) -> bool:
    """10 to 12 digits, no group that is a year, the groups after the area code all pairs or all longer."""
    digits = re.sub(r"\D", "", candidate)
    groups = re.split(r"[ -]", candidate.replace("(", "").replace(")", " ").strip())
    groups = [group for group in groups if group]
    if not 10 <= len(digits) <= 12 or _DATE_LIKE.search(candidate):
        return False
    rest = groups[1:]
    # Pairs ("01 23 45 67 89") or groups of three or more ("020 7946 0958"), never a mix with pairs.
    return (len(rest) == 4 and all(len(group) == 2 for group in rest)) or all(len(group) >= 3 for group in rest)


def _find_phone(value: str) -> str | None:
    for match in _INTERNATIONAL_PHONE.finditer(value):
        if _is_international_phone(match.group(0)):
            return match.group(0)
    match = _NANP_PHONE.search(value)
    if match:
        return match.group(0)
    for match in _TRUNK_PHONE.finditer(value):
        if _is_trunk_phone(match.group(0)):
            return match.group(0)
    return None


def _looks_random(text: str, min_digits: int) -> bool:
    """Upper case, lower case and digits mixed the way random base62/base64 text mixes them.

    Random text has about as many upper- as lower-case letters, flips case between adjacent letters
    often, and rarely has three lower-case letters in a row. Names are made of words: CamelCase
    ("FlowInputNodeFlowInputNode0ToPrompt", "MyEC2InstanceRoleForSSMv2Access2024") has one capital
    a word and most of its lower-case letters in runs of three or more.
    """
    upper = sum(char.isupper() for char in text)
    lower = sum(char.islower() for char in text)
    letters = upper + lower
    if not letters or sum(char.isdigit() for char in text) < min_digits or min(upper, lower) < 0.2 * letters:
        return False
    case_changes = sum(1 for a, b in zip(text, text[1:]) if a.isalpha() and b.isalpha() and a.islower() != b.islower())
    return case_changes >= 0.2 * letters and _in_words(text) < 0.6 * lower


def _in_words(text: str) -> int:
    """How many lower-case letters stand in runs of three or more (the bodies of words)."""
    return sum(len(run) for run in _WORD_BODY.findall(text))


def _is_aws_secret_key(candidate: str) -> bool:
    """40 characters of base64, random-looking; a '/' or '+' in it (a path has them too) lowers the bar.

    A path of exactly 40 characters ("Prod/AppFlow/SalesforceAccounts/Daily/V2") is made of words.
    """
    upper = sum(char.isupper() for char in candidate)
    lower = sum(char.islower() for char in candidate)
    if re.search(r"[/+]", candidate) and re.search(r"\d", candidate) and upper and lower:
        return min(upper, lower) >= 0.2 * (upper + lower) and _in_words(candidate) < 0.8 * lower
    return _looks_random(candidate, 1)


def _looks_like_token(candidate: str) -> bool:
    """A long random-looking run: at least 24 characters, two digits, neither a UUID nor made of words."""
    core = candidate.strip("=-_")
    return len(core) >= 24 and not _UUID.match(candidate) and _looks_random(core, 2)


def detect(value: str, extra_patterns: Iterable[re.Pattern] = (), allowed_values: frozenset[str] = frozenset()) -> Detection | None:
    """The first kind of sensitive data found in ``value``, or None."""
    if not value or value in allowed_values:
        return None
    match = _EMAIL.search(value)
    if match:
        return Detection("an email address", mask_email(match.group(0)))
    match = _ACCESS_KEY.search(value)
    if match:
        return Detection("an AWS access key ID", mask_secret(match.group(0)))
    match = _KNOWN_TOKEN.search(value) or _JWT.search(value)
    if match:
        return Detection("a secret token", mask_secret(match.group(0)))
    match = _PRIVATE_KEY.search(value)
    if match:
        return Detection("a private key", mask_secret(match.group(0)))
    for match in _AWS_SECRET_KEY.finditer(value):
        if _is_aws_secret_key(match.group(0)):
            return Detection("an AWS secret access key", mask_secret(match.group(0)))
    for candidate in _TOKEN_CANDIDATE.findall(value):
        if _looks_like_token(candidate):
            return Detection("a secret-looking token", mask_secret(candidate))
    for match in _CARD_CANDIDATE.finditer(value):
        digits = re.sub(r"\D", "", match.group(0))
        if _is_card_number(digits):
            return Detection("a payment card number", f"****{digits[-4:]}")
    phone = _find_phone(value)
    if phone:
        return Detection("a phone number", mask_phone(phone))
    for index, pattern in enumerate(extra_patterns):
        match = pattern.search(value)
        if match:
            return Detection(f"a match for extraPatterns[{index}]", mask_secret(match.group(0)))
    return None
