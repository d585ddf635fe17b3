"""The positive corpus of the sensitive-data rule: realistic sensitive values in their real shapes.

Generated deterministically (``random.Random(SEED)``), never committed. Each value is made the way
its issuer makes it: email addresses of people and mailboxes; phone numbers of a dozen numbering
plans in their national and international (E.164 and grouped) forms; card numbers of the major
brands inside their issuer ranges and lengths, with a Luhn check digit, bare and in printed
groups; vendor tokens with their prefixes, alphabets and lengths (GitHub, GitLab, Slack, Stripe,
OpenAI, Anthropic, Google), JWTs with real JSON headers and payloads, AWS access key IDs and
secret access keys, PEM private-key headers. Each value also appears once in a realistic setting
("owner: jane.doe@corp.example", "flow for +44 20 7946 0958"), a tag value, description or name.

  .venv/bin/python scripts/sensitive-corpus/positive_corpus.py [--list]   # sizes; --list prints every value
"""

from __future__ import annotations

import base64
import json
import random
import string
import sys
import zlib
from collections import Counter
from dataclasses import dataclass

SEED = 19
BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
BASE64URL = string.ascii_letters + string.digits + "-_"

FIRST_NAMES = ["jane", "john", "maria", "wei", "olga", "ahmed", "priya", "lucas", "sofia", "kenji", "amara", "noah"]
LAST_NAMES = ["doe", "smith", "garcia", "chen", "ivanova", "khan", "sharma", "martin", "rossi", "tanaka", "okafor"]
DOMAINS = ["corp.example", "example.com", "example.co.uk", "mail.example.org", "acme-corp.com", "data.example.io",
           "example.de", "subsidiary.example.net", "globex.example", "initech.example.fr"]
MAILBOXES = ["billing", "ops_team", "data-platform", "security", "oncall", "finance.reports"]


@dataclass(frozen=True)
class Positive:
    value: str  # what the rule reads
    category: str  # what it holds: email, phone, card, token, jwt, aws-access-key, aws-secret-key, private-key
    setting: str  # "bare", or the surrounding the sensitive part was placed in
    sensitive: str  # the sensitive part itself


def _digits(pick: random.Random, count: int) -> str:
    return "".join(pick.choice(string.digits) for _ in range(count))


def _text(pick: random.Random, alphabet: str, count: int) -> str:
    return "".join(pick.choice(alphabet) for _ in range(count))


def emails(pick: random.Random, count: int) -> list[str]:
    shapes = ["{f}.{l}", "{f}_{l}", "{f}{l}", "{i}.{l}", "{f}.{l}+appflow", "{f}.{l}{n}", "{m}"]
    found = []
    while len(found) < count:
        first, last = pick.choice(FIRST_NAMES), pick.choice(LAST_NAMES)
        local = pick.choice(shapes).format(f=first, l=last, i=first[0], n=pick.randint(1, 99), m=pick.choice(MAILBOXES))
        found.append(f"{local}@{pick.choice(DOMAINS)}")
    return found


def _nanp(pick: random.Random) -> tuple[str, str, str]:
    area = pick.choice(["212", "312", "415", "617", "646", "702", "206", "303", "404", "512", "604", "416", "305"])
    exchange = pick.choice(["555", str(pick.randint(201, 989))])
    line = pick.choice([f"01{pick.randint(0, 99):02d}", _digits(pick, 4)])
    return area, exchange, line


def phones(pick: random.Random) -> list[str]:
    """Every form of every plan below, each with fresh subscriber digits."""
    area, exchange, line = _nanp(pick)
    nanp = [f"+1{area}{exchange}{line}", f"+1 {area} {exchange} {line}", f"+1-{area}-{exchange}-{line}",
            f"+1 ({area}) {exchange}-{line}", f"({area}) {exchange}-{line}", f"{area}-{exchange}-{line}",
            f"{area}.{exchange}.{line}", f"1-{area}-{exchange}-{line}", f"+1.{area}.{exchange}.{line}"]
    london = f"7946 0{_digits(pick, 3)}"
    uk_mobile = f"7700 900{_digits(pick, 3)}"
    manchester = f"496 0{_digits(pick, 3)}"
    uk = [f"+44 20 {london}", f"020 {london}", f"+4420{london.replace(' ', '')}", f"+44 (0)20 {london}",
          f"+44 {uk_mobile}", f"0{uk_mobile}", f"+44 161 {manchester}", f"0161 {manchester}"]
    berlin, munich, mobile_de = _digits(pick, 8), _digits(pick, 7), _digits(pick, 8)
    germany = [f"+49 30 {berlin}", f"030 {berlin}", f"+49 89 {munich}", f"089 {munich}", f"+49 151 {mobile_de}",
               f"0151 {mobile_de}"]
    pairs = " ".join(_digits(pick, 2) for _ in range(4))
    mobile_pairs = " ".join(_digits(pick, 2) for _ in range(4))
    france = [f"+33 1 {pairs}", f"01 {pairs}", f"+33 6 {mobile_pairs}", f"06 {mobile_pairs}"]
    sydney, mobile_au = f"9{_digits(pick, 3)} {_digits(pick, 4)}", f"4{_digits(pick, 2)} {_digits(pick, 3)} {_digits(pick, 3)}"
    australia = [f"+61 2 {sydney}", f"(02) {sydney}", f"02 {sydney}", f"+61 {mobile_au}", f"0{mobile_au}"]
    tokyo, mobile_jp = f"{_digits(pick, 4)}-{_digits(pick, 4)}", f"{_digits(pick, 4)}-{_digits(pick, 4)}"
    japan = [f"+81 3-{tokyo}", f"03-{tokyo}", f"+81 90-{mobile_jp}", f"090-{mobile_jp}"]
    india_mobile = f"{pick.choice('9876')}{_digits(pick, 4)} {_digits(pick, 5)}"
    others = [f"+91 {india_mobile}", f"+91{india_mobile.replace(' ', '')}", f"+55 11 9{_digits(pick, 4)}-{_digits(pick, 4)}",
              f"+34 91{_digits(pick, 1)} {_digits(pick, 3)} {_digits(pick, 3)}", f"+39 06 {_digits(pick, 4)} {_digits(pick, 4)}",
              f"+31 20 {_digits(pick, 3)} {_digits(pick, 4)}", f"+353 1 {_digits(pick, 3)} {_digits(pick, 4)}",
              f"+65 6{_digits(pick, 3)} {_digits(pick, 4)}", f"+52 55 {_digits(pick, 4)} {_digits(pick, 4)}"]
    return nanp + uk + germany + france + australia + japan + others


