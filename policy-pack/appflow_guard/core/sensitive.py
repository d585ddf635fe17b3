"""Detectors for confidential data in names, descriptions and tags.

Tuned for precision: ARNs, UUIDs, host names, dates and ordinary identifiers are not flagged;
every finding carries a masked rendering of what matched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from .masking import mask_email, mask_secret

# A match may only start where a run of local-part characters starts: without the look-behind, a
# long run with no '@' after it is rescanned from every position (quadratic: 16 KB of letters took
# half a second, 1 MB half an hour). The match is the same: every suffix of a run ends at one '@'.
_EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_ACCESS_KEY = re.compile(r"(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}(?![A-Z0-9])")
# The JWT header may only start a run of its characters, so "eyJeyJ..." is scanned once, not from
# every "eyJ" in it (quadratic before: 200 KB of it took a minute).
_KNOWN_TOKEN = re.compile(
    r"(?:ghp_|gho_|ghs_|github_pat_|glpat-|xox[abposr]-|sk_live_|rk_live_|sk-|AIza|ya29\.|(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{10,}\.)"
    r"[A-Za-z0-9_\-.]{10,}|-----BEGIN [A-Z ]*PRIVATE KEY-----"
)
_TOKEN_CANDIDATE = re.compile(r"[A-Za-z0-9+/_=-]{24,}")
_AWS_SECRET_KEY = re.compile(r"(?<![A-Za-z0-9/+=])(?=[A-Za-z0-9/+]*[/+])(?=[A-Za-z0-9/+]*\d)[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])")
_UUID = re.compile(r"^[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}$")
_CARD_CANDIDATE = re.compile(r"(?<!\d)(?:\d[ -]?){12,18}\d(?!\d)")


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


def _looks_like_token(candidate: str) -> bool:
    """A long random-looking run: upper case, lower case and digits, with case flipping often.

    Random base64 flips case between adjacent letters about half the time; CamelCase names
    (``SalesforceAccountsToS3Daily``) flip once a word, so they stay below the threshold.
    """
    if _UUID.match(candidate):
        return False
    core = candidate.strip("=-_")
    letters = sum(char.isalpha() for char in core)
    digits = sum(char.isdigit() for char in core)
    if len(core) < 24 or digits < 3 or not re.search(r"[a-z]", core) or not re.search(r"[A-Z]", core):
        return False
    case_changes = sum(1 for a, b in zip(core, core[1:]) if a.isalpha() and b.isalpha() and a.islower() != b.islower())
    return case_changes / max(letters, 1) >= 0.3


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
    match = _KNOWN_TOKEN.search(value)
    if match:
        return Detection("a secret token", mask_secret(match.group(0)))
    match = _AWS_SECRET_KEY.search(value)
    if match and re.search(r"[a-z]", match.group(0)) and re.search(r"[A-Z]", match.group(0)):
        return Detection("an AWS secret access key", mask_secret(match.group(0)))
    for candidate in _TOKEN_CANDIDATE.findall(value):
        if _looks_like_token(candidate):
            return Detection("a secret-looking token", mask_secret(candidate))
    for match in _CARD_CANDIDATE.finditer(value):
        digits = re.sub(r"\D", "", match.group(0))
        if 13 <= len(digits) <= 19 and _luhn(digits):
            return Detection("a payment card number", f"****{digits[-4:]}")
    for index, pattern in enumerate(extra_patterns):
        match = pattern.search(value)
        if match:
            return Detection(f"a match for extraPatterns[{index}]", mask_secret(match.group(0)))
    return None
