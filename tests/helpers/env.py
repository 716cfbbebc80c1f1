"""What every test may need to know about its environment: the test passphrase, the test day, CI or not."""

from __future__ import annotations

import os
from datetime import date

import pytest

PASSPHRASE = "correct horse battery staple"  # the template stores' passphrase (tests/conftest.py)
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
TEST_DAY = date(2026, 11, 25)  # the fixed clock's day (tests/conftest.py)


def require(condition: bool, reason: str) -> None:
    """Skip locally when a test's external need is missing; under CI=true fail instead of skipping.

    Works in a test and at module level (``need_qt()`` at the top of a UI test module skips the module).
    """
    if not condition:
        if IN_CI:
            pytest.fail(f"CI requires this: {reason}", pytrace=False)
        pytest.skip(reason, allow_module_level=True)