def _luhn_complete(partial: str) -> str:
    """``partial`` with the check digit that makes the whole number pass Luhn."""
    total = 0
    for index, char in enumerate(reversed(partial)):
        digit = int(char)
        if index % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return partial + str((10 - total % 10) % 10)


CARD_BRANDS = [  # issuer prefixes and the lengths each issues
    ("visa", ["4"], [16, 13, 19]), ("mastercard", ["51", "52", "53", "54", "55", "2221", "2500", "2720"], [16]),
    ("amex", ["34", "37"], [15]), ("discover", ["6011", "644", "649", "65"], [16, 19]),
    ("jcb", ["3528", "3540", "3589"], [16]), ("diners", ["300", "305", "36", "38"], [14]),
    ("unionpay", ["62"], [16, 19]), ("maestro", ["6759", "5018"], [16]),
]


def _grouped(number: str, separator: str) -> str:
    """As printed on the card: 4-6-5 (American Express) and 4-6-4 (Diners Club), else groups of four."""
    if len(number) in (14, 15):
        return separator.join((number[:4], number[4:10], number[10:]))
    return separator.join(number[index:index + 4] for index in range(0, len(number), 4))


def cards(pick: random.Random, per_brand: int) -> list[str]:
    found = []
    for _, prefixes, lengths in CARD_BRANDS:
        for index in range(per_brand):
            prefix, length = pick.choice(prefixes), lengths[index % len(lengths)]
            number = _luhn_complete(prefix + _digits(pick, length - len(prefix) - 1))
            found.append([number, _grouped(number, " "), _grouped(number, "-")][index % 3])
    return found


def _github(pick: random.Random, prefix: str) -> str:
    """30 random base62 characters and their CRC32 in 6 base62 digits, as GitHub builds them."""
    body = _text(pick, BASE62, 30)
    checksum, encoded = zlib.crc32(body.encode()), ""
    for _ in range(6):
        checksum, digit = divmod(checksum, 62)
        encoded = BASE62[digit] + encoded
    return f"{prefix}_{body}{encoded}"


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jwts(pick: random.Random, count: int) -> list[str]:
    found = []
    for index in range(count):
        algorithm = ["HS256", "RS256", "ES256"][index % 3]
        header = {"alg": algorithm, "typ": "JWT"} if index % 2 else {"typ": "JWT", "alg": algorithm, "kid": _text(pick, BASE62, 8)}
        payload = {"sub": _digits(pick, 10), "name": f"{pick.choice(FIRST_NAMES)} {pick.choice(LAST_NAMES)}",
                   "iat": 1_700_000_000 + pick.randint(0, 10 ** 7), "scope": pick.choice(["read", "write", "admin"])}
        signature = bytes(pick.getrandbits(8) for _ in range({"HS256": 32, "RS256": 256, "ES256": 64}[algorithm]))
        found.append(".".join(_b64url(json.dumps(part, separators=(",", ":")).encode()) for part in (header, payload))
                     + "." + _b64url(signature))
    return found


