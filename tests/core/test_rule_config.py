import datetime

import pytest

from appflow_guard.core.rule_config import Exemption, InvalidConfig, parse_exemptions


def test_exemptions_match_name_or_urn_globs():
    exemption = Exemption("legacy-*", "migrating", None)
    assert exemption.matches("legacy-flow", "urn:x")
    assert Exemption("*::flow-a", "r", None).matches("other", "urn:pulumi:dev::p::aws:appflow/flow:Flow::flow-a")
    assert not exemption.matches("flow", "urn:x")


def test_expiry_is_inclusive():
    exemption = Exemption("x", "r", datetime.date(2026, 1, 31))
    assert not exemption.expired(datetime.date(2026, 1, 31))
    assert exemption.expired(datetime.date(2026, 2, 1))


@pytest.mark.parametrize("config,message", [
    ({"exemptions": {}}, "exemptions must be a list"),
    ({"exemptions": ["x"]}, "exemptions[0] must be an object"),
    ({"exemptions": [{"reason": "r"}]}, "exemptions[0].resource must be a non-empty string"),
    ({"exemptions": [{"resource": "x", "reason": "r", "expires": "2026-13-01"}]},
     "exemptions[0].expires must be a date YYYY-MM-DD"),
])
def test_malformed_exemptions_name_the_key(config, message):
    with pytest.raises(InvalidConfig) as error:
        parse_exemptions(config)
    assert str(error.value) == message
