"""Helpers of the accounts tests: a clean cache (throttles), enrolled authenticators, codes."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from fangkong.accounts.models import User


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """DRF throttles count in the cache, which outlives a test's database."""
    cache.clear()
    yield
    cache.clear()


def code_for(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code the user's phone shows now (or `steps_ahead` periods later: a code is accepted
    once, and the next period's is within the default tolerance)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def enrol(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