def tokens(pick: random.Random, rounds: int) -> list[str]:
    found = []
    for _ in range(rounds):
        found += [_github(pick, prefix) for prefix in ("ghp", "gho", "ghu", "ghs", "ghr")]
        found += [f"github_pat_{_text(pick, BASE62, 22)}_{_text(pick, BASE62, 59)}",
                  f"glpat-{_text(pick, BASE64URL, 20)}",
                  f"xoxb-{_digits(pick, 12)}-{_digits(pick, 13)}-{_text(pick, BASE62, 24)}",
                  f"xoxp-{_digits(pick, 12)}-{_digits(pick, 12)}-{_digits(pick, 13)}-{_text(pick, '0123456789abcdef', 32)}",
                  f"xapp-1-A{_text(pick, string.digits + string.ascii_uppercase, 10)}-{_digits(pick, 13)}-"
                  f"{_text(pick, '0123456789abcdef', 64)}",
                  f"https://hooks.slack.com/services/T{_text(pick, string.digits + string.ascii_uppercase, 10)}/"
                  f"B{_text(pick, string.digits + string.ascii_uppercase, 10)}/{_text(pick, BASE62, 24)}",
                  f"sk_live_{_text(pick, BASE62, 24)}", f"sk_live_51{_text(pick, BASE62, 97)}",
                  f"rk_live_{_text(pick, BASE62, 24)}", f"pk_live_{_text(pick, BASE62, 24)}",
                  f"sk_test_{_text(pick, BASE62, 24)}", f"whsec_{_text(pick, BASE62, 32)}",
                  f"sk-{_text(pick, BASE62, 20)}T3BlbkFJ{_text(pick, BASE62, 20)}",
                  f"sk-proj-{_text(pick, BASE64URL, 74)}T3BlbkFJ{_text(pick, BASE64URL, 74)}",
                  f"sk-svcacct-{_text(pick, BASE64URL, 58)}T3BlbkFJ{_text(pick, BASE64URL, 58)}",
                  f"sk-ant-api03-{_text(pick, BASE64URL, 93)}AA",
                  f"AIza{_text(pick, BASE64URL, 35)}", f"ya29.a0{_text(pick, BASE64URL, 150)}",
                  f"GOCSPX-{_text(pick, BASE64URL, 28)}"]
    return found


def aws_keys(pick: random.Random, count: int) -> tuple[list[str], list[str]]:
    base32 = string.ascii_uppercase + "234567"
    key_ids = [f"{['AKIA', 'ASIA'][index % 2]}{_text(pick, base32, 16)}" for index in range(count)]
    secrets = [_text(pick, string.ascii_letters + string.digits + "/+", 40) for _ in range(count)]
    return key_ids, secrets


PRIVATE_KEY_HEADERS = ["-----BEGIN RSA PRIVATE KEY-----", "-----BEGIN PRIVATE KEY-----",
                       "-----BEGIN EC PRIVATE KEY-----", "-----BEGIN OPENSSH PRIVATE KEY-----",
                       "-----BEGIN ENCRYPTED PRIVATE KEY-----", "-----BEGIN DSA PRIVATE KEY-----",
                       "-----BEGIN PGP PRIVATE KEY BLOCK-----"]

SETTINGS = {  # where each kind of value is typically written: a tag value, a description, a name
    "email": ["owner: {v}", "contact {v} for access", "{v}", "Escalations go to {v}.", "requested-by={v}"],
    "phone": ["flow for {v}", "on-call {v}", "Call {v} if the export fails", "owner phone: {v}", "tel={v}"],
    "card": ["card {v} on file", "Test payment with {v}", "customer card: {v}", "pan={v}"],
    "token": ["token={v}", "Uses {v} for the export", "key {v} used by etl", "salesforce-{v}", "Bearer {v}"],
    "jwt": ["Authorization: Bearer {v}", "jwt={v}", "session {v}"],
    "aws-access-key": ["key {v} used by etl", "operator-{v}", "Replaces the integration user's key {v}"],
    "aws-secret-key": ["secret {v}", "aws_secret_access_key={v}", "rotated from {v}"],
    "private-key": ["{v}\nMIIEowIBAAKCAQEA", "pasted {v} by mistake"],
}


def build(seed: int = SEED) -> list[Positive]:
    pick = random.Random(seed)
    by_category: dict[str, list[str]] = {
        "email": emails(pick, 60),
        "phone": [number for _ in range(3) for number in phones(pick)],
        "card": cards(pick, 10),
        "token": tokens(pick, 4),
        "jwt": jwts(pick, 12),
        "private-key": PRIVATE_KEY_HEADERS,
    }
    by_category["aws-access-key"], by_category["aws-secret-key"] = aws_keys(pick, 24)
    positives, seen = [], set()
    for category, values in by_category.items():
        for value in values:
            setting = pick.choice(SETTINGS[category])
            for shown, where in ((value, "bare"), (setting.format(v=value), setting)):
                if shown not in seen:
                    seen.add(shown)
                    positives.append(Positive(shown, category, where, value))
    return positives


def main(argv: list[str]) -> int:
    positives = build()
    counts = Counter(positive.category for positive in positives)
    print(f"{len(positives)} distinct values (seed {SEED}): " + ", ".join(f"{count} {name}" for name, count in counts.items()))
    if "--list" in argv:
        for positive in positives:
            print(f"{positive.category}\t{positive.setting!r}\t{positive.value!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
