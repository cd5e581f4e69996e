"""The demo settings: the demo city's logins, seed and clock. fangkong/settings.py defines
them (names, defaults, what each means); code reads them only through `demo_settings()`,
built anew on each call so that a test's `settings` fixture takes effect.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class DemoSettings:
    password: str  # FANGKONG_DEMO_PASSWORD
    seed: int  # FANGKONG_DEMO_SEED
    clock: bool  # FANGKONG_DEMO_CLOCK


def demo_settings() -> DemoSettings:
    return DemoSettings(
        password=settings.FANGKONG_DEMO_PASSWORD,
        seed=settings.FANGKONG_DEMO_SEED,
        clock=settings.FANGKONG_DEMO_CLOCK,
    )
