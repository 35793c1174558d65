"""Hypothesis profiles: `ci` (default: derandomised, a fixed number of examples, a few minutes in all) and `long`
(a local soak: `pytest tests/test_fuzz_files.py --hypothesis-profile=long`)."""
from hypothesis import HealthCheck, settings

_common = dict(deadline=None, database=None, print_blob=True,
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("ci", derandomize=True, max_examples=200, **_common)
settings.register_profile("long", max_examples=2000, **_common)
settings.load_profile("ci")
