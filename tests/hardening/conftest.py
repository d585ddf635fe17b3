"""Hypothesis profiles for the hardening tests, and the per-test count of executed cases.

APPFLOW_GUARD_HYPOTHESIS_PROFILE selects the profile: ``fast`` (default, part of `make test`, a few
seconds, derandomized so CI is reproducible) or ``fuzz`` (`make fuzz`, at least 100,000 cases).
"""

import os
import sys

import pytest
from hypothesis import HealthCheck, Phase, settings

sys.path.append(os.path.dirname(os.path.abspath(__file__)))  # after tests/, so `conftest` stays tests/conftest.py

import fuzzing  # noqa: E402

_SUPPRESSED = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much,
               HealthCheck.large_base_example]

# max_examples is the budget of one weight unit; each test multiplies it by its weight (fuzzing.examples).
settings.register_profile("fast", max_examples=4, deadline=None, derandomize=True, database=None,
                          suppress_health_check=_SUPPRESSED, print_blob=True)
settings.register_profile("fuzz", max_examples=1000, deadline=None, database=None,
                          suppress_health_check=_SUPPRESSED, print_blob=True,
                          phases=[Phase.explicit, Phase.generate, Phase.shrink])
settings.load_profile(fuzzing.PROFILE)


@pytest.fixture(autouse=True)
def _record_cases(request, record_property):
    """Record how many examples the test really executed, and how many of them failed."""
    before = dict(fuzzing.COUNTS)
    yield
    record_property("fuzz_path", getattr(request.module, "FUZZ_PATH", ""))
    record_property("fuzz_cases", fuzzing.COUNTS["cases"] - before["cases"])
    record_property("fuzz_failures", fuzzing.COUNTS["failures"] - before["failures"])
