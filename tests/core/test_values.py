from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, unknown_checking_proxy

from appflow_guard.core.values import UNKNOWN, decode_json, dig, flag, plain, strings_in


def test_plain_replaces_unknowns_at_any_depth():
    props = unknown_checking_proxy({"a": UNKNOWN_STRING_VALUE, "b": [{"c": UNKNOWN_STRING_VALUE}, 1.0], "d": None})
    assert plain(props) == {"a": UNKNOWN, "b": [{"c": UNKNOWN}, 1.0], "d": None}


def test_plain_bounds_depth():
    deep = current = {}
    for _ in range(200):
        current["x"] = {}
        current = current["x"]
    assert dig(plain(deep), *(["x"] * 70)) is UNKNOWN


def test_dig_tolerates_missing_and_mistyped_steps():
    data = {"a": [{"b": "c"}], "s": "text"}
    assert dig(data, "a", 0, "b") == "c"
    assert dig(data, "a", 5, "b") is None
    assert dig(data, "s", "b") is None
    assert dig({"a": UNKNOWN}, "a", "b") is UNKNOWN


def test_flags_and_json_from_provider_properties():
    assert flag("true") is True and flag(False) is False and flag("yes") is None
    assert decode_json('[{"s3": "https://x"}]') == [{"s3": "https://x"}]
    assert decode_json("{not json") is None
    assert decode_json(UNKNOWN) is UNKNOWN


def test_strings_in_yields_paths():
    assert list(strings_in({"a": {"b": ["x", 1, "y"]}})) == [("a.b[0]", "x"), ("a.b[2]", "y")]
