import pytest

from appflow_guard.core.masking import mask_email, mask_secret, mask_url, shorten


@pytest.mark.parametrize("url,shown", [
    ("https://user:pw@host.example.com:8443/path?token=abc&x=1", "https://host.example.com:8443/path?token=***&x=***"),
    ("http://host.example.com", "http://host.example.com"),
    ("host.example.com/api", "host.example.com/api"),
    ("jdbc:redshift://etl:pw@c.example.com:5439/dev;Password=pw", "jdbc:redshift://c.example.com:5439/dev;Password=***"),
    ("https://[::1", "<unparseable URL>"),
])
def test_urls_keep_scheme_host_and_path_only(url, shown):
    assert mask_url(url) == shown


def test_long_urls_are_cut():
    assert mask_url("https://example.com/" + "a" * 200).endswith("...")


def test_emails_keep_the_first_letter_and_domain():
    assert mask_email("jane.doe@example.com") == "j***@example.com"
    assert mask_email("not-an-email") == "no***"


def test_secrets_show_two_characters_at_most():
    assert mask_secret("AKIAABCDEFGHIJKLMNOP") == "AK***"
    assert mask_secret("abc") == "***"


def test_shorten_flattens_whitespace_and_cuts():
    assert shorten("a  b\nc") == "a b c"
    assert shorten("x" * 100) == "x" * 80 + "..."
