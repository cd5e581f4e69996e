"""The policy settings: the policy edition in force by default. fangkong/settings.py defines them
(names, defaults, what each means); code reads them only through `policy_settings()`, built anew
on each call so that a test's `settings` fixture takes effect.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class PolicySettings:
    edition: str  # FANGKONG_POLICY_EDITION


def policy_settings() -> PolicySettings:
    return PolicySettings(
        edition=settings.FANGKONG_POLICY_EDITION,
    )
